using System.Globalization;
using Microsoft.Extensions.Logging;
using SmartCam.Configuration;
using SmartCam.Core;

namespace SmartCam.Realtime;

/// <summary>
/// Applies the <c>realtime:</c> plan. Each loop thread calls <see cref="Enter"/> on itself as it starts
/// (affinity and policy of its own tid: a process started with SCHED_FIFO would give the runtime's own
/// threads real-time priority too). Once every loop thread is placed, every other thread of the process is
/// moved to the housekeeping CPUs. Failures (no CAP_SYS_NICE, RLIMIT_RTPRIO 0) leave the service
/// running and produce one warning that says what is missing and how to grant it.
/// </summary>
public sealed class ThreadPlacement
{
    public const string Capture = "capture", Inference = "inference", Publish = "publish";

    private readonly RealtimeConfig _config;
    private readonly ILogger _log;
    private readonly string[] _names, _stages;
    // One slot per loop thread, written only by that thread as it enters: no lock shared by threads of different priority.
    private readonly int[] _tids;
    private readonly string?[] _outcomes;
    private readonly bool[] _refused;
    private int _entered;
    private readonly HousekeepingSweeper? _sweeper;
    private volatile bool _placedTheRest;
    private string? _memoryProblem;

    /// <param name="threads">Every loop thread: its name in status messages and logs (e.g. capture, capture.gate) and its stage's plan (<see cref="Capture"/>, <see cref="Inference"/>, <see cref="Publish"/>).</param>
    public ThreadPlacement(RealtimeConfig config, ILogger log, IReadOnlyList<(string Name, string Stage)> threads)
    {
        _config = config;
        _log = log;
        _names = threads.Select(t => t.Name).ToArray();
        _stages = threads.Select(t => t.Stage).ToArray();
        _tids = new int[threads.Count];
        _outcomes = new string?[threads.Count];
        _refused = new bool[threads.Count];
        if (config.Enabled && config.HousekeepingCpus.Count > 0) _sweeper = new HousekeepingSweeper(config.HousekeepingCpus);
    }

    /// <summary>Threads moved back to the housekeeping CPUs by periodic sweeps after the first placement.</summary>
    public long Resettled { get; private set; }

    /// <summary>Per loop thread, what is really in effect, e.g. "fifo 80 on cpus 1" or "other on cpus 0 (fifo refused: EPERM)".</summary>
    public IReadOnlyDictionary<string, string> InEffect
    {
        get
        {
            var placed = new Dictionary<string, string>();
            for (var i = 0; i < _names.Length; i++)
                if (Volatile.Read(ref _outcomes[i]) is { } outcome) placed[_names[i]] = outcome;
            return placed;
        }
    }

    public bool MemoryLocked { get; private set; }

    /// <summary>Places the calling thread as the plan for loop thread <paramref name="thread"/>'s stage says; call first thing on each loop thread.</summary>
    public void Enter(int thread)
    {
        if (!_config.Enabled) return;
        var plan = _stages[thread] switch { Capture => _config.Capture, Inference => _config.Inference, _ => _config.Publish };
        var tid = Libc.gettid();
        var notes = new List<string>();
        if (plan.Cpus.Count > 0)
        {
            var error = Libc.SetAffinity(0, plan.Cpus);
            if (error != 0) notes.Add($"cpus {Cpus(plan.Cpus)} refused: {Errno(error)}");
        }
        var policy = plan.Policy switch { SchedPolicy.Fifo => Libc.SchedFifo, SchedPolicy.RoundRobin => Libc.SchedRr, _ => Libc.SchedOther };
        var priority = plan.Policy == SchedPolicy.Other ? 0 : plan.Priority;
        var refused = Libc.SetScheduler(0, policy | Libc.SchedResetOnFork, priority);
        if (refused != 0) notes.Add($"{Configuration.YamlEnums.Policy.NameOf(plan.Policy)} {priority} refused: {Errno(refused)}");

        var effective = refused == 0 ? (plan.Policy == SchedPolicy.Other ? "other" : $"{Configuration.YamlEnums.Policy.NameOf(plan.Policy)} {priority}") : "other";
        var where = plan.Cpus.Count > 0 && !notes.Any(n => n.StartsWith("cpus", StringComparison.Ordinal)) ? $" on cpus {Cpus(plan.Cpus)}" : "";
        _tids[thread] = tid;
        _refused[thread] = refused == Libc.EPERM;
        Volatile.Write(ref _outcomes[thread], effective + where + (notes.Count > 0 ? " (" + string.Join("; ", notes) + ")" : ""));
        Interlocked.Increment(ref _entered);
    }

