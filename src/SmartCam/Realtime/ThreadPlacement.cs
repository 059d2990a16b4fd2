using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SmartCam.Realtime;

/// <summary>
/// Applies the <c>realtime:</c> plan. Each loop thread calls <see cref="Enter"/> on itself as it starts
/// (affinity and policy of its own tid: a process started with SCHED_FIFO would give the runtime's own
/// threads real-time priority too). Once all three are placed, every other thread of the process is
/// moved to the housekeeping CPUs. Failures (no CAP_SYS_NICE, RLIMIT_RTPRIO 0) leave the service
/// running and produce one warning that says what is missing and how to grant it.
/// </summary>
public sealed class ThreadPlacement
{
    public const string Capture = "capture", Inference = "inference", Publish = "publish";

    private readonly RealtimeConfig _config;
    private readonly ILogger _log;
    private readonly object _gate = new();
    private readonly Dictionary<string, (int Tid, string Outcome)> _placed = [];
    private readonly List<string> _problems = [];
    private readonly HousekeepingSweeper? _sweeper;
    private volatile bool _placedTheRest;

    public ThreadPlacement(RealtimeConfig config, ILogger log)
    {
        _config = config;
        _log = log;
        if (config.Enabled && config.HousekeepingCpus.Count > 0) _sweeper = new HousekeepingSweeper(config.HousekeepingCpus);
    }

    /// <summary>Threads moved back to the housekeeping CPUs by periodic sweeps after the first placement.</summary>
    public long Resettled { get; private set; }

    /// <summary>Per stage, what is really in effect, e.g. "fifo 80 on cpus 1" or "other on cpus 0 (fifo refused: EPERM)".</summary>
    public IReadOnlyDictionary<string, string> InEffect
    {
        get { lock (_gate) return _placed.ToDictionary(p => p.Key, p => p.Value.Outcome); }
    }

    public bool MemoryLocked { get; private set; }

    /// <summary>Places the calling thread as the plan for <paramref name="stage"/> says; call first thing on each loop thread.</summary>
    public void Enter(string stage)
    {
        if (!_config.Enabled) return;
        var plan = stage switch { Capture => _config.Capture, Inference => _config.Inference, _ => _config.Publish };
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
        if (refused != 0) notes.Add($"{plan.PolicyName} {priority} refused: {Errno(refused)}");

        var effective = refused == 0 ? (plan.Policy == SchedPolicy.Other ? "other" : $"{plan.PolicyName} {priority}") : "other";
        var where = plan.Cpus.Count > 0 && !notes.Any(n => n.StartsWith("cpus", StringComparison.Ordinal)) ? $" on cpus {Cpus(plan.Cpus)}" : "";
        var outcome = effective + where + (notes.Count > 0 ? " (" + string.Join("; ", notes) + ")" : "");
        lock (_gate)
        {
            _placed[stage] = (tid, outcome);
            if (refused == Libc.EPERM) _problems.Add(stage);
        }
    }

    /// <summary>
    /// Moves every thread that is not a placed loop thread to the housekeeping CPUs, then logs the
    /// outcome (one warning if privileges were missing). Call once the loop threads have entered.
    /// </summary>
    public void PlaceTheRest()
    {
        if (!_config.Enabled) return;
        // The publish thread places itself as it starts; give it a moment if it has not yet.
        SpinWait.SpinUntil(() => { lock (_gate) return _placed.Count == 3; }, TimeSpan.FromSeconds(2));
        var moved = 0;
        if (_sweeper is not null)
        {
            lock (_gate)
                foreach (var (_, (tid, _)) in _placed) _sweeper.Exempt(tid);
            moved = _sweeper.Sweep();
        }
        _placedTheRest = true;
        if (_config.LockMemory) LockMemory();

        string[] problems;
        lock (_gate) problems = _problems.ToArray();
        foreach (var (stage, outcome) in InEffect) _log.LogInformation("Realtime: {Stage} thread {Outcome}", stage, outcome);
        _log.LogInformation("Realtime: {Count} other threads moved to housekeeping cpus {Cpus}; memory {Locked}",
            moved, Cpus(_config.HousekeepingCpus), MemoryLocked ? "locked" : "not locked");
        if (problems.Length > 0)
            _log.LogWarning("Realtime: not permitted for {What}: the process lacks CAP_SYS_NICE (RLIMIT_RTPRIO is {RtPrio}) or CAP_IPC_LOCK (RLIMIT_MEMLOCK {MemLock}). "
                + "Running at normal priority. Grant them in the systemd unit: AmbientCapabilities=CAP_SYS_NICE CAP_IPC_LOCK, LimitRTPRIO=99, LimitMEMLOCK=infinity",
                string.Join(", ", problems), Limit("Max realtime priority"), Limit("Max locked memory"));
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
        if (error != 0) lock (_gate) _problems.Add(error == Libc.ENOMEM ? "memory (ENOMEM)" : "memory");
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
