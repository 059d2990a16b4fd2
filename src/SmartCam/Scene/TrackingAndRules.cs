using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Inference;
using SmartCam.Messaging;
using SmartCam.Tracking;

namespace SmartCam.Scene;

/// <summary>
/// One camera's stage after detection, on the inference thread that serves the camera: tracking, then zones and lines
/// (<see cref="SceneStage"/>), then rules (<see cref="RuleStage"/>), which hand output requests to the outputs' own
/// thread. Files run it on their media clock, so a replay is the same at any speed; live rules time holds and pulses on
/// CLOCK_MONOTONIC, which sc-actuate ends them on (docs/actuation.md). Allocation-free per frame.
/// </summary>
public sealed class TrackingAndRules : IAfterDetection<DetectionResult>
{
    private readonly SceneStage _scene;
    private readonly RuleStage? _rules;
    private readonly bool _onMediaClock;
    private readonly SnapshotTap? _snapshots;
    private long _ignoredTracks, _droppedEvents;

    private TrackingAndRules(SceneStage scene, RuleStage? rules, bool onMediaClock, SnapshotTap? snapshots)
    {
        _scene = scene;
        _rules = rules;
        _onMediaClock = onMediaClock;
        _snapshots = snapshots;
    }

    /// <summary>Camera <paramref name="index"/>'s stage, or null when its tracking is off (then it has no zones, lines or rules).</summary>
    /// <param name="outputs">The opened outputs (null: none; the rules then only decide). Rules name them by their index
    /// among every camera's outputs, and request them through the camera's own requester.</param>
    /// <param name="snapshots">With <c>snapshots:</c>, where frames whose rules fired go to be pictured (null: no snapshots).</param>
    public static TrackingAndRules? For(int index, SmartCamConfig config, string[] labels, OutputBank? outputs, SnapshotTap? snapshots = null)
    {
        var camera = config.Cameras[index];
        var scene = camera.Scene;
        if (!scene.Tracking) return null;
        var tracking = new SceneStage(scene);
        var rules = scene.Rules.Count > 0
            ? new RuleStage(scene.Rules, labels, outputs?.Requester(index), config.Outputs.Count, camera.OnMediaClock)
            : null;
        return new TrackingAndRules(tracking, rules, camera.OnMediaClock, snapshots);
    }

    /// <summary>The most events one frame can produce: the size of each result's event array.</summary>
    public int MaxEvents => _scene.MaxEvents;

    public void Run(Frame frame, DetectionResult result)
    {
        result.EventCount = _scene.Run(result.Found, result.TrackIds, frame.Width, frame.Height, frame.SceneNs, result.Events);
        var monitor = _scene.Monitor;
        monitor.ZoneCounts.CopyTo(result.ZoneCounts);
        // The monitor counts since it started; the result carries this frame's share, which the publish thread adds up.
        result.TracksIgnored = (int)(monitor.IgnoredTracks - _ignoredTracks);
        result.EventsDropped = (int)(monitor.DroppedEvents - _droppedEvents);
        (_ignoredTracks, _droppedEvents) = (monitor.IgnoredTracks, monitor.DroppedEvents);
        var nowNs = MonotonicClock.NowNs();
        _rules?.Run(_scene.Tracks, _scene.Monitor, result.Events.AsSpan(0, result.EventCount),
            _onMediaClock ? frame.SceneNs : nowNs, frame.CaptureNs, nowNs);
        // The picture of this very frame, copied here where the frame and its boxes are; encoded and written on sc-snapshot.
        if (_rules is not null) _snapshots?.Offer(frame, result, _rules);
    }
}
