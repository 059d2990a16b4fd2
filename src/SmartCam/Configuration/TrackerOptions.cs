namespace SmartCam.Configuration;

/// <summary>
/// Thresholds and capacities of <see cref="ObjectTracker"/>. The defaults follow ByteTrack's published
/// settings where it has one, adapted to time in seconds instead of frames; those the config sets are declared with
/// their YAML keys in <see cref="TrackingSection"/>.
/// </summary>
/// <param name="HighScore">Detections at or above this take part in the first association pass.</param>
/// <param name="LowScore">Detections below this are ignored; those in [LowScore, HighScore) may only continue a confirmed track (second pass).</param>
/// <param name="NewTrackScore">A high detection left unmatched starts a track only at or above this.</param>
/// <param name="MatchIou">Minimum IoU between a track's predicted box and a high detection.</param>
/// <param name="LowMatchIou">
/// Minimum IoU for the second pass (low detections). Stricter than <paramref name="MatchIou"/>, as in
/// ByteTrack: low scores are where background false positives live, so they must sit squarely on the
/// prediction to be trusted.
/// </param>
/// <param name="MinHits">
/// A track is confirmed (listed in <see cref="ObjectTracker.Tracks"/> and given an id) once this many frames
/// matched it, counting the frame that started it; 1 confirms at once. A tentative track that misses a frame is dropped.
/// </param>
/// <param name="MaxLostSeconds">A confirmed track unseen for longer than this is removed; until then it is listed with its predicted box.</param>
/// <param name="MaxTracks">Live tracks, tentative ones included; detections that would start more are ignored.</param>
/// <param name="MaxDetections">Detections considered per frame; beyond this the lowest scores are ignored.</param>
public sealed record TrackerOptions(
    float HighScore = TrackingSection.HighScoreDefault,
    float LowScore = TrackingSection.LowScoreDefault,
    float NewTrackScore = TrackingSection.NewTrackScoreDefault,
    float MatchIou = TrackingSection.MatchIouDefault,
    float LowMatchIou = TrackingSection.LowMatchIouDefault,
    int MinHits = TrackingSection.MinHitsDefault,
    double MaxLostSeconds = TrackingSection.MaxLostMsDefault / 1000.0,
    int MaxTracks = TrackingSection.MaxTracksDefault,
    int MaxDetections = 1024)
{
    /// <summary>Bounds the association buffer, which holds MaxTracks × MaxDetections candidate pairs.</summary>
    public const int CapacityLimit = 4096;

    internal void Validate()
    {
        if (!(LowScore >= 0 && LowScore <= HighScore)) throw new ArgumentException("Need 0 <= LowScore <= HighScore.");
        if (!(NewTrackScore >= 0)) throw new ArgumentException("NewTrackScore must be >= 0.");
        if (!(MatchIou > 0 && MatchIou <= 1)) throw new ArgumentException("MatchIou must be in (0, 1].");
        if (!(LowMatchIou > 0 && LowMatchIou <= 1)) throw new ArgumentException("LowMatchIou must be in (0, 1].");
        if (MinHits < 1) throw new ArgumentException("MinHits must be >= 1.");
        if (!(MaxLostSeconds >= 0)) throw new ArgumentException("MaxLostSeconds must be >= 0.");
        if (MaxTracks < 1 || MaxTracks > CapacityLimit) throw new ArgumentException("MaxTracks must be in [1, 4096].");
        if (MaxDetections < 1 || MaxDetections > CapacityLimit) throw new ArgumentException("MaxDetections must be in [1, 4096].");
    }
}
