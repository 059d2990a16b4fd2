using SmartCam.Configuration;
using SmartCam.Inference;

namespace SmartCam.Tracking;

/// <summary>
/// The tracking stage on the inference thread, right after post-processing: assigns each detection its
/// track, then turns the tracks into zone and line events. Allocation-free per frame.
/// </summary>
public sealed class SceneStage
{
    private readonly ObjectTracker _tracker;

    public SceneStage(SceneConfig config)
    {
        _tracker = new ObjectTracker(config.Tracker);
        Monitor = new SceneMonitor(config.Zones, config.Lines, config.Anchor, config.Tracker.MaxTracks);
    }

    public SceneMonitor Monitor { get; }

    /// <summary>Confirmed tracks after the latest frame.</summary>
    public ReadOnlySpan<Track> Tracks => _tracker.Tracks;

    /// <summary>The most events one frame can produce: the size of <see cref="Run"/>'s event span.</summary>
    public int MaxEvents => Monitor.MaxEventsPerUpdate;

    /// <summary>Tracks this frame's detections (by capture time, so velocities are real) and returns how many events it wrote.</summary>
    public int Run(ReadOnlySpan<Detection> detections, Span<int> trackIds, int width, int height, long captureNs, Span<SceneEvent> events)
    {
        _tracker.Update(detections, trackIds, captureNs);
        return Monitor.Update(_tracker.Tracks, width, height, captureNs, events);
    }
}
