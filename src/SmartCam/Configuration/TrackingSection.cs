using System.Globalization;

namespace SmartCam.Configuration;

/// <summary>The <c>tracking:</c> section of a camera's scene: its keys and their reader.</summary>
public static class TrackingSection
{
    // Constants because TrackerOptions' optional parameters take them as their defaults, and C# wants constants there.
    public const float HighScoreDefault = 0.5f;
    public const float LowScoreDefault = 0.1f;
    public const float NewTrackScoreDefault = 0.6f;
    public const float MatchIouDefault = 0.3f;
    public const float LowMatchIouDefault = 0.5f;
    public const int MinHitsDefault = 2;
    public const int MaxLostMsDefault = 1000;
    public const int MaxTracksDefault = 256;

    public static readonly Setting<bool> Enabled = Setting.Bool("tracking.enabled", true, "Track objects across frames; zones, lines and rules need it.");
    public static readonly Setting<AnchorPoint> Anchor = Setting.Choice("tracking.anchor", YamlEnums.Anchor, AnchorPoint.BottomCenter, "The point of a box used for zones and lines.");
    public static readonly Setting<float> HighScore = Setting.Float("tracking.high_score", HighScoreDefault, 0, 1, "Detections at or above this take part in the first association pass.");
    public static readonly Setting<float> LowScore = Setting.Float("tracking.low_score", LowScoreDefault, 0, 1, "Detections below this are ignored; those up to high_score only continue a track.");
    public static readonly Setting<float> NewTrackScore = Setting.Float("tracking.new_track_score", NewTrackScoreDefault, 0, 1, "An unmatched detection starts a track only at or above this.");
    public static readonly Setting<float> MatchIou = Setting.Float("tracking.match_iou", MatchIouDefault, 0, 1, "Minimum IoU between a track's predicted box and a high-score detection.");
    public static readonly Setting<float> LowMatchIou = Setting.Float("tracking.low_match_iou", LowMatchIouDefault, 0, 1, "Minimum IoU for the second pass (low-score detections).");
    public static readonly Setting<int> MinHits = Setting.Int("tracking.min_hits", MinHitsDefault, 1, 1000, "Frames a new track must be matched in before it is confirmed.");
    public static readonly Setting<int> MaxLostMs = Setting.Int("tracking.max_lost_ms", MaxLostMsDefault, 0, 600_000, "A confirmed track unseen for longer than this is removed.");
    public static readonly Setting<int> MaxTracks = Setting.Int("tracking.max_tracks", MaxTracksDefault, 1, TrackerOptions.CapacityLimit, "Live tracks at most.");

    internal static (bool Enabled, TrackerOptions Tracker, AnchorPoint Anchor) Read(YamlSection? s)
    {
        if (s is null) return (Enabled.Default, new TrackerOptions(), Anchor.Default);
        var enabled = s.Bool(Enabled);
        var anchor = s.Choice(Anchor);
        var tracker = new TrackerOptions
        {
            HighScore = s.Float(HighScore),
            LowScore = s.Float(LowScore),
            NewTrackScore = s.Float(NewTrackScore),
            MatchIou = PositiveFraction(s, MatchIou),
            LowMatchIou = PositiveFraction(s, LowMatchIou),
            MinHits = s.Int(MinHits),
            MaxLostSeconds = s.Int(MaxLostMs) / 1000.0,
            MaxTracks = s.Int(MaxTracks),
        };
        s.RejectUnknownKeys();
        if (tracker.LowScore > tracker.HighScore)
            throw s.Error(s.NodeOf(LowScore.Key) ?? s.NodeOf(HighScore.Key)!, s.NodeOf(LowScore.Key) is null ? HighScore.Key : LowScore.Key,
                $"low_score {Num(tracker.LowScore)} is above high_score {Num(tracker.HighScore)}; expected low_score ≤ high_score (detections between the two only continue existing tracks)");
        try
        {
            tracker.Validate(); // every rule it checks is checked above with a better message; this keeps the two in step
        }
        catch (ArgumentException e)
        {
            throw s.SectionError(s.Node, e.Message);
        }
        return (enabled, tracker, anchor);
    }

    private static float PositiveFraction(YamlSection s, Setting<float> setting)
    {
        var value = s.Float(setting);
        if (value <= 0) throw s.Error(s.NodeOf(setting.Key)!, setting.Key, "0 would match boxes that do not overlap at all; expected an IoU above 0, up to 1");
        return value;
    }

    private static string Num(float v) => v.ToString(CultureInfo.InvariantCulture);
}
