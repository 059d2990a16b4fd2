using Microsoft.Extensions.Logging;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.HandOver;
using SmartCam.Inference;
using SmartCam.Messaging;
using SmartCam.Scene;

namespace SmartCam.Hosting;

/// <summary>How one camera is tied to the threads it shares with the others.</summary>
/// <param name="FrameReady">Signalled on every frame: the wake-up of the inference thread serving this camera.</param>
/// <param name="ResultReady">Signalled on every result: the publish thread's wake-up.</param>
/// <param name="OnCaptureStart">Runs first on the capture thread (real-time placement).</param>
/// <param name="Tap">The live view's copy of the camera's frames (null when the HTTP server is off).</param>
/// <param name="Snapshots">Where the frames whose rules fired go to be pictured (null without <c>snapshots:</c>).</param>
public sealed record CameraWiring(Wakeup FrameReady, Wakeup ResultReady, Action? OnCaptureStart, FrameTap? Tap = null, SnapshotTap? Snapshots = null);

/// <summary>
/// One camera's own stages: its capture thread and frame channel, its letterbox (on the capture thread), its
/// tracking, zones and rules (<see cref="TrackingAndRules"/>, on the inference thread that serves it), and its results,
/// messages and statistics (on the publish thread). Cameras share only the detector, the publish thread and the outputs.
/// </summary>
public sealed class CameraPipeline : IDisposable
{
    private readonly LetterboxResizer _letterbox;

    /// <param name="index">The camera's place in the config's list: it owns the outputs it declares, and names its output requests.</param>
    /// <param name="outputs">The opened outputs (null: none); the camera's rules request through its own requester.</param>
    public CameraPipeline(int index, SmartCamConfig config, OnnxDetector detector, IFrameSource source, OutputBank? outputs, CameraWiring wiring, ILogger log)
    {
        Index = index;
        Config = config.Cameras[index];
        var camera = Config;
        var scene = camera.Scene;
        var after = TrackingAndRules.For(index, config, detector.Labels, outputs, wiring.Snapshots);
        _letterbox = new LetterboxResizer(detector.InputWidth, detector.InputHeight, config.Model.InputFor(detector.Family));
        // Live cameras: only the newest frame is worth the detector's time. Files: every frame, in order.
        Frames = new SlotChannel<Frame>(1, camera.KeepsFreshestOnly ? FullMode.Freshest : FullMode.Lossless,
            () => new Frame { Prepared = detector.CreateInput() }, wiring.FrameReady);
        if (source is IScalingSource scaling) scaling.Pictures.DetectSize = DetectSizeFor(camera, _letterbox, detector.InputWidth, detector.InputHeight);
        Capture = new CaptureLoop(camera, source, Frames, log, frame => _letterbox.Run(frame.Image, frame.Width, frame.Height, InputOf(frame)), wiring.OnCaptureStart) { Tap = wiring.Tap };
        // Files: the inference thread waits rather than lose a result while the publish thread is starved of CPU.
        Results = new SlotChannel<DetectionResult>(ResultDepth, camera.KeepsFreshestOnly ? FullMode.Freshest : FullMode.Lossless,
            () => Prefaulted(new DetectionResult(config.Detect.MaxDetections, after?.MaxEvents ?? 0, after?.ZoneRoom ?? 0)), wiring.ResultReady);
        Messages = new MessageWriter(camera.Id, detector.Name, detector.Labels, scene, config.Outputs, index);
        Publishing = new PublishLane(Results, Messages, () => Capture.Counters, after?.ZoneRoom ?? 0);
        Lane = new InferenceLane<DetectionResult>(Frames, Results, after);
        Scene = after;
    }

    /// <summary>
    /// The picture size a scaling source converts a frame to (<c>camera.convert</c>). Big frames (1080p, 4K) go straight
    /// from the decoder's YUV to the model's scaled size in one pass: converting them to BGR at full size first would cost
    /// as much as decoding them. Smaller frames are converted at full size and resized as OpenCV's own reader and the
    /// letterbox always did, which keeps them bit-identical to the independent reference decode.
    /// </summary>
    internal static Func<int, int, (int Width, int Height)> DetectSizeFor(CameraConfig camera, LetterboxResizer letterbox, int inputWidth, int inputHeight) =>
        (width, height) =>
        {
            // A detect_source is scaled to the main stream's letterboxed size whatever its own: never up to full size.
            if (camera.DetectSource is null && camera.ConvertFor(width, height, inputWidth, inputHeight) == ConvertMode.Full) return (width, height);
            var g = letterbox.GeometryFor(width, height);
            return (g.ResizedWidth, g.ResizedHeight);
        };

    /// <summary>Results queued for the publish thread before a live camera's oldest is dropped (a file's inference waits instead).</summary>
    public const int ResultDepth = 16;

    public int Index { get; }
    public CameraConfig Config { get; }
    public SlotChannel<Frame> Frames { get; }
    public CaptureLoop Capture { get; }
    public SlotChannel<DetectionResult> Results { get; }
    public MessageWriter Messages { get; }
    public PublishLane Publishing { get; }
    public InferenceLane<DetectionResult> Lane { get; }

    /// <summary>Tracking, zones and rules, where a live reload posts the camera's next scene; null when tracking is off.</summary>
    public TrackingAndRules? Scene { get; }

    /// <summary>The camera's statistics, written by the publish thread.</summary>
    public PipelineStats Stats => Publishing.Stats;

    /// <summary>The model input a frame slot of this pipeline was made with (see <see cref="Frame.Prepared"/>).</summary>
    public static DetectorInput InputOf(Frame frame) => (DetectorInput)frame.Prepared!;

    private static DetectionResult Prefaulted(DetectionResult result)
    {
        result.Prefault();
        return result;
    }

    public void Dispose()
    {
        Capture.Dispose();
        Frames.Dispose();
        Results.Dispose();
        _letterbox.Dispose();
    }
}
