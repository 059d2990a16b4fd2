using SmartCam.Configuration;

namespace SmartCam.Actuation;

/// <summary>A rule as of the latest <see cref="RuleEngine.Evaluate"/>.</summary>
public struct RuleState
{
    /// <summary>Whether the rule wants its output active (at the latest evaluation; a pulse or hold may have ended since, see <see cref="ActiveUntilNs"/>).</summary>
    public bool Active { get; internal set; }

    /// <summary>The condition has been true for <c>min_frames</c> consecutive frames.</summary>
    public bool Debounced { get; internal set; }

    /// <summary>Consecutive frames the condition has been true.</summary>
    public int Streak { get; internal set; }

    /// <summary>Times the rule fired (activated its output from inactive).</summary>
    public long Fired { get; internal set; }

    public long LastFiredNs { get; internal set; }

    /// <summary>Rising edges ignored because they came within the cooldown.</summary>
    public long Suppressed { get; internal set; }

    /// <summary>CLOCK_MONOTONIC instant the activation ends: long.MaxValue while the condition holds, 0 when inactive.</summary>
    public long ActiveUntilNs { get; internal set; }
}

/// <summary>A rule whose <see cref="RuleState.Active"/> changed in the latest evaluation: fired, or released.</summary>
public readonly record struct RuleChange(int Rule, int Output, bool Active);

/// <summary>
/// Turns per-frame rule conditions into output requests, on <c>sc-infer</c>: no allocation, no blocking, no
/// clock reads of its own (the caller passes the time, which keeps hand-computed timelines testable).
/// <para>
/// Each rule's activation is an instant it ends (<see cref="RuleState.ActiveUntilNs"/>), and an output's request
/// is the latest of its rules' instants. That makes the OR of several rules a max, and it lets
/// <see cref="OutputBank"/>'s thread end holds and pulses on time by itself: there is no Tick to call between
/// frames, and a 500 ms pulse ends at 500 ms at 5 fps or with no frames at all. <see cref="States"/> then shows
/// an ended pulse as inactive from the next evaluation on; the transition itself carries the real time.
/// </para>
/// <para>
/// On the frame clock (file sources: the media clock, see docs/actuation.md) that would make a replay depend on how
/// fast it runs: at <c>pace: max</c> a 500 ms pulse covers 50 frames of wall time, not 5. There the engine ends
/// holds and pulses itself, at the first frame whose media time reaches the instant, and sends the outputs plain
/// on and off requests, so the same file gives the same transitions at any speed and load.
/// </para>
/// </summary>
public sealed class RuleEngine
{
    private readonly int[] _output;
    private readonly int[] _minFrames;
    private readonly long[] _holdNs;
    private readonly long[] _pulseNs;
    private readonly long[] _cooldownNs;
    private readonly RuleState[] _states;
    private readonly RuleChange[] _changes;
    private int _changeCount;

    // Per output.
    private readonly long[] _untilNs;
    private readonly long[] _sentUntilNs;
    private readonly int[] _lastRule; // the rule that last kept each output active: the cause named when it is released
    private readonly bool _onFrameClock;

