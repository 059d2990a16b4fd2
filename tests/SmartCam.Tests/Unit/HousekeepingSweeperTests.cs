using SmartCam.Core;
using SmartCam.Realtime;

namespace SmartCam.Tests.Unit;

/// <summary>The periodic sweep moves threads that appeared on a loop CPU back to housekeeping, read back from /proc.</summary>
public sealed class HousekeepingSweeperTests
{
    private static string AllowedCpus(int tid) =>
        File.ReadLines($"/proc/self/task/{tid}/status").First(l => l.StartsWith("Cpus_allowed_list:")).Split('\t')[1].Trim();

    /// <summary>Runs a thread that pins itself to <paramref name="cpu"/> and parks until released; returns its tid.</summary>
    private static (int Tid, ManualResetEventSlim Release, Thread Thread) PinnedThread(int cpu)
    {
        var started = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var tid = 0;
        var pinned = -1;
        var thread = new Thread(() =>
        {
            tid = Libc.gettid();
            pinned = Libc.SetAffinity(0, [cpu]); // checked on the test thread: an assert here would be lost
            started.Set();
            release.Wait();
        }) { IsBackground = true };
        thread.Start();
        Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the pinned thread did not start within 30 s");
        Assert.Equal(0, pinned);
        return (tid, release, thread);
    }

    [Fact]
    public void A_thread_on_a_loop_cpu_is_moved_to_housekeeping_and_an_exempt_one_stays()
    {
        var stray = PinnedThread(1);
        var loop = PinnedThread(1);
        try
        {
            Assert.Equal("1", AllowedCpus(stray.Tid));
            using var sweeper = new HousekeepingSweeper([0]);
            sweeper.Exempt(loop.Tid);

            var moved = sweeper.Sweep();

            Assert.Equal("0", AllowedCpus(stray.Tid));
            Assert.Equal("1", AllowedCpus(loop.Tid));
            Assert.True(moved >= 1, $"moved {moved}");
            // Everything is in place now: a second sweep finds nothing to move.
            Assert.Equal(0, sweeper.Sweep());
            Assert.Equal(moved, sweeper.Moved);
        }
        finally
        {
            stray.Release.Set();
            loop.Release.Set();
            stray.Thread.Join();
            loop.Thread.Join();
            // The test process's own threads were moved to CPU 0 by the sweep; give them both CPUs back.
            var all = Enumerable.Range(0, Environment.ProcessorCount).ToArray();
            foreach (var dir in Directory.GetDirectories("/proc/self/task"))
                Libc.SetAffinity(int.Parse(Path.GetFileName(dir)), all);
        }
    }

    [Fact]
    public void A_sweep_allocates_nothing()
    {
        using var sweeper = new HousekeepingSweeper(Enumerable.Range(0, Environment.ProcessorCount).ToArray());
        sweeper.Sweep();
        Assert.Equal(0, Allocations.OnThisThread(() => { for (var i = 0; i < 100; i++) sweeper.Sweep(); }));
    }
}
