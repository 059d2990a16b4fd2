using Microsoft.Extensions.Logging;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.HandOver;
using SmartCam.Inference;
using SmartCam.Logging;
using SmartCam.Messaging;
using SmartCam.Realtime;
using SmartCam.Snapshots;

namespace SmartCam.Hosting;

/// <summary>What a run asks of the pipeline beyond its config, detectors, publisher and sources.</summary>
/// <param name="WarmupFrames">Latency statistics start after this many frames in all (benchmarks); 0 counts from the first.</param>
/// <param name="StopAfterFrames">End after this many frames were inferred in all (benchmarks); 0 runs until every source ends or a stop.</param>
/// <param name="Outputs">The opened outputs the rules drive (null: no outputs); the pipeline drives them safe when it ends, never disposes them.</param>
/// <param name="FrameTaps">One per camera when the HTTP server is on (the live view's copies of frames), else null.</param>
/// <param name="Mqtt">The MQTT client's counters, for status.box (null: no <c>mqtt:</c>).</param>
/// <param name="Reloads">Live reloads of the config, for status.box (null: the command reloads nothing).</param>
/// <param name="Snapshots">With <c>snapshots:</c>, sc-snapshot: each camera's frames go to it, and its counters to status.box (null: none).</param>
public sealed record PipelineOptions(long WarmupFrames = 0, long StopAfterFrames = 0, OutputBank? Outputs = null, IReadOnlyList<FrameTap>? FrameTaps = null,
    Func<MqttCounters>? Mqtt = null, ConfigReloads? Reloads = null, SnapshotWriter? Snapshots = null);

/// <summary>
/// Every camera's pipeline around one shared detector: one capture thread per camera (<c>sc-capture</c>, reading and
/// letterboxing frame N+1 while frame N is inferred), one inference thread per detector instance (<c>sc-infer</c>,
/// serving its cameras in turn, see <see cref="InferenceLoop{TResult}"/>), and one publish thread (<c>sc-publish</c>). Cameras
/// are given to the detector instances in turn (camera i to instance i mod n), so each camera's tracking and rules
/// always run on the same thread. Frames and results move through <see cref="SlotChannel{T}"/>s only.
/// </summary>
public sealed class DetectionPipeline : IDisposable
{
    private readonly SmartCamConfig _config;
    private readonly DetectionPublisher _publisher;
    private readonly ILogger _log;
    private readonly CameraPipeline[] _cameras;
    private readonly InferenceLoop<DetectionResult>[] _inference;
    private readonly Wakeup[] _frameReady;
    private readonly Wakeup _resultReady = new();
    private readonly PublishLoop _publishLoop;
    private readonly MessageWriter _boxMessages;
    private readonly long _startedNs = MonotonicClock.NowNs();
    private readonly long _stopAfterFrames;
    private readonly ThreadPlacement _placement;
    private readonly OutputBank? _outputs;
    private long _inferredInAll;
    // The inference thread that warms the last frame slot sets _warm and signals; the placing thread does the work.
    private readonly Wakeup _placeNow = new();
    private bool _warm, _ended;

    /// <summary>One detector, one camera: the single-camera form.</summary>
    public DetectionPipeline(SmartCamConfig config, OnnxDetector detector, DetectionPublisher publisher, IFrameSource source, ILogger log,
        PipelineOptions? options = null)
        : this(config, [detector], publisher, [source], log, options)
    {
    }

