using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Inference;
using SmartCam.Messaging;

namespace SmartCam.Hosting;

/// <summary>
/// One camera's loop, on its own thread (<c>sc-infer</c>): take the freshest frame from capture,
/// letterbox, infer, decode, publish its detections, and publish status once per interval.
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
    private readonly Detection[] _detections;
    private readonly FrameExchange _exchange;
    private readonly CaptureLoop _capture;
    private readonly PipelineStats _stats = new();
    private readonly string _runId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 8));
    private readonly long _startedNs = MonotonicClock.NowNs();
    private long _lastStatusNs, _lastStatusProcessed;

    public DetectionPipeline(SmartCamConfig config, OnnxDetector detector, DetectionPublisher publisher, IFrameSource source, ILogger log)
    {
        _config = config;
        _detector = detector;
        _publisher = publisher;
        _log = log;
        _letterbox = new LetterboxResizer(detector.InputWidth, detector.InputHeight, config.Model.InputFor(detector.Family));
        _post = new DetectionPostprocessor(detector.Decoder, detector.Labels, config.Detect);
        _messages = new MessageWriter(config.Camera.Id, detector.Name, detector.Labels);
        _detections = new Detection[config.Detect.MaxDetections];
        _exchange = new FrameExchange(config.Camera.KeepsFreshestOnly);
        _capture = new CaptureLoop(config.Camera, source, _exchange, log);
    }

    public PipelineStats Stats => _stats;

    public string RunId => _runId;

    /// <summary>Runs until the source ends or <paramref name="stop"/> fires; returns the process exit code (0, or 1 when the camera failed).</summary>
    public int Run(CancellationToken stop)
    {
        var publish = _config.Publish;
        if (publish.WaitForSubscribers > 0)
        {
            _log.LogInformation("Waiting up to {Timeout} ms for {Count} subscriber(s) to {Topic}", publish.WaitTimeoutMs, publish.WaitForSubscribers, "det." + _config.Camera.Id);
            var subscribed = _publisher.WaitForSubscribers(_messages.DetTopic, publish.WaitForSubscribers, TimeSpan.FromMilliseconds(publish.WaitTimeoutMs), stop);
            if (stop.IsCancellationRequested) return 0;
            if (!subscribed) _log.LogWarning("No subscriber after {Timeout} ms; starting anyway", publish.WaitTimeoutMs);
        }

        _capture.Start();
        _lastStatusNs = MonotonicClock.NowNs();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var frame = _exchange.Take(100);
                if (frame is null)
                {
                    if (_exchange.IsDrained) break;
                    PublishStatusIfDue(false);
                    continue;
                }
                try
                {
                    Process(frame);
                }
                finally
                {
                    _exchange.Release(frame);
                }
                PublishStatusIfDue(false);
            }
        }
        finally
        {
            _capture.Stop();
            PublishStatusIfDue(true);
        }

        if (_capture.Failure is { } failure)
        {
            _log.LogError("Camera {Camera}: {Error}", _config.Camera.Id, failure.Message);
            return 1;
        }
        var seconds = (MonotonicClock.NowNs() - _startedNs) / 1e9;
        _log.LogInformation("Camera {Camera}: {State}: {Frames} frames captured, {Processed} processed, {Dropped} dropped, {Corrupt} unreadable",
            _config.Camera.Id, stop.IsCancellationRequested ? "stopped" : "source ended", _stats.Frames, _stats.Processed, _stats.Dropped, _stats.Corrupt);
        _log.LogInformation("Camera {Camera}: {Fps:0.0} fps over {Seconds:0.0} s; median capture {Capture} µs, pre {Pre} µs, infer {Infer} µs, post {Post} µs, publish {Publish} µs; capture→publish p50 {P50} µs, p99 {P99} µs, max {Max} µs",
            _config.Camera.Id, _stats.Processed / Math.Max(seconds, 1e-9), seconds, _stats.Capture.Percentile(0.5), _stats.Pre.Percentile(0.5),
            _stats.Infer.Percentile(0.5), _stats.Post.Percentile(0.5), _stats.Publish.Percentile(0.5),
            _stats.CaptureToPublish.Percentile(0.5), _stats.CaptureToPublish.Percentile(0.99), _stats.CaptureToPublish.Max);
        return 0;
    }

    private void Process(Frame frame)
    {
        var image = frame.Image;
        var t0 = MonotonicClock.NowNs();
        _letterbox.Run(image, _detector.Input);
        var t1 = MonotonicClock.NowNs();
        _detector.Run();
        var t2 = MonotonicClock.NowNs();
        var count = _post.Run(_detector.Output, _letterbox.Geometry, image.Cols, image.Rows, _detections);
        var t3 = MonotonicClock.NowNs();

        var stages = new StageTimes(frame.CaptureDurationNs / 1000, (t1 - t0) / 1000, (t2 - t1) / 1000, (t3 - t2) / 1000);
        var publishNs = MonotonicClock.NowNs();
        _messages.WriteDetections(frame, image.Cols, image.Rows, _detections.AsSpan(0, count), stages, publishNs);
        _publisher.Send(_messages.DetTopic, _messages.Buffer);
        var t4 = MonotonicClock.NowNs();

        _stats.Capture.Record(stages.CaptureUs);
        _stats.Pre.Record(stages.PreUs);
        _stats.Infer.Record(stages.InferUs);
        _stats.Post.Record(stages.PostUs);
        _stats.Publish.Record((t4 - t3) / 1000);
        _stats.CaptureToPublish.Record((publishNs - frame.CaptureNs) / 1000);
        _stats.Processed++;
    }

    private void PublishStatusIfDue(bool final)
    {
        var now = MonotonicClock.NowNs();
        var interval = now - _lastStatusNs;
        if (!final && interval < _config.Publish.StatusIntervalMs * 1_000_000L) return;
        _stats.Frames = _capture.Frames;
        _stats.Dropped = _exchange.Dropped;
        _stats.Corrupt = _capture.Corrupt;
        _stats.Reconnects = _capture.Reconnects;
        var fps = interval > 0 ? (_stats.Processed - _lastStatusProcessed) * 1e9 / interval : 0;
        var state = final ? "ended" : _capture.State;
        _messages.WriteStatus(_stats, _runId, state, (now - _startedNs) / 1e9, fps);
        _publisher.Send(_messages.StatusTopic, _messages.Buffer);
        _publisher.PollSubscriptions(_messages.DetTopic);
        _lastStatusNs = now;
        _lastStatusProcessed = _stats.Processed;
    }

    public void Dispose()
    {
        _capture.Dispose();
        _exchange.Dispose();
        _letterbox.Dispose();
    }
}
