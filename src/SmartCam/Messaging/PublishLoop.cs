using SmartCam.Actuation;
using SmartCam.Capture;

namespace SmartCam.Messaging;

/// <summary>
/// The publish thread (<c>sc-publish</c>): turns each <see cref="DetectionResult"/> into a <c>det.</c>
/// message, keeps the latency statistics, and publishes <c>status.</c> once per interval. It owns the
/// socket and the statistics, so neither needs a lock; the inference thread only hands results over.
/// </summary>
public sealed class PublishLoop
{
    private readonly ResultQueue _results;
    private readonly DetectionPublisher _publisher;
    private readonly MessageWriter _messages;
    private readonly CaptureLoop _capture;
    private readonly FrameExchange _frames;
    private readonly int _statusIntervalMs;
    private readonly string _runId;
    private readonly long _startedNs;
    private readonly long _warmupFrames;
    private readonly Action? _onStart;
    private volatile RealtimeStatus? _realtime;
    private Thread? _thread;
    private long _lastStatusNs, _lastStatusProcessed, _allocatedBytes, _minorFaults, _majorFaults, _lastPublishEndNs;
    private readonly Func<int>? _resweep;
    private readonly Func<long>? _resettled;
    private readonly Func<(long Minor, long Major)>? _loopPageFaults;
    private readonly OutputBank? _outputs;
    private readonly bool[] _outputHigh;
    private readonly int[] _zoneCounts;

    public PublishLoop(ResultQueue results, DetectionPublisher publisher, MessageWriter messages, CaptureLoop capture, FrameExchange frames,
        int statusIntervalMs, string runId, long startedNs, long warmupFrames, Action? onStart = null,
        Func<int>? resweep = null, Func<long>? resettled = null, Func<(long Minor, long Major)>? loopPageFaults = null,
        OutputBank? outputs = null, int zones = 0)
    {
        _outputs = outputs;
        _outputHigh = new bool[outputs?.Count ?? 0];
        for (var i = 0; i < _outputHigh.Length; i++) _outputHigh[i] = outputs![i].SafeHigh;
        _zoneCounts = new int[zones];
        _resettled = resettled;
        _resweep = resweep;
        _loopPageFaults = loopPageFaults;
        _onStart = onStart;
        _results = results;
        _publisher = publisher;
        _messages = messages;
        _capture = capture;
        _frames = frames;
        _statusIntervalMs = statusIntervalMs;
        _runId = runId;
        _startedNs = startedNs;
        _warmupFrames = warmupFrames;
    }

    /// <summary>Written only by the publish thread; read it after <see cref="Join"/>, or for status-like glances.</summary>
    public PipelineStats Stats { get; } = new();

    /// <summary>Set once <c>warmupFrames</c> messages went out (at once when there is no warm-up); latencies count from then.</summary>
    public ManualResetEventSlim WarmedUp { get; } = new();

    /// <summary>Wall-clock time the first detection message went out.</summary>
    public DateTime? FirstPublishedUtc { get; private set; }

    /// <summary>When the warm-up ended and the last message went out (CLOCK_MONOTONIC ns): the measured window.</summary>
    public long WarmedUpAtNs { get; private set; }
    public long LastPublishedNs { get; private set; }

    /// <summary>Bytes this thread had allocated after its latest message (for allocation checks).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <summary>Page faults this thread had taken after its latest message.</summary>
    public (long Minor, long Major) PageFaults => (Interlocked.Read(ref _minorFaults), Interlocked.Read(ref _majorFaults));

    public void Start()
    {
        _lastStatusNs = MonotonicClock.NowNs();
        if (_warmupFrames == 0)
        {
            WarmedUpAtNs = _lastStatusNs;
            WarmedUp.Set();
        }
        _thread = new Thread(Run) { Name = "sc-publish", IsBackground = true };
        _thread.Start();
    }

    /// <summary>Waits until every queued result and the final status went out (call after <see cref="ResultQueue.Complete"/>).</summary>
    public void Join() => _thread?.Join();

    /// <summary>What real-time placement is in effect, for status messages; set once, after placement.</summary>
    public RealtimeStatus? Realtime
    {
        set => _realtime = value;
    }

    private void Run()
    {
        _onStart?.Invoke();
        while (true)
        {
            var result = _results.Take(50);
            if (result is not null)
            {
                Publish(result);
                _results.Return(result);
            }
            else if (_results.IsDrained)
            {
                break;
            }
            // Also between frames: a pulse ends, or the watchdog trips, when no frame comes.
            PublishOutputEvents();
            PublishStatusIfDue(final: false);
        }
        PublishOutputEvents();
        PublishStatusIfDue(final: true);
    }

