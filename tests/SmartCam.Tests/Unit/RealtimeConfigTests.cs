using SmartCam.Configuration;
using SmartCam.Realtime;

namespace SmartCam.Tests.Unit;

public class RealtimeConfigTests
{
    private static SmartCamConfig Parse(TempDir dir, string realtime) =>
        ConfigLoader.Load(dir.Write("rt.yaml", $"camera: {{ source: 'file://{Repo.Video}' }}\nmodel: {{ path: {Repo.Model} }}\n{realtime}"));

    [Fact]
    public void Realtime_section_is_read_per_thread()
    {
        using var dir = new TempDir();
        var c = Parse(dir, """
            realtime:
              threads:
                capture:   { cpus: [0], policy: fifo, priority: 70 }
                inference: { cpus: [0], policy: rr, priority: 80 }
                publish:   { policy: other }
              housekeeping_cpus: [0]
              lock_memory: true
            """).Realtime;
        Assert.True(c.Enabled); // a realtime section is on unless it says enabled: false
        Assert.Equal([0], c.Capture.Cpus);
        Assert.Equal((SchedPolicy.Fifo, 70), (c.Capture.Policy, c.Capture.Priority));
        Assert.Equal((SchedPolicy.RoundRobin, 80), (c.Inference.Policy, c.Inference.Priority));
        Assert.Equal((SchedPolicy.Other, 0, 0), (c.Publish.Policy, c.Publish.Priority, c.Publish.Cpus.Count));
        Assert.Equal([0], c.HousekeepingCpus);
        Assert.True(c.LockMemory);
    }

    [Fact]
    public void Without_a_realtime_section_nothing_is_placed()
    {
        using var dir = new TempDir();
        var c = Parse(dir, "").Realtime;
        Assert.False(c.Enabled);
        Assert.Same(ThreadPlan.Unchanged, c.Inference);
    }

    [Theory]
    [InlineData("realtime: { threads: { inference: { policy: fifo, priority: 100 } } }", "realtime.threads.inference.priority: 100 is out of range; expected 1 to 99")]
    [InlineData("realtime: { threads: { inference: { policy: other, priority: 5 } } }", "realtime.threads.inference.priority: 5 is out of range; expected 0 to 0")]
    [InlineData("realtime: { threads: { inference: { policy: deadline } } }", "realtime.threads.inference.policy: 'deadline' is not one of: other, fifo, rr")]
    [InlineData("realtime: { threads: { infer: { policy: fifo } } }", "realtime.threads.infer: unknown key; expected one of: capture, inference, publish")]
    [InlineData("realtime: { housekeeping_cpus: [4096] }", "realtime.housekeeping_cpus: 4096 is out of range; expected 0 to")]
    [InlineData("realtime: { threads: { capture: { cpus: one } } }", "realtime.threads.capture.cpus: expected a list of numbers")]
    public void Mistakes_name_the_key_and_what_was_expected(string yaml, string expected)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ConfigException>(() => Parse(dir, yaml));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(dir.File("rt.yaml") + ":3:", e.Message); // the line of the realtime section
    }
}
