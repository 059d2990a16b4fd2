using SmartCam.Configuration;
using SmartCam.Tracking;

namespace SmartCam.Actuation;

/// <summary>
/// The rule stage on the inference thread, right after tracking: decides each rule's condition from the
/// frame's tracks and events, advances the <see cref="RuleEngine"/> and hands output requests to the
/// <see cref="OutputBank"/> through the camera's requester (the bank writes them on its own thread). Allocation-free per frame.
/// </summary>
public sealed class RuleStage
{
    private readonly RuleConfig[] _rules;
    private readonly bool[][] _labelAllowed;
    private readonly bool[] _conditions;
    private readonly RuleCause[] _causes;
    private readonly OutputRequester? _outputs;
    private readonly RuleEngine _engine;
    private readonly int[] _runningRuleOf;

    /// <param name="onFrameClock">Rules time themselves on the frames' clock (the media clock of a file) and
    /// switch outputs only at frames, so a replay gives the same transitions at any speed; see <see cref="RuleEngine"/>.</param>
    /// <param name="outputCount">How many outputs there are in all (rules name them by their index among every camera's outputs).</param>
    public RuleStage(IReadOnlyList<RuleConfig> rules, string[] labels, OutputRequester? outputs, int outputCount, bool onFrameClock = false)
    {
        _rules = rules.ToArray();
        _runningRuleOf = new int[_rules.Length];
        _outputs = outputs;
        _labelAllowed = new bool[_rules.Length][];
        for (var r = 0; r < _rules.Length; r++)
        {
            _labelAllowed[r] = new bool[labels.Length];
            for (var c = 0; c < labels.Length; c++)
                _labelAllowed[r][c] = _rules[r].Labels.Count == 0 || _rules[r].Labels.Contains(labels[c]);
        }
        _conditions = new bool[_rules.Length];
        _causes = new RuleCause[_rules.Length];
        _engine = new RuleEngine(_rules.Select(r => (r.Name, r.Output, r.Timing)).ToArray(), outputCount, onFrameClock);
    }

    /// <summary>
    /// At a live reload, between two frames on the inference thread: rules of <paramref name="scene"/> unchanged from
    /// <paramref name="runningScene"/> go on where <paramref name="running"/> was (<see cref="RuleEngine.CarryFrom"/>).
    /// </summary>
    public void TakeOver(RuleStage running, SceneConfig runningScene, SceneConfig scene)
    {
        scene.RunningRuleOf(runningScene, _runningRuleOf);
        _engine.CarryFrom(running._engine, _runningRuleOf);
    }

    /// <param name="ruleNs">The rules' clock: the frame's media time for files, CLOCK_MONOTONIC now for live sources.</param>
    /// <param name="captureNs">The frame's capture time (CLOCK_MONOTONIC), carried to the output events for latency.</param>
    /// <param name="nowNs">CLOCK_MONOTONIC now: the watchdog's heartbeat.</param>
    public void Run(ReadOnlySpan<Track> tracks, SceneMonitor monitor, ReadOnlySpan<SceneEvent> events, long ruleNs, long captureNs, long nowNs)
    {
        for (var r = 0; r < _rules.Length; r++)
        {
            var rule = _rules[r];
            var cause = rule.Line >= 0 ? FirstCrossing(r, rule, tracks, events) : FirstPresent(r, rule, tracks, monitor);
            _conditions[r] = cause.TrackId != 0;
            if (cause.TrackId != 0) _causes[r] = cause;
        }
        _engine.Evaluate(_conditions, ruleNs, captureNs, _outputs, _causes);
        // A camera without rules drives nothing and arms no watchdog (as before reloads existed: it had no rule stage).
        if (_rules.Length > 0) _outputs?.Heartbeat(nowNs);
    }

    /// <summary>
    /// Outputs the rules turned on in the latest <see cref="Run"/>: each is a <c>rule</c> event that gets a snapshot (a rule
    /// firing while its output is already on writes nothing, so it has no event).
    /// </summary>
    public int OutputsTurnedOn => _engine.OutputsTurnedOn;

    /// <summary>
    /// The places among <paramref name="events"/> of the enter and cross events that a <c>snapshot: true</c> rule watches
    /// (its zone or line, its labels, its direction), written into <paramref name="into"/> as far as it holds; how many there
    /// are in all. Allocation-free.
    /// </summary>
    public int SnapshotEvents(ReadOnlySpan<SceneEvent> events, Span<int> into)
    {
        var count = 0;
        for (var i = 0; i < events.Length; i++)
        {
            ref readonly var e = ref events[i];
            for (var r = 0; r < _rules.Length; r++)
            {
                var rule = _rules[r];
                if (!rule.Snapshot || !Allowed(r, e.ClassId)) continue;
                var watched = e.Type == SceneEventType.Enter
                    ? rule.Zone >= 0 && e.Zone == rule.Zone
                    : e.Type == SceneEventType.Cross && rule.Line >= 0 && e.Line == rule.Line && (rule.Direction is not { } d || e.Direction == d);
                if (!watched) continue;
                if (count < into.Length) into[count] = i;
                count++;
                break;
            }
        }
        return count;
    }

    /// <summary>A crossing is an instant: the condition holds in the frame the crossing was seen.</summary>
    private RuleCause FirstCrossing(int r, RuleConfig rule, ReadOnlySpan<Track> tracks, ReadOnlySpan<SceneEvent> events)
    {
        foreach (ref readonly var e in events)
        {
            if (e.Type != SceneEventType.Cross || e.Line != rule.Line || !Allowed(r, e.ClassId)) continue;
            if (rule.Direction is { } direction && e.Direction != direction) continue;
            if (ScoreOf(tracks, e.TrackId) < rule.MinScore) continue;
            return new RuleCause(e.TrackId, e.ClassId);
        }
        return default;
    }

    /// <summary>Presence: some track of the rule's labels, scored high enough, is in the zone (or anywhere without one).</summary>
    private RuleCause FirstPresent(int r, RuleConfig rule, ReadOnlySpan<Track> tracks, SceneMonitor monitor)
    {
        foreach (ref readonly var t in tracks)
        {
            if (!Allowed(r, t.ClassId) || t.Score < rule.MinScore) continue;
            if (rule.Zone >= 0 && !monitor.IsInZone(t.Id, rule.Zone)) continue;
            return new RuleCause(t.Id, t.ClassId);
        }
        return default;
    }

    private bool Allowed(int rule, int classId) => (uint)classId < (uint)_labelAllowed[rule].Length && _labelAllowed[rule][classId];

    private static float ScoreOf(ReadOnlySpan<Track> tracks, int trackId)
    {
        foreach (ref readonly var t in tracks)
            if (t.Id == trackId) return t.Score;
        return 0;
    }
}
