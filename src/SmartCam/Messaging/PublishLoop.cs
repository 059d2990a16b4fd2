using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Core;
using SmartCam.HandOver;
using SmartCam.Inference;

namespace SmartCam.Messaging;

/// <summary>One camera as the publish thread sees it: its results, its messages, its statistics and its capture counters.</summary>
public sealed class PublishLane(SlotChannel<DetectionResult> results, MessageWriter messages, Func<CaptureCounters> capture, int zones)
{
    public SlotChannel<DetectionResult> Results { get; } = results;
    public MessageWriter Messages { get; } = messages;

    /// <summary>The capture stage's counters (a read-only snapshot, read once per status message).</summary>
    public Func<CaptureCounters> Capture { get; } = capture;

    /// <summary>Written only by the publish thread; read it after <see cref="PublishLoop.Finish"/>, or for status-like glances.</summary>
    public PipelineStats Stats { get; } = new();

    internal int[] ZoneCounts { get; } = new int[zones];
    internal long LastStatusProcessed, LastPublishEndNs;

    /// <summary>Event ids: the latest frame published (-1 before the first) and the index the next event after it takes.</summary>
    internal long EventSeq = -1;
    internal int NextEventIndex;

    /// <summary>The camera's state as the last camera event said it.</summary>
    internal string CameraState = "starting";
}

/// <summary>What <c>status.box</c> reports besides the cameras: the detector instances' load and the process's health.</summary>
/// <param name="Messages">The writer of <c>status.box</c>.</param>
/// <param name="Mqtt">The MQTT client's counters (null: no <c>mqtt:</c>).</param>
/// <param name="Reloads">Live reloads of the config (null: none can happen, as in a bench).</param>
/// <param name="Snapshots">The event pictures' counters (null: no <c>snapshots:</c>).</param>
public sealed record BoxSources(MessageWriter Messages, IReadOnlyList<Func<InferenceCounters>> Detectors, Func<ProcessHealth> Health, Func<int>? Resweep = null,
    Func<MqttCounters>? Mqtt = null, ConfigReloads? Reloads = null, Func<SnapshotCounters>? Snapshots = null);

/// <summary>How the publish thread is woken, paced and named.</summary>
/// <param name="ResultReady">The wake-up every lane's result channel signals.</param>
/// <param name="StatusIntervalMs">How often the <c>status.</c> messages go out.</param>
/// <param name="RunId">This run's id, in every status message.</param>
/// <param name="StartedNs">When the run started (CLOCK_MONOTONIC ns): the status messages' uptime counts from it.</param>
/// <param name="WarmupFrames">Latency statistics start after this many frames in all (benchmarks); 0 counts from the first.</param>
/// <param name="OnStart">Runs first on the thread (real-time placement).</param>
public sealed record PublishOptions(Wakeup ResultReady, int StatusIntervalMs, string RunId, long StartedNs, long WarmupFrames = 0, Action? OnStart = null);

/// <summary>
/// The publish thread (<c>sc-publish</c>): turns each camera's <see cref="DetectionResult"/>s into <c>det.</c> and
/// <c>evt.</c> messages, keeps each camera's latency statistics, and publishes every camera's <c>status.</c> and the
/// box's <c>status.box</c> once per interval. It owns the socket and the statistics, so neither needs a lock; the
/// inference threads only hand results over. It never waits on a subscriber: ZeroMQ drops at the high-water mark.
/// </summary>
public sealed class PublishLoop : IDisposable
{
    private readonly PublishLane[] _lanes;
    private readonly DetectionPublisher _publisher;
    private readonly OutputBank? _outputs;
    private readonly BoxSources _box;
    private readonly Wakeup _resultReady;
    private readonly MessageWriter _boxMessages;
    private readonly int _statusIntervalMs;
    private readonly string _runId;
    private readonly long _startedNs;
    private readonly long _warmupFrames;
    private readonly Action? _onStart;
    private readonly bool[] _outputHigh;
    private readonly InferenceCounters[] _lastDetector;
    private volatile RealtimeStatus? _realtime;
    private volatile bool _finishing;
    private Action? _request;
    private long _requestsDone;
    private readonly Wakeup _requestDone = new();
    private Thread? _thread;
    private int _next;
    private long _lastStatusNs, _processed, _allocatedBytes, _minorFaults, _majorFaults;

