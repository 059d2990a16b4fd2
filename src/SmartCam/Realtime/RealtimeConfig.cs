namespace SmartCam.Realtime;

public enum SchedPolicy { Other, Fifo, RoundRobin }

/// <summary>Where one loop thread runs and with which scheduling policy. Empty <see cref="Cpus"/> leaves its affinity alone.</summary>
public sealed record ThreadPlan(IReadOnlyList<int> Cpus, SchedPolicy Policy, int Priority)
{
    public static readonly ThreadPlan Unchanged = new([], SchedPolicy.Other, 0);

    public string PolicyName => Policy switch { SchedPolicy.Fifo => "fifo", SchedPolicy.RoundRobin => "rr", _ => "other" };
}

/// <summary>The <c>realtime:</c> section: per-thread placement, where everything else runs, and memory locking.</summary>
public sealed record RealtimeConfig
{
    public bool Enabled { get; init; }
    public ThreadPlan Capture { get; init; } = ThreadPlan.Unchanged;
    public ThreadPlan Inference { get; init; } = ThreadPlan.Unchanged;
    public ThreadPlan Publish { get; init; } = ThreadPlan.Unchanged;
    public IReadOnlyList<int> HousekeepingCpus { get; init; } = [];
    public bool LockMemory { get; init; }
}
