using System.Device.Gpio;
using Microsoft.Extensions.Logging;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.HandOver;

namespace SmartCam.Actuation;

/// <summary>
/// The configured outputs and the <c>sc-actuate</c> thread that drives them.
/// <para>
/// The inference thread only states what it wants, through its camera's <see cref="OutputRequester"/> (Set,
/// SetUntil, Heartbeat): a request into a <see cref="SlotChannel{T}"/> and an eventfd signal, never a pin write, because
/// a GPIO write is a syscall into a driver that may sleep (I2C expanders, USB adapters), and a real-time
/// thread must not wait for it. <c>sc-actuate</c> owns the pins: it writes a level only when it changes,
/// stamps the time right after the write, and hands the transition to the publisher through a second ring.
/// </para>
/// <para>
/// <c>sc-actuate</c> also owns time: a request carries the instant its activation ends, and the thread wakes
/// for that instant itself. A 500 ms pulse therefore ends at 500 ms even at 5 fps or if frames stop, and the
/// rules need no timer call between frames.
/// </para>
/// <para>
/// Several cameras may drive outputs: each camera has its own requester (one writer per channel). An output is
/// active while any camera's request for it is, and goes safe when a camera whose rules drive it stops sending
/// heartbeats (its watchdog), while the other cameras' outputs carry on. No lock is shared with the inference
/// threads: even <see cref="SetAllSafe"/> asks <c>sc-actuate</c> to do the writes and waits for its answer.
/// </para>
/// </summary>
public sealed class OutputBank : IDisposable
{
    private readonly OutputDefinition[] _outputs;
    private readonly ILogger _log;

    // Owned by sc-actuate (by the disposing thread once sc-actuate has ended).
    private readonly OutputLines _lines;
    private readonly HeartbeatWatchdog _watchdog;
    private readonly Desire[][] _desired; // [requester][output]
    private readonly bool[][] _drives; // [requester][output]: the requester's rules drive the output
    private readonly bool[] _high;

    private readonly OutputRequester[] _requesters;
    private readonly OutputRequest?[] _pending; // [requester]: its oldest request, read and not yet applied (sc-actuate's own)
    private long _requestSeq; // numbers every request, across cameras, in the order made
    private readonly SlotChannel<TransitionSlot> _transitions;
    private readonly Wakeup _wake = new();
    private readonly Wakeup _safeDoneWake = new();
    private readonly Thread _thread;
    private long _safeAsked, _safeDone;
    private volatile bool _stopping;
    private long _writeFailures;
    private bool _disposed;

    /// <summary>What one requester wants of one output.</summary>
    private readonly record struct Desire(long UntilNs, long CauseNs, int Rule, RuleCause Cause);

    private static readonly Desire Inactive = new(0, 0, OutputTransition.Safe, default);

    private OutputBank(OutputDefinition[] outputs, OutputLines lines, ILogger log, TimeSpan watchdog, IReadOnlyList<IReadOnlyList<int>>? drivenBy)
    {
        _outputs = outputs;
        _lines = lines;
        _log = log;
        // Without a plan, one requester drives every output: a single camera, or a test.
        drivenBy ??= [Enumerable.Range(0, outputs.Length).ToArray()];
        _desired = new Desire[drivenBy.Count][];
        _drives = new bool[drivenBy.Count][];
        _requesters = new OutputRequester[drivenBy.Count];
        _pending = new OutputRequest?[drivenBy.Count];
        for (var r = 0; r < drivenBy.Count; r++)
        {
            _desired[r] = new Desire[outputs.Length];
            _desired[r].AsSpan().Fill(Inactive);
            _drives[r] = new bool[outputs.Length];
            foreach (var o in drivenBy[r]) _drives[r][o] = true;
            _requesters[r] = new OutputRequester(this, new SlotChannel<OutputRequest>(RequestDepth, FullMode.Freshest, () => new OutputRequest(), _wake));
        }
        _watchdog = new HeartbeatWatchdog(_requesters, watchdog, log);
        _high = new bool[outputs.Length];
        for (var i = 0; i < outputs.Length; i++) _high[i] = outputs[i].SafeHigh;
        _transitions = new SlotChannel<TransitionSlot>(TransitionDepth, FullMode.Freshest, () => new TransitionSlot());
        _thread = new Thread(Run) { Name = "sc-actuate", IsBackground = true };
    }

