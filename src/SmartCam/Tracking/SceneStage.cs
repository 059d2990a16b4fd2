using SmartCam.Configuration;
using SmartCam.Inference;

namespace SmartCam.Tracking;

/// <summary>
/// The tracking stage on the inference thread, right after post-processing: assigns each detection its
/// track, then turns the tracks into zone and line events. Allocation-free per frame.
/// </summary>
public sealed class SceneStage
{
    private readonly TrackerOptions _options;
    private ObjectTracker _tracker;

    /// <param name="takesOver">Made for a live reload: no tracker of its own, it takes the running stage's in <see cref="TakeOver"/>.</param>
    public SceneStage(SceneConfig config, bool takesOver = false)
    {
        _options = config.Tracker;
        _tracker = takesOver ? null! : new ObjectTracker(config.Tracker);
        Monitor = new SceneMonitor(config.Zones, config.Lines, config.Anchor, config.Tracker.MaxTracks);
    }

    /// <summary>
    /// At a live reload, between two frames on the inference thread: the running stage's tracker (its tracks and ids go
    /// on, with this scene's thresholds) and who is in which zone (<see cref="SceneMonitor.CarryFrom"/>). Allocates nothing.
    /// </summary>
    public void TakeOver(SceneStage running)
    {
        _tracker = running._tracker;
        if (_tracker.Options != _options) _tracker.Retune(_options);
        Monitor.CarryFrom(running.Monitor);
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