    /// <summary>Every topic this loop publishes on: each camera's <c>det.</c>, <c>evt.</c> and <c>status.</c>, and <c>status.box</c>.</summary>
    public byte[][] Topics { get; }

    public PublishLoop(IReadOnlyList<PublishLane> lanes, DetectionPublisher publisher, OutputBank? outputs, BoxSources box, PublishOptions options)
    {
        _lanes = lanes.ToArray();
        _publisher = publisher;
        _outputs = outputs;
        _box = box;
        _resultReady = options.ResultReady;
        _boxMessages = box.Messages;
        Topics = [.. _lanes.SelectMany(l => new[] { l.Messages.DetTopic, l.Messages.EvtTopic, l.Messages.StatusTopic }), _boxMessages.StatusTopic];
        _statusIntervalMs = options.StatusIntervalMs;
        _runId = options.RunId;
        _startedNs = options.StartedNs;
        _warmupFrames = options.WarmupFrames;
        _onStart = options.OnStart;
        _outputHigh = new bool[outputs?.Count ?? 0];
        for (var i = 0; i < _outputHigh.Length; i++) _outputHigh[i] = outputs![i].SafeHigh;
        foreach (var lane in _lanes) lane.Messages.SetRun(options.RunId);
        _lastDetector = new InferenceCounters[box.Detectors.Count];
    }

    /// <summary>Set once <c>warmupFrames</c> results went out (at once when there is no warm-up); latencies count from then.</summary>
    public ManualResetEventSlim WarmedUp { get; } = new();

    /// <summary>When the first detection message went out (CLOCK_MONOTONIC ns; 0 before): the end of start-up.</summary>
    public long FirstPublishedNs { get; private set; }

    /// <summary>When the warm-up ended and the last message went out (CLOCK_MONOTONIC ns): the measured window.</summary>
    public long WarmedUpAtNs { get; private set; }
    public long LastPublishedNs { get; private set; }

    /// <summary>Results published, all cameras together.</summary>
    public long Processed => Interlocked.Read(ref _processed);

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

    /// <summary>
    /// Ends the loop once every result went out, then publishes the last output events and the final status, and
    /// waits for that. The pipeline calls it after its last output write (the safe levels at the end of a run), so
    /// those events go out before the run's last status.
    /// </summary>
    public void Finish()
    {
        _finishing = true;
        _resultReady.Signal();
        _thread?.Join();
    }