    /// <summary>Requests queued per camera before the oldest is dropped (sc-actuate fell that far behind).</summary>
    private const int RequestDepth = 1024;

    /// <summary>Transitions kept for the publish thread before the oldest is dropped (nobody reads them).</summary>
    private const int TransitionDepth = 4096;

    /// <summary>
    /// Opens every output and drives it to its safe level, then starts <c>sc-actuate</c>.
    /// </summary>
    /// <param name="driverForChip">The driver for a chip number; null opens the real chip through libgpiod.</param>
    /// <param name="watchdog">How long without a heartbeat before the outputs a camera drives go safe; zero or infinite: never.</param>
    /// <param name="drivenBy">Per requester (camera), the outputs its rules drive; null: one requester driving every output.</param>
    /// <exception cref="OutputException">A chip, the library or a line is missing or taken; nothing stays open.</exception>
    public static OutputBank Open(IReadOnlyList<OutputDefinition> outputs, Func<int, GpioDriver>? driverForChip, ILogger log, TimeSpan watchdog,
        IReadOnlyList<IReadOnlyList<int>>? drivenBy = null)
    {
        var defs = outputs.ToArray();
        var bank = new OutputBank(defs, OutputLines.Open(defs, driverForChip), log, watchdog, drivenBy);
        bank._thread.Start();
        return bank;
    }

    public int Count => _outputs.Length;

    public OutputDefinition this[int output] => _outputs[output];

    /// <summary>Where the output goes, e.g. "gpiochip0 line 17 via libgpiod v1", or "log".</summary>
    public string Describe(int output) => _lines.Describe(output);

    /// <summary>The request side for camera (requester) <paramref name="index"/>: one producer thread each.</summary>
    public OutputRequester Requester(int index) => _requesters[index];

    /// <summary>
    /// A live reload gave camera <paramref name="camera"/> a rule for <paramref name="output"/>: its requests for it count
    /// from now on. Set before the rules that make them run (the reload posts them after). An output a reload took away
    /// stays in the plan until a restart: its rule's release has already made it inactive, and the camera's watchdog still
    /// covers it, the safe side.
    /// </summary>
    public void AlsoDrive(int camera, int output) => Volatile.Write(ref _drives[camera][output], true);

    /// <summary>What went wrong so far, for status messages; any thread, no allocation.</summary>
    public OutputCounters Counters
    {
        get
        {
            long requestsDropped = 0;
            foreach (var r in _requesters) requestsDropped += r.Channel.Dropped;
            return new OutputCounters(Interlocked.Read(ref _writeFailures), requestsDropped, _transitions.Dropped);
        }
    }

    /// <summary>True while some camera's watchdog holds the outputs it drives safe.</summary>
    public bool WatchdogTripped
    {
        get
        {
            foreach (var r in _requesters)
                if (r.Tripped) return true;
            return false;
        }
    }

    /// <summary>Requester 0's <see cref="OutputRequester.Set"/>: the single-camera shortcut.</summary>
    public void Set(int output, bool active, long causeCaptureNs, int ruleIndex) => _requesters[0].Set(output, active, causeCaptureNs, ruleIndex);

    /// <summary>Requester 0's <see cref="OutputRequester.Heartbeat"/>: the single-camera shortcut.</summary>
    public void Heartbeat(long nowNs) => _requesters[0].Heartbeat(nowNs);

    internal bool Stopping => _stopping;

    internal void Wake() => _wake.Signal();

    /// <summary>
    /// Writes every output's safe level before returning, and forgets what was requested so far (later requests
    /// apply again). Requests made before this call are applied first, in order, as they would have been: whether
    /// <c>sc-actuate</c> got to them yet must not change what happened (a replay's events would depend on its
    /// timing). <c>sc-actuate</c> does the writes, so no lock is shared with the calling (real-time) thread; if it
    /// does not answer within a second (it is stuck in a driver, or dead), the caller writes them itself.
    /// Writes even outputs believed safe already: after a fault, the cached level is exactly what is in doubt.
    /// </summary>
    public void SetAllSafe()
    {
        if (!_thread.IsAlive || Thread.CurrentThread == _thread)
        {
            ApplyRequestsThenSafe();
            return;
        }
        var ticket = Interlocked.Increment(ref _safeAsked);
        _wake.Signal();
        var deadline = MonotonicClock.NowNs() + 1_000_000_000;
        while (Interlocked.Read(ref _safeDone) < ticket)
        {
            var left = deadline - MonotonicClock.NowNs();
            if (left <= 0)
            {
                _log.LogError("Actuation: sc-actuate did not drive the outputs safe within 1 s; writing the safe levels from this thread");
                ApplyRequestsThenSafe();
                return;
            }
            // Short slices: two callers may wait at once, and one wake-up's read serves only one of them.
            _safeDoneWake.Wait(Math.Min(left, 10_000_000));
        }
    }

