using SmartCam.Configuration;
using SmartCam.Tracking;

namespace SmartCam.Actuation;

/// <summary>
/// The rule stage on the inference thread, right after tracking: decides each rule's condition from the
/// frame's tracks and events, advances the <see cref="RuleEngine"/> and hands output requests to the
/// <see cref="OutputBank"/> (which writes them on its own thread). Allocation-free per frame.
/// </summary>
public sealed class RuleStage
{
    private readonly RuleConfig[] _rules;
    private readonly bool[][] _labelAllowed;
    private readonly bool[] _conditions;
    private readonly int[] _causeTrack;
    private readonly int[] _causeClass;
    private readonly OutputBank? _outputs;

    public RuleStage(IReadOnlyList<RuleConfig> rules, string[] labels, OutputBank? outputs)
    {
        _rules = rules.ToArray();
        _outputs = outputs;
        _labelAllowed = new bool[_rules.Length][];
        for (var r = 0; r < _rules.Length; r++)
        {
            _labelAllowed[r] = new bool[labels.Length];
            for (var c = 0; c < labels.Length; c++)
                _labelAllowed[r][c] = _rules[r].Labels.Count == 0 || _rules[r].Labels.Contains(labels[c]);
        }
        _conditions = new bool[_rules.Length];
        _causeTrack = new int[_rules.Length];
        _causeClass = new int[_rules.Length];
        Engine = new RuleEngine(_rules.Select(r => (r.Name, r.Output, r.Timing)).ToArray(), outputs?.Count ?? (_rules.Length == 0 ? 0 : _rules.Max(r => r.Output) + 1));
    }

    public RuleEngine Engine { get; }

    /// <summary>The track (and its class) that last made rule <paramref name="rule"/>'s condition true; for events.</summary>
    public (int TrackId, int ClassId) CauseOf(int rule) => (Volatile.Read(ref _causeTrack[rule]), Volatile.Read(ref _causeClass[rule]));

    public void Run(ReadOnlySpan<Track> tracks, SceneMonitor monitor, ReadOnlySpan<SceneEvent> events, long nowNs, long captureNs)
    {
        for (var r = 0; r < _rules.Length; r++)
        {
            var rule = _rules[r];
            var trackId = rule.Line >= 0 ? FirstCrossing(r, rule, tracks, events) : FirstPresent(r, rule, tracks, monitor);
            _conditions[r] = trackId != 0;
            if (trackId != 0) Volatile.Write(ref _causeTrack[r], trackId);
        }
        Engine.Evaluate(_conditions, nowNs, captureNs, _outputs);
        _outputs?.Heartbeat(nowNs);
    }

    /// <summary>A crossing is an instant: the condition holds in the frame the crossing was seen.</summary>
    private int FirstCrossing(int r, RuleConfig rule, ReadOnlySpan<Track> tracks, ReadOnlySpan<SceneEvent> events)
    {
        foreach (ref readonly var e in events)
        {
            if (e.Type != SceneEventType.Cross || e.Line != rule.Line || !Allowed(r, e.ClassId)) continue;
            if (rule.Direction is { } direction && e.Direction != direction) continue;
            if (ScoreOf(tracks, e.TrackId) < rule.MinScore) continue;
            _causeClass[r] = e.ClassId;
            return e.TrackId;
        }
        return 0;
    }

    /// <summary>Presence: some track of the rule's labels, scored high enough, is in the zone (or anywhere without one).</summary>
    private int FirstPresent(int r, RuleConfig rule, ReadOnlySpan<Track> tracks, SceneMonitor monitor)
    {
        foreach (ref readonly var t in tracks)
        {
            if (!Allowed(r, t.ClassId) || t.Score < rule.MinScore) continue;
            if (rule.Zone >= 0 && !monitor.IsInZone(t.Id, rule.Zone)) continue;
            _causeClass[r] = t.ClassId;
            return t.Id;
        }
        return 0;
    }

    private bool Allowed(int rule, int classId) => (uint)classId < (uint)_labelAllowed[rule].Length && _labelAllowed[rule][classId];

    private static float ScoreOf(ReadOnlySpan<Track> tracks, int trackId)
    {
        foreach (ref readonly var t in tracks)
            if (t.Id == trackId) return t.Score;
        return 0;
    }
}