    private void Publish(DetectionResult result)
    {
        var publishNs = MonotonicClock.NowNs();
        var lateNs = Math.Max(0, publishNs - Math.Max(result.ReadyNs, _lastPublishEndNs));
        _messages.WriteDetections(result, publishNs);
        _publisher.Send(_messages.DetTopic, _messages.Buffer.WrittenSpan);
        var sentNs = MonotonicClock.NowNs();
        if (_zoneCounts.Length > 0) result.ZoneCounts.AsSpan().CopyTo(_zoneCounts);
        for (var i = 0; i < result.EventCount; i++)
        {
            _messages.WriteSceneEvent(result, result.Events[i], sentNs);
            _publisher.Send(_messages.EvtTopic, _messages.Buffer.WrittenSpan);
        }
        PublishOutputEvents();

        var stats = Stats;
        var stages = result.Stages;
        if (stats.PeriodUs == 0) stats.PeriodUs = _capture.PeriodNs / 1000;
        stats.RecordStages(stages.CaptureUs, stages.PreUs, stages.InferUs, stages.PostUs, (sentNs - publishNs) / 1000, (publishNs - result.CaptureNs) / 1000, stages.WaitUs);
        if (stages.CaptureLateUs >= 0) stats.CaptureLateness.Record(stages.CaptureLateUs);
        stats.InferLateness.Record(stages.InferLateUs);
        stats.PublishLateness.Record(lateNs / 1000);
        stats.Processed++;
        stats.DetectionsNonFinite += result.NonFinite;
        if (stats.Processed == 1) FirstPublishedUtc = DateTime.UtcNow;
        LastPublishedNs = sentNs;
        if (stats.Processed == _warmupFrames)
        {
            stats.ResetLatencies();
            WarmedUpAtNs = sentNs;
            WarmedUp.Set();
        }
        Interlocked.Exchange(ref _allocatedBytes, GC.GetAllocatedBytesForCurrentThread());
        var (minor, major) = SmartCam.Realtime.Libc.PageFaults(SmartCam.Realtime.Libc.RusageThread);
        Interlocked.Exchange(ref _minorFaults, minor);
        Interlocked.Exchange(ref _majorFaults, major);
        _lastPublishEndNs = MonotonicClock.NowNs();
    }

    /// <summary>Every output write since the last call, as <c>evt.</c> messages; rule activations also feed capture→output latency.</summary>
    private void PublishOutputEvents()
    {
        if (_outputs is null) return;
        while (_outputs.TryReadTransition(out var t))
        {
            _outputHigh[t.Output] = t.High;
            if (t.RuleIndex >= 0 && t.Active && t.CauseCaptureNs > 0) Stats.RecordOutput((t.ActuateNs - t.CauseCaptureNs) / 1000);
            _messages.WriteOutputEvent(t, t.Cause.TrackId, t.Cause.ClassId, MonotonicClock.NowNs());
            _publisher.Send(_messages.EvtTopic, _messages.Buffer.WrittenSpan);
        }
    }

    private void PublishStatusIfDue(bool final)
    {
        var now = MonotonicClock.NowNs();
        var interval = now - _lastStatusNs;
        if (!final && interval < _statusIntervalMs * 1_000_000L) return;
        var stats = Stats;
        stats.Frames = _capture.Frames;
        stats.Dropped = _frames.Dropped;
        stats.Burst = _frames.Burst;
        stats.Stalls = _capture.Stalls;
        stats.Corrupt = _capture.Corrupt;
        stats.Reconnects = _capture.Reconnects;
        stats.BusDropped = _publisher.DroppedAtHwm;
        var fps = interval > 0 ? (stats.Processed - _lastStatusProcessed) * 1e9 / interval : 0;
        _resweep?.Invoke();
        var health = new ProcessHealth(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2),
            SmartCam.Realtime.Libc.PageFaults(SmartCam.Realtime.Libc.RusageSelf), _loopPageFaults?.Invoke() ?? default, _resettled?.Invoke() ?? 0);
        _messages.WriteStatus(stats, _runId, final ? "ended" : _capture.State, (now - _startedNs) / 1e9, fps, _realtime, health, _zoneCounts, _outputHigh);
        _publisher.Send(_messages.StatusTopic, _messages.Buffer.WrittenSpan);
        _publisher.PollSubscriptions(_messages.DetTopic);
        _lastStatusNs = now;
        _lastStatusProcessed = stats.Processed;
    }
}