    /// <summary>
    /// Moves every thread that is not a placed loop thread to the housekeeping CPUs, then logs the
    /// outcome (one warning if privileges were missing). Call once the loop threads have entered, from a
    /// normal-priority thread, never a loop thread: it reads /proc, writes affinities, locks memory and logs.
    /// </summary>
    public void PlaceTheRest()
    {
        if (!_config.Enabled) return;
        // A loop thread places itself as it starts; give the last ones a moment if they have not yet.
        SpinWait.SpinUntil(() => Volatile.Read(ref _entered) >= _names.Length, TimeSpan.FromSeconds(2));
        var moved = 0;
        if (_sweeper is not null)
        {
            for (var i = 0; i < _names.Length; i++)
                if (Volatile.Read(ref _outcomes[i]) is not null) _sweeper.Exempt(_tids[i]);
            moved = _sweeper.Sweep();
        }
        _placedTheRest = true;
        if (_config.LockMemory) LockMemory();

        var refused = _names.Where((_, i) => _refused[i]).ToList();
        var problems = refused.ToList();
        if (_memoryProblem is not null) problems.Add(_memoryProblem);
        foreach (var (thread, outcome) in InEffect) _log.LogInformation("Realtime: {Stage} thread {Outcome}", thread, outcome);
        _log.LogInformation("Realtime: {Count} other threads moved to housekeeping cpus {Cpus}; memory {Locked}",
            moved, Cpus(_config.HousekeepingCpus), MemoryLocked ? "locked" : "not locked");
        // With CAP_SYS_NICE held, an EPERM for SCHED_FIFO comes from the cgroup: on cgroup v1 with RT group
        // scheduling a cgroup without cpu.rt_runtime_us (a container's, by default) may run no RT thread.
        var noBudget = refused.Count > 0 && HoldsCapability(HostDoctor.CapSysNice);
        if (noBudget)
            _log.LogWarning("Realtime: SCHED_FIFO refused for {What} although the process holds CAP_SYS_NICE: its cgroup has no real-time budget "
                + "(cpu.rt_runtime_us 0, cgroup v1). Running at normal priority. `smartcam doctor` shows the cgroup; docs/fleet.md#real-time-in-a-pod",
                string.Join(", ", refused));
        var rest = noBudget ? problems.Except(refused).ToList() : problems;
        if (rest.Count > 0)
            _log.LogWarning("Realtime: not permitted for {What}: the process lacks CAP_SYS_NICE (RLIMIT_RTPRIO is {RtPrio}) or CAP_IPC_LOCK (RLIMIT_MEMLOCK {MemLock}). "
                + "Running at normal priority. Grant them in the systemd unit: AmbientCapabilities=CAP_SYS_NICE CAP_IPC_LOCK, LimitRTPRIO=99, LimitMEMLOCK=infinity "
                + "(in a container: --cap-add SYS_NICE,IPC_LOCK; in a pod: securityContext.capabilities.add)",
                string.Join(", ", rest), Limit("Max realtime priority"), Limit("Max locked memory"));
    }

    /// <summary>Whether the process's effective capability set holds capability <paramref name="bit"/>.</summary>
    private static bool HoldsCapability(int bit)
    {
        try
        {
            return (HostDoctor.EffectiveCapabilities(File.ReadAllText("/proc/self/status")) & (1UL << bit)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Locks the pages the process has touched so far, and every page it touches later, into RAM: a
    /// page fault on a loop thread (a page swapped out or reclaimed) would be a stall of unbounded
    /// length. <c>MCL_ONFAULT</c> keeps the lock near the working set: without it, <c>MCL_CURRENT</c>
    /// populates every mapping there is, the whole of each thread stack, every mapped library and
    /// the GC's reservations (measured: 176 MB resident became 530 MB). The loop has run by the time
    /// this is called, so its buffers (frame slots, model inputs and outputs, message buffers) are
    /// already resident and stay so; see docs/realtime.md for the measurement.
    /// </summary>
    private void LockMemory()
    {
        var error = Libc.mlockall(Libc.McLCurrent | Libc.McLFuture | Libc.McLOnFault) == 0 ? 0 : System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        MemoryLocked = error == 0;
        if (error != 0) _memoryProblem = error == Libc.ENOMEM ? "memory (ENOMEM)" : "memory";
    }

    /// <summary>
    /// Moves threads created since the last sweep (by the runtime, NetMQ or a native library, possibly
    /// from a loop thread whose isolated CPU they inherit) to the housekeeping CPUs. Allocation-free;
    /// the publish thread calls it once per status interval.
    /// </summary>
    public int Resweep()
    {
        if (_sweeper is null || !_placedTheRest) return 0;
        var moved = _sweeper.Sweep();
        Resettled += moved;
        return moved;
    }

    private static string Cpus(IReadOnlyList<int> cpus) => string.Join(",", cpus);

    private static string Errno(int error) => error switch
    {
        Libc.EPERM => "EPERM",
        Libc.EINVAL => "EINVAL",
        _ => "errno " + error.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A soft limit from /proc/self/limits, as text.</summary>
    private static string Limit(string name)
    {
        foreach (var line in File.ReadLines("/proc/self/limits"))
            if (line.StartsWith(name, StringComparison.Ordinal))
                return line[name.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return "unknown";
    }
}
