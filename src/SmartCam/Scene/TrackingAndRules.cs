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
/// <para>
/// A live reload (docs/configuration.md#reload) builds the camera's next scene off the loop (<see cref="Prepare"/>) and
/// posts it; the inference thread switches to it between two frames, taking over the tracks, who is in which zone and
/// the state of unchanged rules, so <c>seq</c> has no gap and nothing is reopened.
/// </para>
/// </summary>
public sealed class TrackingAndRules : IAfterDetection<DetectionResult>
{
    /// <summary>Zones and lines together a camera has room for beyond those it started with: a reload may add up to this many.</summary>
    public const int ReloadRoom = 8;

    /// <summary>One version of the scene, all made off the loop.</summary>
    public sealed class Version
    {
        internal Version(SceneConfig config, SceneStage scene, RuleStage rules, SceneNames names)
        {
            Config = config;
            Scene = scene;
            Rules = rules;
            Names = names;
        }

        public SceneConfig Config { get; }
        internal SceneStage Scene { get; }
        internal RuleStage Rules { get; }
        public SceneNames Names { get; }
    }

    private readonly int _index;
    private readonly string[] _labels;
    private readonly OutputBank? _outputs;
    private readonly int _outputCount;
    private readonly bool _onMediaClock;
    private readonly int _maxTracks;
    private Version _running;
    private Version? _pending;
    private long _ignoredTracks, _droppedEvents;
    private long _switches;
    private readonly SnapshotTap? _snapshots;

    private TrackingAndRules(int index, SmartCamConfig config, string[] labels, OutputBank? outputs, SnapshotTap? snapshots)
    {
        _index = index;
        _snapshots = snapshots;
        _labels = labels;
        _outputs = outputs;
        _outputCount = config.Outputs.Count;
        var camera = config.Cameras[index];
        _onMediaClock = camera.OnMediaClock;
        var scene = camera.Scene;
        _maxTracks = scene.Tracker.MaxTracks;
        ZoneRoom = Math.Max(scene.Zones.Count + scene.Lines.Count, ReloadRoom);
        MaxEvents = _maxTracks * ZoneRoom;
        _running = Build(scene, new SceneStage(scene), new SceneNames(scene));
        Latest = scene;
    }

    /// <summary>Camera <paramref name="index"/>'s stage, or null when its tracking is off (then it has no zones, lines or rules).</summary>
    /// <param name="outputs">The opened outputs (null: none; the rules then only decide). Rules name them by their index
    /// among every camera's outputs, and request them through the camera's own requester.</param>
    /// <param name="snapshots">With <c>snapshots:</c>, where frames whose rules fired go to be pictured (null: no snapshots).</param>
    public static TrackingAndRules? For(int index, SmartCamConfig config, string[] labels, OutputBank? outputs, SnapshotTap? snapshots = null) =>
        config.Cameras[index].Scene.Tracking ? new TrackingAndRules(index, config, labels, outputs, snapshots) : null;

    /// <summary>The most events one frame can produce, now or after a reload that fits (<see cref="Prepare"/>): the size of each result's event array.</summary>
    public int MaxEvents { get; }

    /// <summary>The most zones a frame can count, now or after a reload that fits: the size of each result's zone counts.</summary>
    public int ZoneRoom { get; }

    /// <summary>The scene as last posted (running, or about to run at the next frame).</summary>
    public SceneConfig Latest { get; private set; }

    /// <summary>Reloads this camera has switched to, on the inference thread.</summary>
    public long Switches => Interlocked.Read(ref _switches);

    /// <summary>
    /// Why <paramref name="scene"/> cannot replace the running scene without a restart (as "key: why"), or null when it can:
    /// a reload cannot switch tracking off or on, change how many tracks are followed, or outgrow the results' room.
    /// </summary>
    public string? WhyRestart(SceneConfig scene, string keyPrefix)
    {
        if (!scene.Tracking) return $"{keyPrefix}tracking.enabled: switching tracking off needs a restart";
        if (scene.Tracker.MaxTracks != _maxTracks || !ObjectTracker.CanRetune(Latest.Tracker, scene.Tracker))
            return $"{keyPrefix}tracking.max_tracks: {scene.Tracker.MaxTracks} instead of {_maxTracks} sizes the tracker's buffers; it needs a restart";
        if (scene.Zones.Count + scene.Lines.Count > ZoneRoom)
            return $"{keyPrefix}zones: {scene.Zones.Count} zones and {scene.Lines.Count} lines are more than the {ZoneRoom} this camera has room for while it runs; restart to apply";
        return null;
    }

    /// <summary>
    /// Builds <paramref name="scene"/> off the loop (check <see cref="WhyRestart"/> first) and posts it: the inference
    /// thread switches to it before its next frame of this camera. A version posted and not yet taken is replaced.
    /// </summary>
    public Version Prepare(SceneConfig scene, string summary, string hash)
    {
        if (WhyRestart(scene, "") is { } why) throw new ArgumentException(why, nameof(scene));
        var next = Build(scene, new SceneStage(scene, takesOver: true), new SceneNames(scene, reload: true, summary, hash));
        Latest = scene;
        Volatile.Write(ref _pending, next);
        return next;
    }

    private Version Build(SceneConfig scene, SceneStage stage, SceneNames names) =>
        new(scene, stage, new RuleStage(scene.Rules, _labels, _outputs?.Requester(_index), _outputCount, _onMediaClock), names);

    public void Run(Frame frame, DetectionResult result)
    {
        if (Volatile.Read(ref _pending) is not null && Interlocked.Exchange(ref _pending, null) is { } next) SwitchTo(next);
        var running = _running;
        var scene = running.Scene;
        result.EventCount = scene.Run(result.Found, result.TrackIds, frame.Width, frame.Height, frame.SceneNs, result.Events);
        result.Scene = running.Names;
        var monitor = scene.Monitor;
        monitor.ZoneCounts.CopyTo(result.ZoneCounts);
        // The monitor counts since it started; the result carries this frame's share, which the publish thread adds up.
        result.TracksIgnored = (int)(monitor.IgnoredTracks - _ignoredTracks);
        result.EventsDropped = (int)(monitor.DroppedEvents - _droppedEvents);
        (_ignoredTracks, _droppedEvents) = (monitor.IgnoredTracks, monitor.DroppedEvents);
        var nowNs = MonotonicClock.NowNs();
        running.Rules.Run(scene.Tracks, monitor, result.Events.AsSpan(0, result.EventCount),
            _onMediaClock ? frame.SceneNs : nowNs, frame.CaptureNs, nowNs);
        // The picture of this very frame, copied here where the frame and its boxes are; encoded and written on sc-snapshot.
        _snapshots?.Offer(frame, result, running.Rules);
    }

    /// <summary>Between two frames: the next version takes over the running one's tracks, zones and unchanged rules. Allocates nothing.</summary>
    private void SwitchTo(Version next)
    {
        var running = _running;
        next.Scene.TakeOver(running.Scene);
        next.Rules.TakeOver(running.Rules, running.Config, next.Config);
        // The new monitor counts from 0.
        (_ignoredTracks, _droppedEvents) = (0, 0);
        _running = next;
        Interlocked.Increment(ref _switches);
    }
}
