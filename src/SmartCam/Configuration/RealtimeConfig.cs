namespace SmartCam.Configuration;

public enum SchedPolicy { Other, Fifo, RoundRobin }

/// <summary>Where one loop thread runs and with which scheduling policy. Empty <see cref="Cpus"/> leaves its affinity alone.</summary>
public sealed record ThreadPlan(IReadOnlyList<int> Cpus, SchedPolicy Policy, int Priority)
{
    public static readonly ThreadPlan Unchanged = new([], RealtimeSection.Policy.Default, 0);
}

/// <summary>The <c>realtime:</c> section: per-thread placement, where everything else runs, and memory locking.</summary>
public sealed record RealtimeConfig
{
    /// <summary>False without a <c>realtime:</c> section; with one, <see cref="RealtimeSection.Enabled"/>'s default.</summary>
    public bool Enabled { get; init; }
    public ThreadPlan Capture { get; init; } = ThreadPlan.Unchanged;
    public ThreadPlan Inference { get; init; } = ThreadPlan.Unchanged;
    public ThreadPlan Publish { get; init; } = ThreadPlan.Unchanged;
    public IReadOnlyList<int> HousekeepingCpus { get; init; } = [];
    public bool LockMemory { get; init; } = RealtimeSection.LockMemory.Default;
}
