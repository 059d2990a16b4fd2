using System.Device.Gpio;
using Microsoft.Extensions.Logging;
using SmartCam.Capture;

namespace SmartCam.Actuation;

/// <summary>
/// The configured outputs and the <c>sc-actuate</c> thread that drives them.
/// <para>
/// The inference thread only states what it wants (<see cref="Set"/>, <see cref="SetUntil"/>,
/// <see cref="Heartbeat"/>): a struct into a lock-free ring and an eventfd signal, never a pin write, because
/// a GPIO write is a syscall into a driver that may sleep (I2C expanders, USB adapters), and a real-time
/// thread must not wait for it. <c>sc-actuate</c> owns the pins: it writes a level only when it changes,
/// stamps the time right after the write, and hands the transition to the publisher through a second ring.
/// </para>
/// <para>
/// <c>sc-actuate</c> also owns time: a request carries the instant its activation ends, and the thread wakes
/// for that instant itself. A 500 ms pulse therefore ends at 500 ms even at 5 fps or if frames stop, and the
/// rules need no timer call between frames.
/// </para>
/// </summary>
public sealed class OutputBank : IDisposable
{
    private readonly record struct Request(int Output, long UntilNs, long CauseNs, int Rule, RuleCause Cause = default);

    private readonly OutputDefinition[] _outputs;
    private readonly GpioController[] _controllerOf;
    private readonly int[] _pinOf;
    private readonly string[] _describe;
    private readonly List<GpioController> _controllers;
    private readonly ILogger _log;
    private readonly long _watchdogNs;

    // Owned by sc-actuate (and by SetAllSafe, under _writeGate).
    private readonly object _writeGate = new();
    private readonly Request[] _desired;
    private readonly bool[] _high;

    private readonly SpscRing<Request> _requests = new(1024);
    private readonly SpscRing<OutputTransition> _transitions = new(4096);
    private readonly Wakeup _wake = new();
    private readonly Thread _thread;
    private long _lastHeartbeatNs; // 0: no heartbeat yet, the watchdog is not armed
    private volatile bool _tripped;
    private volatile bool _stopping;
    private long _requestsDropped;
    private long _transitionsDropped;
    private long _writeFailures;
    private bool _disposed;

    private OutputBank(OutputDefinition[] outputs, GpioController[] controllerOf, int[] pinOf, string[] describe,
        List<GpioController> controllers, ILogger log, TimeSpan watchdog)
    {
        _outputs = outputs;
        _controllerOf = controllerOf;
        _pinOf = pinOf;
        _describe = describe;
        _controllers = controllers;
        _log = log;
        _watchdogNs = watchdog > TimeSpan.Zero && watchdog != Timeout.InfiniteTimeSpan ? (long)(watchdog.TotalMilliseconds * 1_000_000) : 0;
        _desired = new Request[outputs.Length];
        _high = new bool[outputs.Length];
        for (var i = 0; i < outputs.Length; i++)
        {
            _desired[i] = new Request(i, 0, 0, OutputTransition.Safe);
            _high[i] = outputs[i].SafeHigh;
        }
        _thread = new Thread(Run) { Name = "sc-actuate", IsBackground = true };
    }

    /// <summary>
    /// Opens every output and drives it to its safe level, then starts <c>sc-actuate</c>.
    /// </summary>
    /// <param name="driverForChip">The driver for a chip number; null opens the real chip through libgpiod.</param>
    /// <param name="watchdog">How long without a <see cref="Heartbeat"/> before every output goes safe; zero or infinite: never.</param>
    /// <exception cref="OutputException">A chip, the library or a line is missing or taken; nothing stays open.</exception>
    public static OutputBank Open(IReadOnlyList<OutputDefinition> outputs, Func<int, GpioDriver>? driverForChip, ILogger log, TimeSpan watchdog)
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

        var bank = new OutputBank(defs, controllerOf, pinOf, describe, controllers, log, watchdog);
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

    /// <summary>Requests that <see cref="Set"/> could not queue because <c>sc-actuate</c> fell 1024 requests behind.</summary>
    public long RequestsDropped => Interlocked.Read(ref _requestsDropped);

    /// <summary>Transitions not kept because nobody read them with <see cref="TryReadTransition"/>.</summary>
    public long TransitionsDropped => Interlocked.Read(ref _transitionsDropped);

    /// <summary>Pin writes the driver refused (logged on <c>sc-actuate</c>).</summary>
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    /// <summary>True while the watchdog holds every output safe.</summary>
    public bool WatchdogTripped => _tripped;

    /// <summary>
    /// Asks for <paramref name="output"/> on or off until further notice. For <c>sc-infer</c> only (one producer):
    /// never blocks, never allocates.
    /// </summary>
    public void Set(int output, bool active, long causeCaptureNs, int ruleIndex) =>
        SetUntil(output, active ? long.MaxValue : 0, causeCaptureNs, ruleIndex);

    /// <summary>
    /// Asks for <paramref name="output"/> on until <paramref name="activeUntilNs"/> (CLOCK_MONOTONIC; long.MaxValue:
    /// until further notice; in the past: off). <c>sc-actuate</c> switches it off at that instant by itself.
    /// For <c>sc-infer</c> only (one producer): never blocks, never allocates.
    /// </summary>
    public void SetUntil(int output, long activeUntilNs, long causeCaptureNs, int ruleIndex, RuleCause cause = default)
    {
        if (_stopping) return;
        if (!_requests.TryWrite(new Request(output, activeUntilNs, causeCaptureNs, ruleIndex, cause)))
        {
            Interlocked.Increment(ref _requestsDropped);
            return;
        }
        _wake.Signal();
    }

