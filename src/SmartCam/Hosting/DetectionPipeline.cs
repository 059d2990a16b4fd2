using Microsoft.Extensions.Logging;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Inference;
using SmartCam.Messaging;
using SmartCam.Realtime;
using SmartCam.Tracking;

namespace SmartCam.Hosting;

/// <summary>
/// One camera's pipeline on three threads: <c>sc-capture</c> reads and letterboxes frame N+1 while
/// this thread (<c>sc-infer</c>) runs the model on frame N and decodes it, and <c>sc-publish</c> writes
/// and sends the messages. Frames and results move through fixed sets of reusable slots.
/// </summary>
public sealed class DetectionPipeline : IDisposable
{
    private readonly SmartCamConfig _config;
    private readonly OnnxDetector _detector;
    private readonly DetectionPublisher _publisher;
    private readonly ILogger _log;
    private readonly LetterboxResizer _letterbox;
    private readonly DetectionPostprocessor _post;
    private readonly MessageWriter _messages;
    private readonly FrameExchange _exchange;
    private readonly CaptureLoop _capture;
    private readonly ResultQueue _results;
    private readonly PublishLoop _publishLoop;
    private readonly long _startedNs = MonotonicClock.NowNs();
    private readonly long _stopAfterFrames;
    private readonly ThreadPlacement _placement;
    private readonly SceneStage? _scene;
    private readonly RuleStage? _rules;
    private readonly OutputBank? _outputs;
    /// <summary>Takes a frame's tracking and rules when every result record is still queued, so tracks never skip a frame.</summary>
    private readonly DetectionResult _overflow;
    private long _inferAllocatedBytes, _inferMinorFaults, _inferMajorFaults, _lastInferEndNs;

