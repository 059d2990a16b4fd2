using Microsoft.Extensions.Logging;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.HandOver;
using SmartCam.Inference;
using SmartCam.Messaging;
using SmartCam.Tracking;

namespace SmartCam.Hosting;

/// <summary>
/// One camera's own stages: its capture thread and frame channel, its letterbox (on the capture thread), its
/// tracking, zones and rules (on the inference thread that serves it), and its results, messages and statistics
/// (on the publish thread). Cameras share only the detector, the publish thread and the outputs.
/// </summary>
public sealed class CameraPipeline : IAfterDetection, IDisposable
{
    private readonly LetterboxResizer _letterbox;
    private readonly SceneStage? _scene;
    private readonly RuleStage? _rules;

    /// <param name="index">The camera's place in the config's list: it owns the outputs it declares, and names its output requests.</param>
    /// <param name="frameReady">Signalled on every frame: the wake-up of the inference thread serving this camera.</param>
    /// <param name="resultReady">Signalled on every result: the publish thread's wake-up.</param>
    /// <param name="onCaptureStart">Runs first on the capture thread (real-time placement).</param>
    public CameraPipeline(int index, CameraConfig camera, SmartCamConfig config, OnnxDetector detector, IFrameSource source, ILogger log,
        Wakeup frameReady, Wakeup resultReady, OutputBank? outputs, Action? onCaptureStart, FrameTap? frameTap = null)
    {
        Index = index;
        Config = camera;
        var scene = camera.Scene;
        if (scene.Tracking)
        {
            _scene = new SceneStage(scene);
            if (scene.Rules.Count > 0)
                _rules = new RuleStage(scene.Rules, detector.Labels, outputs?.Requester(index), config.Outputs.Count, camera.OnMediaClock);
        }
        var maxEvents = _scene?.MaxEvents ?? 0;
        _letterbox = new LetterboxResizer(detector.InputWidth, detector.InputHeight, config.Model.InputFor(detector.Family));
        // Live cameras: only the newest frame is worth the detector's time. Files: every frame, in order.
        Frames = new SlotChannel<Frame>(1, camera.KeepsFreshestOnly ? FullMode.Freshest : FullMode.Lossless,
            () => new Frame { Input = detector.CreateInput() }, frameReady);
        Capture = new CaptureLoop(camera, source, Frames, log, frame => _letterbox.Run(frame.Image, frame.Input!), onCaptureStart) { Tap = frameTap };
        // Files: the inference thread waits rather than lose a result while the publish thread is starved of CPU.
        Results = new SlotChannel<DetectionResult>(ResultDepth, camera.KeepsFreshestOnly ? FullMode.Freshest : FullMode.Lossless,
            () => Prefaulted(new DetectionResult(config.Detect.MaxDetections, maxEvents, scene.Zones.Count)), resultReady);
        Messages = new MessageWriter(camera.Id, detector.Name, detector.Labels, scene, config.Outputs, index);
        Publishing = new PublishLane(Results, Messages, () => Capture.Counters, scene.Zones.Count);
        Lane = new InferenceLane(Frames, Results, _scene is null ? null : this);
    }

    /// <summary>Results queued for the publish thread before a live camera's oldest is dropped (a file's inference waits instead).</summary>
    public const int ResultDepth = 16;

    public int Index { get; }
    public CameraConfig Config { get; }
    public SlotChannel<Frame> Frames { get; }
    public CaptureLoop Capture { get; }
    public SlotChannel<DetectionResult> Results { get; }
    public MessageWriter Messages { get; }
    public PublishLane Publishing { get; }
    public InferenceLane Lane { get; }

    /// <summary>The camera's statistics, written by the publish thread.</summary>
    public PipelineStats Stats => Publishing.Stats;

    private static DetectionResult Prefaulted(DetectionResult result)
    {
        result.Prefault();
        return result;
    }

    /// <summary>
    /// On the inference thread, right after detection: tracking, zones and rules. Files run them on their media clock, so
    /// a replay is the same at any speed; live rules time holds and pulses on CLOCK_MONOTONIC, which sc-actuate ends them on
    /// (docs/actuation.md).
    /// </summary>
    public void Run(Frame frame, DetectionResult result)
    {
        var scene = _scene!;
        result.EventCount = scene.Run(result.Found, result.TrackIds, frame.Image.Cols, frame.Image.Rows, frame.SceneNs, result.Events);
        scene.Monitor.ZoneCounts.CopyTo(result.ZoneCounts);
        var nowNs = MonotonicClock.NowNs();
        _rules?.Run(scene.Tracks, scene.Monitor, result.Events.AsSpan(0, result.EventCount),
            Config.OnMediaClock ? frame.SceneNs : nowNs, frame.CaptureNs, nowNs);
    }

    public void Dispose()
    {
        Capture.Dispose();
        Frames.Dispose();
        Results.Dispose();
        _letterbox.Dispose();
    }
}