    /// <summary>The next applied write, for the publisher thread (one consumer); never blocks, never allocates.</summary>
    public bool TryReadTransition(out OutputTransition transition)
    {
        if (!_transitions.TryRead(out var slot))
        {
            transition = default;
            return false;
        }
        transition = slot.Value;
        _transitions.Release(slot);
        return true;
    }

    private void Run()
    {
        while (!_stopping)
        {
            var asked = Interlocked.Read(ref _safeAsked);
            if (asked > Interlocked.Read(ref _safeDone))
            {
                ApplyRequestsThenSafe();
                Interlocked.Exchange(ref _safeDone, asked);
                _safeDoneWake.Signal();
                continue;
            }
            ApplyRequests();
            var nextWakeNs = Apply(MonotonicClock.NowNs());
            _wake.Wait(nextWakeNs == long.MaxValue ? -1 : nextWakeNs - MonotonicClock.NowNs());
        }
    }

    /// <summary>The next request's number (<see cref="OutputRequester"/>, on its camera's inference thread).</summary>
    internal long NextRequestSeq() => Interlocked.Increment(ref _requestSeq);

    /// <summary>
    /// Every queued request, one at a time, so an on and an off that arrive together still both reach the pin; and in
    /// the order they were made across cameras, not camera by camera: applying a camera's release before another
    /// camera's earlier request for the same output would switch a shared output off and on again (a glitch on the pin)
    /// and name the wrong camera's rule.
    /// </summary>
    private void ApplyRequests()
    {
        while (true)
        {
            // Each camera's oldest request, until a round finds nothing new: a request seen was made after every request
            // with a lower number (the cameras' rules run on one inference thread per detector), so those are seen too.
            bool found;
            do
            {
                found = false;
                for (var r = 0; r < _requesters.Length; r++)
                    if (_pending[r] is null && _requesters[r].Channel.TryRead(out var read))
                    {
                        _pending[r] = read;
                        found = true;
                    }
            }
            while (found);
            var next = -1;
            for (var r = 0; r < _requesters.Length; r++)
                if (_pending[r] is { } p && (next < 0 || p.Seq < _pending[next]!.Seq)) next = r;
            if (next < 0) return;
            var request = _pending[next]!;
            _pending[next] = null;
            var output = request.Output;
            _desired[next][output] = new Desire(request.UntilNs, request.CauseNs, request.Rule, request.Cause);
            _requesters[next].Channel.Release(request);
            Apply(MonotonicClock.NowNs(), next, output);
        }
    }

    private void ApplyRequestsThenSafe()
    {
        ApplyRequests();
        foreach (var desired in _desired) desired.AsSpan().Fill(Inactive);
        for (var i = 0; i < _outputs.Length; i++)
            Write(i, _outputs[i].SafeHigh, 0, OutputTransition.Safe, force: true, default, _outputs[i].Owner);
    }

    /// <summary>Brings every pin to what is wanted at <paramref name="nowNs"/>; returns when that next changes by itself.</summary>
    /// <param name="requester">The requester whose request for <paramref name="requested"/> was just applied; -1 when none was.</param>
    private long Apply(long nowNs, int requester = -1, int requested = -1)
    {
        var nextWakeNs = _watchdog.Check(nowNs);

        for (var i = 0; i < _outputs.Length; i++)
        {
            // Safe while any camera driving it is silent; otherwise active while any camera wants it.
            var tripped = -1;
            var activeBy = -1;
            for (var r = 0; r < _requesters.Length; r++)
            {
                if (!_drives[r][i]) continue;
                if (_watchdog.IsTripped(r)) tripped = r;
                else if (activeBy < 0 && nowNs < _desired[r][i].UntilNs) activeBy = r;
            }
            if (tripped >= 0)
            {
                Write(i, _outputs[i].SafeHigh, _requesters[tripped].LastHeartbeatNs, OutputTransition.Watchdog, force: false, default, _outputs[i].Owner);
                continue;
            }
            if (activeBy < 0)
            {
                // Inactive: named after the request that ended it (the rule that released it): the one just applied when it
                // was for this output (capture times do not tell which came last across cameras: cameras' frames are not
                // inferred in the order they were captured); else, a hold that ran out, the latest request naming a rule.
                var last = i == requested && _drives[requester][i] ? requester : LastRequester(i);
                var want = last < 0 ? Inactive : _desired[last][i];
                Write(i, !_outputs[i].ActiveHigh, want.CauseNs, want.Rule, force: false, want.Cause, last < 0 ? _outputs[i].Owner : last);
                continue;
            }
            var by = _desired[activeBy][i];
            Write(i, _outputs[i].ActiveHigh, by.CauseNs, by.Rule, force: false, by.Cause, activeBy);
            if (by.UntilNs != long.MaxValue) nextWakeNs = Math.Min(nextWakeNs, by.UntilNs);
        }
        return nextWakeNs;
    }