    /// <param name="onFrameClock">Time comes from the frames (a file's media clock): outputs are switched only at
    /// evaluations, never by the output thread's own clock.</param>
    public RuleEngine(IReadOnlyList<(string Name, int Output, RuleTiming Timing)> rules, int outputCount, bool onFrameClock = false)
    {
        _onFrameClock = onFrameClock;
        var n = rules.Count;
        _output = new int[n];
        _minFrames = new int[n];
        _holdNs = new long[n];
        _pulseNs = new long[n];
        _cooldownNs = new long[n];
        _states = new RuleState[n];
        _changes = new RuleChange[n];
        for (var i = 0; i < n; i++)
        {
            var (name, output, t) = rules[i];
            if (output < 0 || output >= outputCount) throw new ArgumentException($"rule {name}: output {output} does not exist ({outputCount} outputs)");
            if (t.HoldMs > 0 && t.PulseMs > 0) throw new ArgumentException($"rule {name}: hold_ms and pulse_ms exclude each other; use one");
            if (t.MinFrames < 0 || t.HoldMs < 0 || t.PulseMs < 0 || t.CooldownMs < 0) throw new ArgumentException($"rule {name}: timings cannot be negative");
            _output[i] = output;
            _minFrames[i] = Math.Max(1, t.MinFrames);
            _holdNs[i] = t.HoldMs * 1_000_000L;
            _pulseNs[i] = t.PulseMs * 1_000_000L;
            _cooldownNs[i] = t.CooldownMs * 1_000_000L;
        }
        _untilNs = new long[outputCount];
        _sentUntilNs = new long[outputCount];
        _lastRule = new int[outputCount];
        _lastRule.AsSpan().Fill(-1);
    }

    /// <summary>
    /// At a live reload, between two frames on the inference thread: rule i takes over rule
    /// <paramref name="runningRuleOf"/>[i] of <paramref name="running"/> (-1: a new or changed rule, which starts
    /// inactive), and every output keeps what was last sent to it. So an output driven only by unchanged rules keeps its
    /// state and timing; one whose rule changed or went is released at the next evaluation (off, unless another rule
    /// holds it), and then follows its new rule. Allocates nothing.
    /// </summary>
    public void CarryFrom(RuleEngine running, ReadOnlySpan<int> runningRuleOf)
    {
        if (running._untilNs.Length != _untilNs.Length) throw new ArgumentException("a different number of outputs", nameof(running));
        for (var i = 0; i < _states.Length; i++)
            _states[i] = runningRuleOf[i] >= 0 ? running._states[runningRuleOf[i]] : default;
        running._sentUntilNs.CopyTo(_sentUntilNs, 0);
        running._untilNs.CopyTo(_untilNs, 0);
        for (var o = 0; o < _lastRule.Length; o++) _lastRule[o] = -1;
        for (var i = 0; i < _states.Length; i++)
            if (runningRuleOf[i] >= 0)
                for (var o = 0; o < _lastRule.Length; o++)
                    if (running._lastRule[o] == runningRuleOf[i]) _lastRule[o] = i;
    }

    public ReadOnlySpan<RuleState> States => _states;

    /// <summary>The rules that fired or released in the latest evaluation; valid until the next.</summary>
    public ReadOnlySpan<RuleChange> Changes => _changes.AsSpan(0, _changeCount);

    /// <summary>Outputs the latest evaluation turned on (from inactive): each one a <c>rule</c> event with <c>active: true</c>.</summary>
    public int OutputsTurnedOn { get; private set; }

    /// <summary>Per output: the instant its requested activation ends (long.MaxValue: until further notice; 0: inactive).</summary>
    public ReadOnlySpan<long> OutputActiveUntilNs => _untilNs;

    public bool OutputActive(int output, long nowNs) => _untilNs[output] > nowNs;

    /// <summary>
    /// Advances every rule by one frame and sends each output whose request changed to <paramref name="outputs"/>
    /// (null: only update the state, for tests and dry runs). Returns how many rules changed state; see <see cref="Changes"/>.
    /// </summary>
    /// <param name="conditions">Rule i's condition in this frame.</param>
    /// <param name="nowNs">CLOCK_MONOTONIC now, the clock <see cref="OutputBank"/> ends activations on; on the frame
    /// clock, the frame's media time.</param>
    /// <param name="captureNs">The frame's capture time, carried to the transitions as their cause.</param>
    /// <param name="causes">Per rule, the object behind its condition, carried to the output requests (empty: none).</param>
    public int Evaluate(ReadOnlySpan<bool> conditions, long nowNs, long captureNs, OutputRequester? outputs, ReadOnlySpan<RuleCause> causes = default)
    {
        if (conditions.Length != _states.Length) throw new ArgumentException($"{conditions.Length} conditions for {_states.Length} rules", nameof(conditions));
        _changeCount = 0;
        OutputsTurnedOn = 0;
        for (var i = 0; i < _states.Length; i++) Step(i, conditions[i], nowNs);
        Send(nowNs, captureNs, outputs, causes);
        return _changeCount;
    }

