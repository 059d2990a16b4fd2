using SmartCam.Core;

namespace SmartCam.Configuration;

/// <summary>The <c>realtime:</c> section: its keys and their reader.</summary>
public static class RealtimeSection
{
    public static readonly Setting<bool> Enabled = Setting.Bool("realtime.enabled", true, "Apply the section; false keeps it but applies none of it. A realtime: section is written to be used, so it is on unless it says otherwise.");
    public static readonly ConfigKey Cpus = Setting.Without("realtime.threads.<capture|inference|publish>.cpus", "unchanged", "CPU numbers the loop thread may run on.");
    public static readonly Setting<SchedPolicy> Policy = Setting.Choice("realtime.threads.<…>.policy", YamlEnums.Policy, SchedPolicy.Other, "The loop thread's scheduling policy.");
    public static readonly Setting<int> Priority = Setting.Int("realtime.threads.<…>.priority", 50, 1, 99, "The loop thread's priority under fifo or rr; 0 or absent for other.", documented: "`50` for fifo/rr");
    public static readonly ConfigKey HousekeepingCpus = Setting.Without("realtime.housekeeping_cpus", "unchanged", "Where every thread that is not a loop thread is moved once the loop runs.");
    public static readonly Setting<bool> LockMemory = Setting.Bool("realtime.lock_memory", false, "mlockall what the process has touched once every frame slot has been through the loop.");

    /// <summary>Without the section every thread is left as it is (<see cref="RealtimeConfig"/>'s defaults).</summary>
    internal static RealtimeConfig Read(YamlSection? s)
    {
        if (s is null) return new RealtimeConfig();
        var lastCpu = Libc.ConfiguredCpus - 1;
        var threads = s.Section("threads");
        var config = new RealtimeConfig
        {
            Enabled = s.Bool(Enabled),
            Capture = ReadThreadPlan(threads?.Section("capture"), lastCpu),
            Inference = ReadThreadPlan(threads?.Section("inference"), lastCpu),
            Publish = ReadThreadPlan(threads?.Section("publish"), lastCpu),
            HousekeepingCpus = s.IntList(HousekeepingCpus.Key, 0, lastCpu),
            LockMemory = s.Bool(LockMemory),
        };
        threads?.RejectUnknownKeys();
        s.RejectUnknownKeys();
        return config;
    }

    private static ThreadPlan ReadThreadPlan(YamlSection? s, int lastCpu)
    {
        if (s is null) return ThreadPlan.Unchanged;
        var cpus = s.IntList(Cpus.Key, 0, lastCpu);
        var policy = s.Choice(Policy);
        // Linux takes no priority for SCHED_OTHER: only 0 (or none) is accepted there.
        var priority = policy == SchedPolicy.Other ? s.Int(Priority.Key, 0, 0, 0) : s.Int(Priority);
        s.RejectUnknownKeys();
        return new ThreadPlan(cpus, policy, priority);
    }
}