    /// <param name="detectors">One per detector instance (<c>model.instances</c>), each with its own session.</param>
    /// <param name="sources">One per camera, in the config's order.</param>
    public DetectionPipeline(SmartCamConfig config, IReadOnlyList<OnnxDetector> detectors, DetectionPublisher publisher, IReadOnlyList<IFrameSource> sources,
        ILogger log, PipelineOptions? options = null)
    {
        options ??= new PipelineOptions();
        var outputs = options.Outputs;
        var frameTaps = options.FrameTaps;
        _config = config;
        _publisher = publisher;
        _log = log;
        _outputs = outputs;
        _stopAfterFrames = options.StopAfterFrames;
        var cameras = config.Cameras;
        var single = cameras.Count == 1 && detectors.Count == 1;
        // The loop threads, for real-time placement: capture threads first, then inference, then publish.
        var threads = new List<(string Name, string Stage)>();
        foreach (var c in cameras) threads.Add((single ? ThreadPlacement.Capture : $"{ThreadPlacement.Capture}.{c.Id}", ThreadPlacement.Capture));
        for (var i = 0; i < detectors.Count; i++) threads.Add((detectors.Count == 1 ? ThreadPlacement.Inference : $"{ThreadPlacement.Inference}.{i}", ThreadPlacement.Inference));
        threads.Add((ThreadPlacement.Publish, ThreadPlacement.Publish));
        _placement = new ThreadPlacement(config.Realtime, log, threads);

        _frameReady = detectors.Select(_ => new Wakeup()).ToArray();
        _cameras = new CameraPipeline[cameras.Count];
        for (var c = 0; c < cameras.Count; c++)
        {
            var thread = c;
            var instance = c % detectors.Count;
            var wiring = new CameraWiring(_frameReady[instance], _resultReady, () => _placement.Enter(thread), frameTaps?[c], options.Snapshots?.TapFor(c));
            _cameras[c] = new CameraPipeline(c, config, detectors[instance], sources[c], outputs, wiring, log);
        }
        _inference = new InferenceLoop<DetectionResult>[detectors.Count];
        for (var i = 0; i < detectors.Count; i++)
        {
            var thread = cameras.Count + i;
            var lanes = _cameras.Where(c => c.Index % detectors.Count == i).Select(c => c.Lane).ToArray();
            _inference[i] = new InferenceLoop<DetectionResult>(detectors[i], config.Detect, lanes, _frameReady[i], () => _placement.Enter(thread));
        }
        RunId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 8));
        _boxMessages = new MessageWriter(BoxStatus.Id, detectors[0].Name, detectors[0].Labels);
        var box = new BoxSources(_boxMessages, _inference.Select(i => (Func<InferenceCounters>)(() => i.Counters)).ToArray(), Health, _placement.Resweep, options.Mqtt,
            options.Reloads, options.Snapshots is { } snapshots ? () => snapshots.Counters : null);
        var publishing = new PublishOptions(_resultReady, config.Publish.StatusIntervalMs, RunId, _startedNs, options.WarmupFrames,
            () => _placement.Enter(cameras.Count + detectors.Count));
        _publishLoop = new PublishLoop(_cameras.Select(c => c.Publishing).ToArray(), publisher, outputs, box, publishing);
    }

    public string RunId { get; }

    public IReadOnlyList<CameraPipeline> Cameras => _cameras;

    /// <summary>The detector instances' threads (<c>model.instances</c>), for their counters.</summary>
    public IReadOnlyList<InferenceLoop<DetectionResult>> Inference => _inference;

    /// <summary>The first camera's latencies and counters (the only camera's, in a single-camera config); complete once <see cref="Run"/> returned.</summary>
    public PipelineStats Stats => _cameras[0].Stats;

    public PublishLoop Publishing => _publishLoop;

    /// <summary>starting, running, reconnecting or ended: the first camera's state, or "running" while any camera runs.</summary>
    public string CaptureState
    {
        get
        {
            foreach (var c in _cameras)
                if (c.Capture.State == "running") return "running";
            return _cameras[0].Capture.State;
        }
    }

    /// <summary>Bytes the loop threads had allocated after their latest frame: every capture thread, every inference thread, the publish thread.</summary>
    public (long Capture, long Infer, long Publish) AllocatedBytes =>
        (_cameras.Sum(c => c.Capture.AllocatedBytes), _inference.Sum(i => i.AllocatedBytes), _publishLoop.AllocatedBytes);

    /// <summary>Page faults the loop threads had taken after their latest frame (the real-time part of the process).</summary>
    public (long Minor, long Major) LoopPageFaults
    {
        get
        {
            long minor = 0, major = 0;
            foreach (var c in _cameras) (minor, major) = (minor + c.Capture.PageFaults.Minor, major + c.Capture.PageFaults.Major);
            foreach (var i in _inference) (minor, major) = (minor + i.PageFaults.Minor, major + i.PageFaults.Major);
            var p = _publishLoop.PageFaults;
            return (minor + p.Minor, major + p.Major);
        }
    }

    /// <summary>Process-wide allocated bytes and GC counts when inference ended, before any shutdown work.</summary>
    public (long AllocatedBytes, int Gen0, int Gen1, int Gen2, (long Minor, long Major) PageFaults) EndSnapshot { get; private set; }

    /// <summary>A frame's model input holding a real letterboxed frame: a fixed input for measuring the bare model.</summary>
    public DetectorInput SampleInput => CameraPipeline.InputOf(_cameras[0].Frames.Items[0]);

    private ProcessHealth Health() => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
        Libc.PageFaults(Libc.RusageSelf), LoopPageFaults, _placement.Resettled, ProcessLog.Dropped);

    /// <summary>Runs until every source ends or <paramref name="stop"/> fires; returns the process exit code (0, or 1 when a camera failed).</summary>
    public int Run(CancellationToken stop)
    {
        var publish = _config.Publish;
        if (publish.WaitForSubscribers > 0)
        {
            _log.LogInformation("Waiting up to {Timeout} ms for {Count} subscription(s) to this box's topics", publish.WaitTimeoutMs,
                publish.WaitForSubscribers);
            var subscribed = _publisher.WaitForSubscribers(_publishLoop.Topics, publish.WaitForSubscribers, TimeSpan.FromMilliseconds(publish.WaitTimeoutMs), stop);
            if (stop.IsCancellationRequested) return 0;
            if (!subscribed) _log.LogWarning("No subscriber after {Timeout} ms; starting anyway", publish.WaitTimeoutMs);
        }

        // The other loop threads are created before this one raises itself: a thread starts on its
        // creator's CPUs, and a new SCHED_OTHER thread on an isolated CPU held by a SCHED_FIFO creator
        // never gets to run (seen on the image: with RT throttling off, Thread.Start never returned).
        // The placement of the rest logs, sweeps /proc and locks memory: a normal-priority thread's work, created here
        // (by this thread, before it becomes an inference thread) and woken by the inference thread that warms the last slot.
        var placing = _config.Realtime.Enabled ? new Thread(PlaceTheRestWhenWarm) { Name = PlacingThreadName, IsBackground = true } : null;
        placing?.Start();
        _publishLoop.Start();
        foreach (var c in _cameras) c.Capture.Start();
        using var stopInference = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var slotsToWarm = _cameras.Length * (_cameras[0].Frames.Items.Count + 1);
        bool AfterFrame(long inferredHere)
        {
            var inAll = Interlocked.Increment(ref _inferredInAll);
            if (inAll == slotsToWarm)
            {
                Volatile.Write(ref _warm, true);
                _placeNow.Signal();
            }
            if (inAll == _stopAfterFrames) stopInference.Cancel();
            return inAll != _stopAfterFrames;
        }
        var others = new Thread[_inference.Length - 1];
        for (var i = 1; i < _inference.Length; i++)
        {
            var loop = _inference[i];
            others[i - 1] = new Thread(() => loop.Run(stopInference.Token, AfterFrame)) { Name = "sc-infer", IsBackground = true };
            others[i - 1].Start();
        }
        try
        {
            _inference[0].Run(stopInference.Token, AfterFrame);
            // A benchmark's count may be reached on another instance's thread, or this one may have run out of cameras first.
            foreach (var t in others) t.Join();
        }
        finally
        {
            // Before any shutdown work, so a benchmark's window holds the steady state only.
            EndSnapshot = (GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
                Libc.PageFaults(Libc.RusageSelf));
            // First, whatever ended the loop (a stop, the end of the files, a fault): outputs must not stay on.
            try
            {
                _outputs?.SetAllSafe();
            }
            finally
            {
                stopInference.Cancel();
                foreach (var t in others) t.Join();
                foreach (var c in _cameras) c.Capture.Stop();
                foreach (var c in _cameras) c.Results.Complete();
                // Only now: the safe-level writes' evt. messages go out before the run's final status.
                _publishLoop.Finish();
                Volatile.Write(ref _ended, true);
                _placeNow.Signal();
                placing?.Join();
            }
        }
        return Finish(stop);
    }

    public const string PlacingThreadName = "sc-place";

    /// <summary>
    /// On its own normal-priority thread: waits until every frame item has been written and inferred once (the loop
    /// threads exist and have placed themselves, and the loop's buffers are resident, so locking memory locks them),
    /// then places the rest; or ends with the run if that never came.
    /// </summary>
    private void PlaceTheRestWhenWarm()
    {
        while (!Volatile.Read(ref _ended))
        {
            if (Volatile.Read(ref _warm))
            {
                PlaceTheRest();
                return;
            }
            _placeNow.Wait(-1);
        }
    }

    private void PlaceTheRest()
    {
        _placement.PlaceTheRest();
        _publishLoop.Realtime = new RealtimeStatus(true, _placement.MemoryLocked,
            _placement.InEffect.Select(p => (p.Key, p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal).ToArray());
    }

    private int Finish(CancellationToken stop)
    {
        var exit = 0;
        var seconds = (MonotonicClock.NowNs() - _startedNs) / 1e9;
        foreach (var camera in _cameras)
        {
            var id = camera.Config.Id;
            if (camera.Capture.Fault is { } fault)
            {
                _log.LogCritical(fault, "Camera {Camera}: capture failed; outputs are at their safe levels", id);
                exit = 1;
                continue;
            }
            if (camera.Capture.Failure is { } failure)
            {
                _log.LogError("Camera {Camera}: {Error}", id, failure.Message);
                // A camera that cannot do what the config asks is a mistake in the config (exit 2), not a failure of the box.
                exit = Math.Max(exit, failure is CameraModeException ? 2 : 1);
                continue;
            }
            var s = camera.Stats;
            _log.LogInformation("Camera {Camera}: {State}: {Frames} frames captured, {Processed} processed, {Dropped} dropped, {Corrupt} unreadable",
                id, stop.IsCancellationRequested ? "stopped" : "source ended", s.Frames, s.Processed, s.Dropped, s.Corrupt);
            _log.LogInformation("Camera {Camera}: {Fps:0.0} fps over {Seconds:0.0} s; median capture {Capture} µs, convert {Convert} µs, pre {Pre} µs, infer {Infer} µs, post {Post} µs, publish {Publish} µs; capture→publish p50 {P50} µs, p99 {P99} µs, max {Max} µs",
                id, s.Processed / Math.Max(seconds, 1e-9), seconds, s.Capture.Percentile(0.5), s.Convert.Percentile(0.5), s.Pre.Percentile(0.5),
                s.Infer.Percentile(0.5), s.Post.Percentile(0.5), s.Publish.Percentile(0.5),
                s.CaptureToPublish.Percentile(0.5), s.CaptureToPublish.Percentile(0.99), s.CaptureToPublish.Max);
            if (s.DetectionsNonFinite > 0)
                _log.LogWarning("Camera {Camera}: {Count} detections were dropped because the model gave a NaN or infinite score or box (status.detections_nonfinite)",
                    id, s.DetectionsNonFinite);
            if (camera.Results.Dropped > 0)
                _log.LogWarning("Camera {Camera}: {Count} results were not published because the publish thread fell behind", id, camera.Results.Dropped);
        }
        return exit;
    }

    public void Dispose()
    {
        foreach (var c in _cameras) c.Dispose();
        foreach (var w in _frameReady) w.Dispose();
        _resultReady.Dispose();
        _placeNow.Dispose();
        _publishLoop.Dispose();
    }
}