    private void Step(int i, bool condition, long nowNs)
    {
        ref var s = ref _states[i];
        // Debounce counts frames, not time: a detector's misses come per frame, whatever the frame rate.
        if (!condition) s.Streak = 0;
        else if (s.Streak < int.MaxValue) s.Streak++;
        var debounced = s.Streak >= _minFrames[i];
        var rising = debounced && !s.Debounced;
        var falling = !debounced && s.Debounced;
        s.Debounced = debounced;

        var wasActive = s.ActiveUntilNs > nowNs;
        if (_pulseNs[i] > 0)
        {
            // A pulse is exactly pulse_ms whatever the condition does; an edge during it neither extends nor restarts it.
            if (rising && !wasActive && TryFire(ref s, i, nowNs)) s.ActiveUntilNs = nowNs + _pulseNs[i];
        }
        else if (debounced)
        {
            // Still within the hold after a clear, a new true renews the activation; that is not a new firing,
            // so the cooldown does not cut a hold short while someone keeps coming back.
            if (wasActive) s.ActiveUntilNs = long.MaxValue;
            else if (rising && TryFire(ref s, i, nowNs)) s.ActiveUntilNs = long.MaxValue;
        }
        else if (falling && wasActive)
        {
            // Release. The hold runs from the first frame that saw the condition false, the first moment it is
            // known; without a hold the activation ends on that frame.
            s.ActiveUntilNs = nowNs + _holdNs[i];
        }

        var active = s.ActiveUntilNs > nowNs;
        if (!active) s.ActiveUntilNs = 0;
        if (active != s.Active)
        {
            s.Active = active;
            _changes[_changeCount++] = new RuleChange(i, _output[i], active);
        }
    }

    /// <summary>
    /// Cooldown is measured from the previous firing, and an edge inside it is dropped rather than kept for
    /// later: firing when the cooldown ends would actuate at a moment nothing happened.
    /// </summary>
    private bool TryFire(ref RuleState s, int i, long nowNs)
    {
        if (s.Fired > 0 && nowNs - s.LastFiredNs < _cooldownNs[i])
        {
            s.Suppressed++;
            return false;
        }
        s.Fired++;
        s.LastFiredNs = nowNs;
        return true;
    }

    /// <summary>An output is active while any of its rules is (OR): its request ends at the latest of theirs.</summary>
    private void Send(long nowNs, long captureNs, OutputRequester? outputs, ReadOnlySpan<RuleCause> causes)
    {
        for (var o = 0; o < _untilNs.Length; o++) _untilNs[o] = 0;
        for (var i = 0; i < _states.Length; i++)
        {
            var o = _output[i];
            var until = _states[i].ActiveUntilNs;
            if (until > _untilNs[o])
            {
                _untilNs[o] = until;
                _lastRule[o] = i;
            }
        }
        for (var o = 0; o < _untilNs.Length; o++)
        {
            // On the frame clock the output thread must not end anything by its own clock: send on or off.
            var want = _onFrameClock ? (_untilNs[o] > nowNs ? long.MaxValue : 0) : _untilNs[o];
            // A request that has ended by itself (pulse, hold) equals "inactive": nothing to send.
            var sent = _sentUntilNs[o] > nowNs ? _sentUntilNs[o] : 0;
            if (want == sent) continue;
            if (sent == 0 && want > nowNs) OutputsTurnedOn++;
            _sentUntilNs[o] = want;
            var rule = _lastRule[o];
            outputs?.SetUntil(o, want, captureNs, rule, (uint)rule < (uint)causes.Length ? causes[rule] : default);
        }
    }
}