    /// <summary>
    /// Tells the watchdog that <c>sc-infer</c> is alive; call once per frame, after the rules were evaluated, with
    /// CLOCK_MONOTONIC now. The watchdog arms at the first heartbeat, so a slow start (model loading) does not trip it.
    /// When heartbeats resume after it fired, the outputs return to what was last requested; calling this after
    /// the rules makes that the current frame's request, not the one from before the stall.
    /// </summary>
    public void Heartbeat(long nowNs)
    {
        if (_stopping) return;
        var previous = Interlocked.Exchange(ref _lastHeartbeatNs, nowNs);
        // sc-actuate sleeps without a watchdog deadline until the first heartbeat and while tripped: wake it.
        if (previous == 0 || _tripped) _wake.Signal();
    }

    /// <summary>
    /// Writes every output's safe level now, on the calling thread, and forgets what was requested so far
    /// (later requests apply again). Writes even outputs believed safe already: after a fault, the cached
    /// level is exactly what is in doubt.
    /// </summary>
    public void SetAllSafe()
    {
        lock (_writeGate)
        {
            // Requests made before this call are applied first, in order, as sc-actuate would have applied them:
            // whether that thread got to them yet must not change what happened (a replay's events would depend
            // on its timing). Under the gate sc-actuate is not reading the ring, so this is its only reader.
            while (_requests.TryRead(out var request))
            {
                _desired[request.Output] = request;
                Apply(MonotonicClock.NowNs());
            }
            for (var i = 0; i < _outputs.Length; i++)
            {
                _desired[i] = new Request(i, 0, 0, OutputTransition.Safe);
                Write(i, _outputs[i].SafeHigh, 0, OutputTransition.Safe, force: true);
            }
        }
    }

    /// <summary>The next applied write, for the publisher thread (one consumer); never blocks, never allocates.</summary>
    public bool TryReadTransition(out OutputTransition transition) => _transitions.TryRead(out transition);

    private void Run()
    {
        while (!_stopping)
        {
            long nextWakeNs;
            lock (_writeGate)
            {
                // One request at a time, so an on and an off that arrive together still both reach the pin.
                while (_requests.TryRead(out var request))
                {
                    _desired[request.Output] = request;
                    Apply(MonotonicClock.NowNs());
                }
                nextWakeNs = Apply(MonotonicClock.NowNs());
            }
            _wake.Wait(nextWakeNs == long.MaxValue ? -1 : nextWakeNs - MonotonicClock.NowNs());
        }
    }

    /// <summary>Brings every pin to what is wanted at <paramref name="nowNs"/>; returns when that next changes by itself.</summary>
    private long Apply(long nowNs)
    {
        var lastHeartbeat = Interlocked.Read(ref _lastHeartbeatNs);
        var armed = _watchdogNs > 0 && lastHeartbeat != 0;
        var live = !armed || nowNs - lastHeartbeat < _watchdogNs;
        if (live == _tripped) ReportWatchdog(live, nowNs - lastHeartbeat);

        var nextWakeNs = armed && live ? lastHeartbeat + _watchdogNs : long.MaxValue;
        for (var i = 0; i < _outputs.Length; i++)
        {
            var want = _desired[i];
            if (!live)
            {
                Write(i, _outputs[i].SafeHigh, lastHeartbeat, OutputTransition.Watchdog, force: false);
                continue;
            }
            var active = nowNs < want.UntilNs;
            Write(i, active == _outputs[i].ActiveHigh, want.CauseNs, want.Rule, force: false, want.Cause);
            if (active && want.UntilNs != long.MaxValue) nextWakeNs = Math.Min(nextWakeNs, want.UntilNs);
        }
        return nextWakeNs;
    }

    private void ReportWatchdog(bool live, long silentNs)
    {
        _tripped = !live;
        if (live)
            _log.LogInformation("Actuation: heartbeats resumed; outputs follow the rules again");
        else
            _log.LogWarning("Actuation: no heartbeat from the inference thread for {Ms} ms; all outputs driven to their safe level",
                silentNs / 1_000_000);
    }

    /// <summary>Under <see cref="_writeGate"/>: writes <paramref name="high"/> if it differs from the pin's level (or <paramref name="force"/>) and records a transition when it changed.</summary>
    private void Write(int output, bool high, long causeNs, int rule, bool force, RuleCause cause = default)
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
        var transition = new OutputTransition(output, high, high == o.ActiveHigh, causeNs, actuateNs, rule, cause);
        if (o.IsLog)
            _log.LogInformation("Output {Output}: {State} ({Level}), rule {Rule}, {Latency} µs after capture",
                o.Name, transition.Active ? "active" : "inactive", high ? "high" : "low", rule, causeNs > 0 ? (actuateNs - causeNs) / 1000 : 0);
        if (!_transitions.TryWrite(transition)) Interlocked.Increment(ref _transitionsDropped);
    }

    /// <summary>
    /// Stops <c>sc-actuate</c>, drives every output safe and releases the lines. Stop <c>sc-infer</c> first: a
    /// request racing with this is dropped, but only a finished producer is certain not to touch the closed wake-up.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stopping = true;
        _wake.Signal();
        _thread.Join();
        SetAllSafe();
        foreach (var c in _controllers) c.Dispose();
        _wake.Dispose();
    }
}
