using SmartCam.Inference;
using SmartCam.Tracking;

namespace SmartCam.Messaging;

/// <summary>
/// What the inference thread hands to the publish thread for one frame: the detections (<see cref="InferenceResult"/>)
/// and what tracking, zones and lines added to them. A reusable record, never allocated per frame.
/// </summary>
public sealed class DetectionResult(int maxDetections, int maxEvents = 0, int zones = 0) : InferenceResult(maxDetections)
{
    /// <summary>Per detection, the confirmed track it belongs to (0: none yet); meaningful when tracking is on.</summary>
    public int[] TrackIds { get; } = new int[maxDetections];

    /// <summary>Zone and line events seen in this frame (set by the stage after detection; 0 without tracking).</summary>
    public SceneEvent[] Events { get; } = new SceneEvent[maxEvents];
    public int EventCount { get; set; }

    /// <summary>Tracks of this frame that zones and lines ignored: <c>tracking.max_tracks</c> were already followed.</summary>
    public int TracksIgnored { get; set; }

    /// <summary>Events of this frame that did not fit <see cref="Events"/> (0 by construction: it holds the most a frame can make).</summary>
    public int EventsDropped { get; set; }

    /// <summary>Objects in each zone after this frame (the scene's zones first; the array has room for a reload that adds some).</summary>
    public int[] ZoneCounts { get; } = new int[zones];

    /// <summary>The scene version the stage after detection ran this frame under (null without one): the publish thread names its events by it.</summary>
    public SceneNames? Scene { get; set; }

    /// <summary>Brings every page of the record's arrays in now, not when a burst of results first reaches it.</summary>
    public void Prefault()
    {
        Core.Prefault.Touch(Detections);
        Core.Prefault.Touch(TrackIds);
        Core.Prefault.Touch(Events);
        Core.Prefault.Touch(ZoneCounts);
    }
}
