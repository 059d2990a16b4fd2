using System.Device.Gpio;
using Microsoft.Extensions.Logging;
using SmartCam.Capture;
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
    private readonly GpioController[] _controllerOf;
    private readonly int[] _pinOf;
    private readonly string[] _describe;
    private readonly List<GpioController> _controllers;
    private readonly ILogger _log;
    private readonly long _watchdogNs;

    // Owned by sc-actuate (by the disposing thread once sc-actuate has ended).
    private readonly Desire[][] _desired; // [requester][output]
    private readonly bool[][] _drives; // [requester][output]: the requester's rules drive the output
    private readonly bool[] _high;
    private readonly bool[] _requesterTripped;

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

    private OutputBank(OutputDefinition[] outputs, GpioController[] controllerOf, int[] pinOf, string[] describe,
        List<GpioController> controllers, ILogger log, TimeSpan watchdog, IReadOnlyList<IReadOnlyList<int>>? drivenBy)
    {
        _outputs = outputs;
        _controllerOf = controllerOf;
        _pinOf = pinOf;
        _describe = describe;
        _controllers = controllers;
        _log = log;
        _watchdogNs = watchdog > TimeSpan.Zero && watchdog != Timeout.InfiniteTimeSpan ? (long)(watchdog.TotalMilliseconds * 1_000_000) : 0;
        // Without a plan, one requester drives every output: a single camera, or a test.
        drivenBy ??= [Enumerable.Range(0, outputs.Length).ToArray()];
        _desired = new Desire[drivenBy.Count][];
        _drives = new bool[drivenBy.Count][];
        _requesters = new OutputRequester[drivenBy.Count];
        _requesterTripped = new bool[drivenBy.Count];
        _pending = new OutputRequest?[drivenBy.Count];
        for (var r = 0; r < drivenBy.Count; r++)
        {
            _desired[r] = new Desire[outputs.Length];
            _desired[r].AsSpan().Fill(Inactive);
            _drives[r] = new bool[outputs.Length];
            foreach (var o in drivenBy[r]) _drives[r][o] = true;
            _requesters[r] = new OutputRequester(this, r, new SlotChannel<OutputRequest>(RequestDepth, FullMode.Freshest, () => new OutputRequest(), _wake));
        }
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
        var controllerOf = new GpioController[defs.Length];
        var pinOf = new int[defs.Length];
        var describe = new string[defs.Length];
        var controllers = new List<GpioController>();
        var byChip = new Dictionary<int, (GpioController Controller, string Via)>();
        GpioController? logController = null;
        try
        {
            for (var i = 0; i < defs.Length; i++)
            {
                var o = defs[i];
                if (o.IsLog)
                {
                    logController ??= Track(controllers, new GpioController(new LogGpioDriver()));
                    controllerOf[i] = logController;
                    pinOf[i] = i; // log outputs have no line; the output index keeps their pins apart
                    describe[i] = "log";
                }
                else
                {
                    for (var j = 0; j < i; j++)
                        if (!defs[j].IsLog && defs[j].Chip == o.Chip && defs[j].Line == o.Line)
                            throw new OutputException($"output {o.Name}: GPIO chip {o.Chip} line {o.Line} is already output {defs[j].Name}; give each output its own line.");
                    if (!byChip.TryGetValue(o.Chip, out var chip))
                    {
                        var driver = driverForChip is null ? LibGpiod.OpenChip(o) : driverForChip(o.Chip);
                        var via = driverForChip is null ? $"libgpiod v{LibGpiod.ApiVersion}" : driver.GetType().Name;
                        chip = byChip[o.Chip] = (Track(controllers, new GpioController(driver)), via);
                    }
                    controllerOf[i] = chip.Controller;
                    pinOf[i] = o.Line;
                    describe[i] = $"gpiochip{o.Chip} line {o.Line} via {chip.Via}";
                }
                OpenSafe(o, controllerOf[i], pinOf[i]);
            }
        }
        catch
        {
            // Lines opened so far are already at their safe level; release them so a retry can claim them.
            foreach (var c in controllers) c.Dispose();
            throw;
        }

        var bank = new OutputBank(defs, controllerOf, pinOf, describe, controllers, log, watchdog, drivenBy);
        bank._thread.Start();
        return bank;
    }

    private static GpioController Track(List<GpioController> controllers, GpioController controller)
    {
        controllers.Add(controller);
        return controller;
    }

    // Requesting the line with its initial value (as libgpiod v1 does) avoids a glitch to the wrong level
    // between "output" and the first write; the explicit write then states the safe level to every driver.
    private static void OpenSafe(OutputDefinition o, GpioController controller, int pin)
    {
        var safe = o.SafeHigh ? PinValue.High : PinValue.Low;
        try
        {
            controller.OpenPin(pin, PinMode.Output, safe);
            controller.Write(pin, safe);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
        {
            var why = LibGpiod.Why(e);
            var hint = why.Contains("busy", StringComparison.OrdinalIgnoreCase) // EBUSY, as libgpiod v1 and v2 word it
                ? $"is already in use (by another process or a kernel driver; gpioinfo gpiochip{o.Chip} shows its consumer). Free it or choose another line."
                : $"cannot be opened as an output ({why}). Check the line number against gpioinfo gpiochip{o.Chip}.";
            throw new OutputException($"output {o.Name}: GPIO chip {o.Chip} line {o.Line} {hint}", e);
        }
    }

    public int Count => _outputs.Length;

    public OutputDefinition this[int output] => _outputs[output];

    /// <summary>Where the output goes, e.g. "gpiochip0 line 17 via libgpiod v1", or "log".</summary>
    public string Describe(int output) => _describe[output];

    /// <summary>The request side for camera (requester) <paramref name="index"/>: one producer thread each.</summary>
    public OutputRequester Requester(int index) => _requesters[index];

    public int Requesters => _requesters.Length;

    /// <summary>Unapplied requests dropped (the oldest first) because <c>sc-actuate</c> fell 1024 requests behind a camera.</summary>
    public long RequestsDropped
    {
        get
        {
            long n = 0;
            foreach (var r in _requesters) n += r.Channel.Dropped;
            return n;
        }
    }

    /// <summary>Transitions dropped (the oldest first) because nobody read them with <see cref="TryReadTransition"/>.</summary>
    public long TransitionsDropped => _transitions.Dropped;

    /// <summary>Pin writes the driver refused (logged on <c>sc-actuate</c>).</summary>
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

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

    /// <summary>Requester 0's <see cref="OutputRequester.SetUntil"/>: the single-camera shortcut.</summary>
    public void SetUntil(int output, long activeUntilNs, long causeCaptureNs, int ruleIndex, RuleCause cause = default) =>
        _requesters[0].SetUntil(output, activeUntilNs, causeCaptureNs, ruleIndex, cause);

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
        var nextWakeNs = long.MaxValue;
        for (var r = 0; r < _requesters.Length; r++)
        {
            var lastHeartbeat = _requesters[r].LastHeartbeatNs;
            var armed = _watchdogNs > 0 && lastHeartbeat != 0;
            var live = !armed || nowNs - lastHeartbeat < _watchdogNs;
            if (live == _requesterTripped[r]) ReportWatchdog(r, live, nowNs - lastHeartbeat);
            if (armed && live) nextWakeNs = Math.Min(nextWakeNs, lastHeartbeat + _watchdogNs);
        }

        for (var i = 0; i < _outputs.Length; i++)
        {
            // Safe while any camera driving it is silent; otherwise active while any camera wants it.
            var tripped = -1;
            var activeBy = -1;
            for (var r = 0; r < _requesters.Length; r++)
            {
                if (!_drives[r][i]) continue;
                if (_requesterTripped[r]) tripped = r;
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

    private void ReportWatchdog(int requester, bool live, long silentNs)
    {
        _requesterTripped[requester] = !live;
        _requesters[requester].Tripped = !live;
        var who = _requesters.Length == 1 ? "the inference thread" : $"camera {requester}";
        if (live)
            _log.LogInformation("Actuation: heartbeats from {Who} resumed; its outputs follow the rules again", who);
        else
            _log.LogWarning("Actuation: no heartbeat from {Who} for {Ms} ms; the outputs it drives are at their safe level", who, silentNs / 1_000_000);
    }

    /// <summary>On sc-actuate: writes <paramref name="high"/> if it differs from the pin's level (or <paramref name="force"/>) and records a transition when it changed.</summary>
    private void Write(int output, bool high, long causeNs, int rule, bool force, RuleCause cause, int camera)
    {
        var changed = high != _high[output];
        if (!changed && !force) return;
        try
        {
            _controllerOf[output].Write(_pinOf[output], high ? PinValue.High : PinValue.Low);
        }
        catch (Exception e)
        {
            // Keep driving the other outputs; a pin that cannot be written is reported, not fatal to the thread.
            Interlocked.Increment(ref _writeFailures);
            _log.LogError("Actuation: output {Output} ({Describe}): write failed: {Error}", _outputs[output].Name, _describe[output], e.Message);
            return;
        }
        var actuateNs = MonotonicClock.NowNs();
        _high[output] = high;
        if (!changed) return;

        var o = _outputs[output];
        var transition = new OutputTransition(output, high, high == o.ActiveHigh, causeNs, actuateNs, rule, cause, camera);
        if (o.IsLog)
            _log.LogInformation("Output {Output}: {State} ({Level}), rule {Rule}, {Latency} µs after capture",
                o.Name, transition.Active ? "active" : "inactive", high ? "high" : "low", rule, causeNs > 0 ? (actuateNs - causeNs) / 1000 : 0);
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
        foreach (var c in _controllers) c.Dispose();
        foreach (var r in _requesters) r.Channel.Dispose();
        _transitions.Dispose();
        _wake.Dispose();
        _safeDoneWake.Dispose();
    }
}

/// <summary>One output request on its way to <c>sc-actuate</c> (a reusable item of a <see cref="SlotChannel{T}"/>).</summary>
internal sealed class OutputRequest
{
    /// <summary>The bank's number for the request: requests of all cameras are applied in this order.</summary>
    public long Seq;
    public int Output;
    public long UntilNs, CauseNs;
    public int Rule;
    public RuleCause Cause;
}

/// <summary>One applied write on its way to the publish thread.</summary>
internal sealed class TransitionSlot
{
    public OutputTransition Value;
}

/// <summary>
/// One camera's side of the <see cref="OutputBank"/>: what its rules want, and its heartbeat. For that camera's
/// inference thread only (one producer): never blocks, never allocates.
/// </summary>
public sealed class OutputRequester
{
    private readonly OutputBank _bank;
    private long _lastHeartbeatNs; // 0: no heartbeat yet, the watchdog is not armed

    internal OutputRequester(OutputBank bank, int index, SlotChannel<OutputRequest> channel)
    {
        _bank = bank;
        Index = index;
        Channel = channel;
    }

    public int Index { get; }

    internal SlotChannel<OutputRequest> Channel { get; }

    internal long LastHeartbeatNs => Interlocked.Read(ref _lastHeartbeatNs);

    /// <summary>Requests made and not yet read by <c>sc-actuate</c>.</summary>
    internal int Pending => Channel.Count;

    internal volatile bool Tripped;

    /// <summary>Asks for <paramref name="output"/> on or off until further notice.</summary>
    public void Set(int output, bool active, long causeCaptureNs, int ruleIndex) =>
        SetUntil(output, active ? long.MaxValue : 0, causeCaptureNs, ruleIndex);

    /// <summary>
    /// Asks for <paramref name="output"/> on until <paramref name="activeUntilNs"/> (CLOCK_MONOTONIC; long.MaxValue:
    /// until further notice; in the past: off). <c>sc-actuate</c> switches it off at that instant by itself.
    /// </summary>
    public void SetUntil(int output, long activeUntilNs, long causeCaptureNs, int ruleIndex, RuleCause cause = default)
    {
        if (_bank.Stopping) return;
        var request = Channel.Rent(CancellationToken.None, wait: false);
        if (request is null) return; // cannot happen in Freshest mode
        request.Seq = _bank.NextRequestSeq();
        request.Output = output;
        request.UntilNs = activeUntilNs;
        request.CauseNs = causeCaptureNs;
        request.Rule = ruleIndex;
        request.Cause = cause;
        Channel.Write(request); // signals sc-actuate (the channel's readable wake-up is the bank's)
    }

    /// <summary>
    /// Tells the watchdog that this camera's inference is alive; call once per frame, after the rules were evaluated,
    /// with CLOCK_MONOTONIC now. The watchdog arms at the first heartbeat, so a slow start (model loading) does not trip
    /// it. When heartbeats resume after it fired, the outputs return to what was last requested; calling this after
    /// the rules makes that the current frame's request, not the one from before the stall.
    /// </summary>
    public void Heartbeat(long nowNs)
    {
        if (_bank.Stopping) return;
        var previous = Interlocked.Exchange(ref _lastHeartbeatNs, nowNs);
        // sc-actuate sleeps without a watchdog deadline until the first heartbeat and while tripped: wake it.
        if (previous == 0 || Tripped) _bank.Wake();
    }
}