    /// <summary>The requester whose latest request for <paramref name="output"/> named a rule, or -1.</summary>
    private int LastRequester(int output)
    {
        var found = -1;
        for (var r = 0; r < _requesters.Length; r++)
            if (_drives[r][output] && _desired[r][output].Rule != OutputTransition.Safe) found = found < 0 || _desired[r][output].CauseNs > _desired[found][output].CauseNs ? r : found;
        return found;
    }

    /// <summary>On sc-actuate: writes <paramref name="high"/> if it differs from the pin's level (or <paramref name="force"/>) and records a transition when it changed.</summary>
    private void Write(int output, bool high, long causeNs, int rule, bool force, RuleCause cause, int camera)
    {
        var changed = high != _high[output];
        if (!changed && !force) return;
        try
        {
            _lines.Write(output, high);
        }
        catch (Exception e)
        {
            // Keep driving the other outputs; a pin that cannot be written is reported, not fatal to the thread.
            Interlocked.Increment(ref _writeFailures);
            _log.LogError("Actuation: output {Output} ({Describe}): write failed: {Error}", _outputs[output].Name, _lines.Describe(output), e.Message);
            return;
        }
        var actuateNs = MonotonicClock.NowNs();
        _high[output] = high;
        if (!changed) return;

        var o = _outputs[output];
        var transition = new OutputTransition(output, high, high == o.ActiveHigh, causeNs, actuateNs, rule, cause, camera);
        if (o.IsLog)
            _log.LogInformation("Output {Output}: {State} ({Level}), rule {Rule}, {Latency} µs after capture",
                o.Name, transition.Active ? "active" : "inactive", YamlEnums.Level.NameOf(high), rule, causeNs > 0 ? (actuateNs - causeNs) / 1000 : 0);
        var slot = _transitions.Rent(CancellationToken.None, wait: false);
        if (slot is null) return; // cannot happen in Freshest mode; the oldest is taken back instead
        slot.Value = transition;
        _transitions.Write(slot);
    }

    /// <summary>
    /// Stops <c>sc-actuate</c>, drives every output safe and releases the lines. Stop the inference threads first: a
    /// request racing with this is dropped, but only a finished producer is certain not to touch the closed wake-up.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stopping = true;
        _wake.Signal();
        _thread.Join();
        ApplyRequestsThenSafe();
        _lines.Dispose();
        foreach (var r in _requesters) r.Channel.Dispose();
        _transitions.Dispose();
        _wake.Dispose();
        _safeDoneWake.Dispose();
    }
}

/// <summary>One applied write on its way to the publish thread.</summary>
internal sealed class TransitionSlot
{
    public OutputTransition Value;
}

/// <summary>The <see cref="OutputBank"/>'s failures since it opened (<c>status.box</c>'s <c>actuation</c>).</summary>
/// <param name="WriteFailures">Pin writes the driver refused (each logged on <c>sc-actuate</c>, naming the output).</param>
/// <param name="RequestsDropped">Unapplied requests dropped (the oldest first) because <c>sc-actuate</c> fell so far behind a camera that its queue was full.</param>
/// <param name="TransitionsDropped">Applied writes dropped (the oldest first) before the publish thread read them with <see cref="OutputBank.TryReadTransition"/>: their <c>evt.</c> messages are missing.</param>
public readonly record struct OutputCounters(long WriteFailures, long RequestsDropped, long TransitionsDropped);