    /// <summary>What real-time placement is in effect, for status messages; set once, after placement.</summary>
    public RealtimeStatus? Realtime
    {
        set => _realtime = value;
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the publish thread between two messages and waits for it: how a benchmark marks a
    /// window's edges (reads and resets the statistics this thread writes) without racing it. Once the thread has ended it
    /// runs on the caller. The action should not allocate (it runs on a loop thread).
    /// </summary>
    public void RunBetweenMessages(Action action)
    {
        var done = Interlocked.Read(ref _requestsDone);
        Volatile.Write(ref _request, action);
        _resultReady.Signal();
        while (Interlocked.Read(ref _requestsDone) == done)
        {
            _requestDone.Wait(100_000_000);
            if (Interlocked.Read(ref _requestsDone) != done || _thread is { IsAlive: true }) continue;
            // Ended (or never started): whoever takes the request runs it.
            if (Interlocked.Exchange(ref _request, null) is { } mine) mine();
            return;
        }
    }

    /// <summary>A benchmark's request, if one is waiting (a volatile read per message otherwise); an eventfd tells the caller, no lock.</summary>
    private void RunRequest()
    {
        if (Volatile.Read(ref _request) is null || Interlocked.Exchange(ref _request, null) is not { } request) return;
        request();
        Interlocked.Increment(ref _requestsDone);
        _requestDone.Signal();
    }

    public void Dispose()
    {
        WarmedUp.Dispose();
        _requestDone.Dispose();
    }

    private void Run()
    {
        _onStart?.Invoke();
        while (true)
        {
            RunRequest();
            if (TryTakeNext(out var lane, out var result))
            {
                Publish(lane, result);
                lane.Results.Release(result);
            }
            else if (_finishing && AllDrained())
            {
                break;
            }
            else
            {
                _resultReady.Wait(50_000_000);
            }
            // Also between frames: a pulse ends, or the watchdog trips, or the camera goes away, when no frame comes.
            PublishOutputEvents();
            PublishCameraEvents();
            PublishStatusIfDue(final: false);
        }
        PublishOutputEvents();
        PublishCameraEvents();
        PublishStatusIfDue(final: true);
        RunRequest();
    }

    /// <summary>Round-robin over the cameras, oldest result first within each.</summary>
    private bool TryTakeNext(out PublishLane lane, out DetectionResult result)
    {
        for (var k = 0; k < _lanes.Length; k++)
        {
            var i = (_next + k) % _lanes.Length;
            if (_lanes[i].Results.TryRead(out result))
            {
                _next = i + 1;
                lane = _lanes[i];
                return true;
            }
        }
        lane = null!;
        result = null!;
        return false;
    }

    private bool AllDrained()
    {
        foreach (var lane in _lanes)
            if (!lane.Results.IsDrained) return false;
        return true;
    }

    private void Publish(PublishLane lane, DetectionResult result)
    {
        var messages = lane.Messages;
        var publishNs = MonotonicClock.NowNs();
        var lateNs = Math.Max(0, publishNs - Math.Max(result.ReadyNs, lane.LastPublishEndNs));
        messages.WriteDetections(result, publishNs);
        _publisher.Send(messages.DetTopic, messages.Buffer.WrittenSpan);
        var sentNs = MonotonicClock.NowNs();
        if (lane.ZoneCounts.Length > 0) result.ZoneCounts.AsSpan().CopyTo(lane.ZoneCounts);
        lane.EventSeq = result.Seq;
        lane.NextEventIndex = result.EventCount;
        if (result.Scene is { } scene && scene != messages.Names)
        {
            // The first frame made under a reloaded scene: its events are named by it, and the change is announced first.
            messages.Switch(scene);
            if (scene.IsReload)
            {
                messages.WriteConfigEvent(scene, result.Seq, lane.NextEventIndex++, sentNs);
                _publisher.Send(messages.EvtTopic, messages.Buffer.WrittenSpan);
            }
        }
        for (var i = 0; i < result.EventCount; i++)
        {
            messages.WriteSceneEvent(result, result.Events[i], sentNs, i);
            _publisher.Send(messages.EvtTopic, messages.Buffer.WrittenSpan);
        }
        PublishOutputEvents();

        var stats = lane.Stats;
        var stages = result.Stages;
        if (stats.PeriodUs == 0) stats.PeriodUs = lane.Capture().PeriodNs / 1000;
        stats.RecordStages(stages.CaptureUs, stages.PreUs, stages.InferUs, stages.PostUs, (sentNs - publishNs) / 1000, (publishNs - result.CaptureNs) / 1000, stages.WaitUs, stages.ConvertUs);
        if (stages.CaptureLateUs >= 0) stats.CaptureLateness.Record(stages.CaptureLateUs);
        stats.InferLateness.Record(stages.InferLateUs);
        stats.PublishLateness.Record(lateNs / 1000);
        stats.Processed++;
        stats.DetectionsNonFinite += result.NonFinite;
        stats.TracksIgnored += result.TracksIgnored;
        stats.EventsDropped += result.EventsDropped;
        var processed = Interlocked.Increment(ref _processed);
        if (processed == 1) FirstPublishedNs = sentNs;
        LastPublishedNs = sentNs;
        if (processed == _warmupFrames)
        {
            foreach (var l in _lanes) l.Stats.ResetLatencies();
            WarmedUpAtNs = sentNs;
            WarmedUp.Set();
        }
        Interlocked.Exchange(ref _allocatedBytes, GC.GetAllocatedBytesForCurrentThread());
        var (minor, major) = Libc.PageFaults(Libc.RusageThread);
        Interlocked.Exchange(ref _minorFaults, minor);
        Interlocked.Exchange(ref _majorFaults, major);
        lane.LastPublishEndNs = MonotonicClock.NowNs();
    }

    /// <summary>Every output write since the last call, as <c>evt.</c> messages of the camera it concerns; rule activations also feed capture→output latency.</summary>
    private void PublishOutputEvents()
    {
        if (_outputs is null) return;
        while (_outputs.TryReadTransition(out var t))
        {
            _outputHigh[t.Output] = t.High;
            var lane = _lanes[(uint)t.Camera < (uint)_lanes.Length ? t.Camera : 0];
            if (t.RuleIndex >= 0 && t.Active && t.CauseCaptureNs > 0) lane.Stats.RecordOutput((t.ActuateNs - t.CauseCaptureNs) / 1000);
            lane.Messages.WriteOutputEvent(t, t.Cause.TrackId, t.Cause.ClassId, MonotonicClock.NowNs(), lane.EventSeq, lane.NextEventIndex++);
            _publisher.Send(lane.Messages.EvtTopic, lane.Messages.Buffer.WrittenSpan);
        }
    }

    /// <summary>A camera event for each camera whose capture state changed since the last one (running, reconnecting, ended, failed).</summary>
    private void PublishCameraEvents()
    {
        foreach (var lane in _lanes)
        {
            var capture = lane.Capture();
            var state = capture.Error is not null ? "failed" : capture.State;
            if (string.Equals(state, lane.CameraState, StringComparison.Ordinal) || state == "starting") continue;
            lane.Messages.WriteCameraEvent(state, lane.CameraState, capture.Error, MonotonicClock.NowNs(), lane.EventSeq, lane.NextEventIndex++);
            _publisher.Send(lane.Messages.EvtTopic, lane.Messages.Buffer.WrittenSpan);
            lane.CameraState = state;
        }
    }

    private void PublishStatusIfDue(bool final)
    {
        var now = MonotonicClock.NowNs();
        var interval = now - _lastStatusNs;
        if (!final && interval < _statusIntervalMs * 1_000_000L) return;
        _box.Resweep?.Invoke();
        var health = _box.Health();
        var uptime = (now - _startedNs) / 1e9;
        var busDropped = _publisher.DroppedAtHwm;
        foreach (var lane in _lanes)
        {
            var stats = lane.Stats;
            var capture = lane.Capture();
            stats.Frames = capture.Frames;
            stats.Dropped = capture.Dropped;
            stats.Burst = capture.Burst;
            stats.Stalls = capture.Stalls;
            stats.Corrupt = capture.Corrupt;
            stats.Reconnects = capture.Reconnects;
            stats.BusDropped = busDropped;
            var fps = interval > 0 ? (stats.Processed - lane.LastStatusProcessed) * 1e9 / interval : 0;
            // "ended" is the run's last status only (subscribers stop at it); a camera whose file ended while others run on
            // is "finished" once every result of it went out, and "running" until then.
            var state = capture.Error is not null ? "failed"
                : final ? "ended"
                : capture.State == "ended" ? (lane.Results.IsDrained ? "finished" : "running")
                : capture.State;
            lane.Messages.WriteStatus(stats, _runId, state, uptime, fps, _realtime, health, lane.ZoneCounts, _outputHigh, capture.Error, capture.Mode);
            _publisher.Send(lane.Messages.StatusTopic, lane.Messages.Buffer.WrittenSpan);
            lane.LastStatusProcessed = stats.Processed;
        }
        PublishBoxStatus(final, uptime, interval, health, busDropped);
        _publisher.PollSubscriptions(Topics);
        _lastStatusNs = now;
    }

    /// <summary><c>status.box</c>: how loaded each detector instance was over the interval, and the box-wide figures.</summary>
    private void PublishBoxStatus(bool final, double uptime, long interval, ProcessHealth health, long busDropped)
    {
        Span<(double Load, double Fps)> detectors = stackalloc (double, double)[Math.Min(_lastDetector.Length, 64)];
        for (var i = 0; i < detectors.Length; i++)
        {
            var now = _box.Detectors[i]();
            var last = _lastDetector[i];
            detectors[i] = interval > 0 ? ((double)(now.BusyNs - last.BusyNs) / interval, (now.Frames - last.Frames) * 1e9 / interval) : (0, 0);
            _lastDetector[i] = now;
        }
        var cameras = 0;
        foreach (var lane in _lanes)
            if (lane.Capture().Error is null) cameras++;
        _boxMessages.WriteBoxStatus(_runId, final ? "ended" : "running", uptime, detectors, _lanes.Length, cameras, Processed, busDropped, _realtime, health, _outputs?.Counters, _box.Mqtt?.Invoke(), _box.Reloads, _box.Snapshots?.Invoke());
        _publisher.Send(_boxMessages.StatusTopic, _boxMessages.Buffer.WrittenSpan);
    }
}