    /// <param name="warmupFrames">Latency statistics start after this many frames (benchmarks); 0 counts from the first.</param>
    /// <param name="stopAfterFrames">End after this many frames were inferred (benchmarks); 0 runs until the source ends or a stop.</param>
    /// <param name="outputs">The opened outputs the rules drive (null: no outputs); the pipeline drives them safe when it ends, never disposes them.</param>
    public DetectionPipeline(SmartCamConfig config, OnnxDetector detector, DetectionPublisher publisher, IFrameSource source, ILogger log,
        long warmupFrames = 0, long stopAfterFrames = 0, OutputBank? outputs = null)
    {
        _outputs = outputs;
        if (config.Scene.Tracking)
        {
            _scene = new SceneStage(config.Scene);
            if (config.Scene.Rules.Count > 0) _rules = new RuleStage(config.Scene.Rules, detector.Labels, outputs, config.Camera.OnMediaClock);
        }
        var maxEvents = _scene?.MaxEvents ?? 0;
        _overflow = new DetectionResult(config.Detect.MaxDetections, maxEvents, config.Scene.Zones.Count);
        _config = config;
        _detector = detector;
        _publisher = publisher;
        _log = log;
        _stopAfterFrames = stopAfterFrames;
        _letterbox = new LetterboxResizer(detector.InputWidth, detector.InputHeight, config.Model.InputFor(detector.Family));
        _post = new DetectionPostprocessor(detector.Decoder, detector.Labels, config.Detect);
        _messages = new MessageWriter(config.Camera.Id, detector.Name, detector.Labels, config.Scene);
        _exchange = new FrameExchange(config.Camera.KeepsFreshestOnly, () => new Frame { Input = detector.CreateInput() });
        _placement = new ThreadPlacement(config.Realtime, log);
        _capture = new CaptureLoop(config.Camera, source, _exchange, log, Prepare, () => _placement.Enter(ThreadPlacement.Capture));
        _results = new ResultQueue(capacity: 16, config.Detect.MaxDetections, maxEvents, config.Scene.Zones.Count);
        RunId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 8));
        _publishLoop = new PublishLoop(_results, publisher, _messages, _capture, _exchange, config.Publish.StatusIntervalMs, RunId, _startedNs, warmupFrames,
            () => _placement.Enter(ThreadPlacement.Publish), _placement.Resweep, () => _placement.Resettled, () => LoopPageFaults,
            outputs, config.Scene.Zones.Count);
    }

    public string RunId { get; }

    /// <summary>Latencies and counters; complete once <see cref="Run"/> returned.</summary>
    public PipelineStats Stats => _publishLoop.Stats;

    public PublishLoop Publishing => _publishLoop;

    /// <summary>starting, running, reconnecting or ended.</summary>
    public string CaptureState => _capture.State;

    /// <summary>Bytes each loop thread had allocated after its latest frame.</summary>
    public (long Capture, long Infer, long Publish) AllocatedBytes =>
        (_capture.AllocatedBytes, Interlocked.Read(ref _inferAllocatedBytes), _publishLoop.AllocatedBytes);

    /// <summary>Page faults the three loop threads had taken after their latest frame (the real-time part of the process).</summary>
    public (long Minor, long Major) LoopPageFaults
    {
        get
        {
            var c = _capture.PageFaults;
            var p = _publishLoop.PageFaults;
            return (c.Minor + Interlocked.Read(ref _inferMinorFaults) + p.Minor, c.Major + Interlocked.Read(ref _inferMajorFaults) + p.Major);
        }
    }

    /// <summary>Process-wide allocated bytes and GC counts when inference ended, before any shutdown work.</summary>
    public (long AllocatedBytes, int Gen0, int Gen1, int Gen2, (long Minor, long Major) PageFaults) EndSnapshot { get; private set; }

    /// <summary>A slot's model input holding a real letterboxed frame: a fixed input for measuring the bare model.</summary>
    public DetectorInput SampleInput => _exchange.Slots[0].Input!;

    /// <summary>Runs until the source ends or <paramref name="stop"/> fires; returns the process exit code (0, or 1 when the camera failed).</summary>
    public int Run(CancellationToken stop)
    {
        var publish = _config.Publish;
        if (publish.WaitForSubscribers > 0)
        {
            _log.LogInformation("Waiting up to {Timeout} ms for {Count} subscriber(s) to {Topic}", publish.WaitTimeoutMs, publish.WaitForSubscribers, MessageNames.DetTopic(_config.Camera.Id));
            var subscribed = _publisher.WaitForSubscribers(_messages.DetTopic, publish.WaitForSubscribers, TimeSpan.FromMilliseconds(publish.WaitTimeoutMs), stop);
            if (stop.IsCancellationRequested) return 0;
            if (!subscribed) _log.LogWarning("No subscriber after {Timeout} ms; starting anyway", publish.WaitTimeoutMs);
        }

        // The other loop threads are created before this one raises itself: a thread starts on its
        // creator's CPUs, and a new SCHED_OTHER thread on an isolated CPU held by a SCHED_FIFO creator
        // never gets to run (seen on the image: with RT throttling off, Thread.Start never returned).
        _publishLoop.Start();
        _capture.Start();
        _placement.Enter(ThreadPlacement.Inference);
        long inferred = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var frame = _exchange.Take(100);
                if (frame is null)
                {
                    if (_exchange.IsDrained) break;
                    continue;
                }
                try
                {
                    Infer(frame, stop);
                }
                finally
                {
                    _exchange.Release(frame);
                }
                if (++inferred == _exchange.Slots.Count + 1) PlaceTheRest();
                if (inferred == _stopAfterFrames) break;
            }
        }
        finally
        {
            // Before any shutdown work, so a benchmark's window holds the steady state only.
            EndSnapshot = (GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
                Libc.PageFaults(Libc.RusageSelf));
            // First, whatever ended the loop (a stop, the end of a file, a fault): outputs must not stay on.
            _outputs?.SetAllSafe();
            _capture.Stop();
            _results.Complete();
            _publishLoop.Join();
        }
        return Finish(stop);
    }

    /// <summary>
    /// Once every frame slot has been written and inferred once: all three loop threads exist and have
    /// placed themselves, and the loop's buffers are resident, so locking memory locks them.
    /// </summary>
    private void PlaceTheRest()
    {
        if (!_config.Realtime.Enabled) return;
        _placement.PlaceTheRest();
        _publishLoop.Realtime = new RealtimeStatus(true, _placement.MemoryLocked,
            _placement.InEffect.Select(p => (p.Key, p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal).ToArray());
    }

    /// <summary>On the capture thread, right after the frame is read: the letterbox, overlapping the previous frame's inference.</summary>
    private void Prepare(Frame frame) => _letterbox.Run(frame.Image, frame.Input!);

    private void Infer(Frame frame, CancellationToken stop)
    {
        var t0 = MonotonicClock.NowNs();
        // Intended start: as soon as both the frame and this thread were free.
        var lateNs = Math.Max(0, t0 - Math.Max(frame.ReadyNs, _lastInferEndNs));
        var input = frame.Input!;
        _detector.Run(input);
        var t1 = MonotonicClock.NowNs();
        var rented = _results.Rent(wait: !_config.Camera.IsLive, stop);
        var result = rented ?? _overflow;
        result.Count = _post.Run(_detector.Output, input.Geometry, frame.Image.Cols, frame.Image.Rows, result.Detections);
        result.NonFinite = _post.NonFiniteDropped;
        if (_scene is not null)
        {
            // Files run the scene and the rules on their media clock, so a replay is the same at any speed;
            // live rules time holds and pulses on CLOCK_MONOTONIC, which sc-actuate ends them on (docs/actuation.md).
            result.EventCount = _scene.Run(result.Found, result.TrackIds, frame.Image.Cols, frame.Image.Rows, frame.SceneNs, result.Events);
            _scene.Monitor.ZoneCounts.CopyTo(result.ZoneCounts);
            var nowNs = MonotonicClock.NowNs();
            _rules?.Run(_scene.Tracks, _scene.Monitor, result.Events.AsSpan(0, result.EventCount),
                _config.Camera.OnMediaClock ? frame.SceneNs : nowNs, frame.CaptureNs, nowNs);
        }
        if (rented is not null)
        {
            var t2 = MonotonicClock.NowNs();
            result.Seq = frame.Seq;
            result.CaptureNs = frame.CaptureNs;
            result.CaptureUtc = frame.CaptureUtc;
            result.Width = frame.Image.Cols;
            result.Height = frame.Image.Rows;
            result.Stages = new StageTimes(frame.CaptureDurationNs / 1000, frame.PrepareDurationNs / 1000, (t1 - t0) / 1000, (t2 - t1) / 1000,
                frame.CaptureLateNs < 0 ? -1 : frame.CaptureLateNs / 1000, lateNs / 1000, frame.WaitDurationNs / 1000);
            result.ReadyNs = MonotonicClock.NowNs();
            _results.Enqueue(result);
        }
        _lastInferEndNs = MonotonicClock.NowNs();
        _exchange.ReportReaderBusy(_lastInferEndNs - t0);
        Interlocked.Exchange(ref _inferAllocatedBytes, GC.GetAllocatedBytesForCurrentThread());
        var (minor, major) = Libc.PageFaults(Libc.RusageThread);
        Interlocked.Exchange(ref _inferMinorFaults, minor);
        Interlocked.Exchange(ref _inferMajorFaults, major);
    }

    private int Finish(CancellationToken stop)
    {
        if (_capture.Fault is { } fault)
        {
            _log.LogCritical(fault, "Camera {Camera}: capture failed; outputs are at their safe levels", _config.Camera.Id);
            return 1;
        }
        if (_capture.Failure is { } failure)
        {
            _log.LogError("Camera {Camera}: {Error}", _config.Camera.Id, failure.Message);
            return 1;
        }
        var s = Stats;
        var seconds = (MonotonicClock.NowNs() - _startedNs) / 1e9;
        _log.LogInformation("Camera {Camera}: {State}: {Frames} frames captured, {Processed} processed, {Dropped} dropped, {Corrupt} unreadable",
            _config.Camera.Id, stop.IsCancellationRequested ? "stopped" : "source ended", s.Frames, s.Processed, s.Dropped, s.Corrupt);
        _log.LogInformation("Camera {Camera}: {Fps:0.0} fps over {Seconds:0.0} s; median capture {Capture} µs, pre {Pre} µs, infer {Infer} µs, post {Post} µs, publish {Publish} µs; capture→publish p50 {P50} µs, p99 {P99} µs, max {Max} µs",
            _config.Camera.Id, s.Processed / Math.Max(seconds, 1e-9), seconds, s.Capture.Percentile(0.5), s.Pre.Percentile(0.5),
            s.Infer.Percentile(0.5), s.Post.Percentile(0.5), s.Publish.Percentile(0.5),
            s.CaptureToPublish.Percentile(0.5), s.CaptureToPublish.Percentile(0.99), s.CaptureToPublish.Max);
        if (s.DetectionsNonFinite > 0)
            _log.LogWarning("Camera {Camera}: {Count} detections were dropped because the model gave a NaN or infinite score or box (status.detections_nonfinite)",
                _config.Camera.Id, s.DetectionsNonFinite);
        if (_results.Overflowed > 0)
            _log.LogWarning("Camera {Camera}: {Count} results were not published because the publish thread fell behind", _config.Camera.Id, _results.Overflowed);
        return 0;
    }

    public void Dispose()
    {
        _capture.Dispose();
        _exchange.Dispose();
        _letterbox.Dispose();
        _publishLoop.WarmedUp.Dispose();
    }
}
