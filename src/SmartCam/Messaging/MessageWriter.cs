using System.Globalization;
using System.Text;
using System.Text.Json;
using SmartCam.Actuation;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Tracking;

namespace SmartCam.Messaging;

/// <summary>Process-wide health for status messages: GCs and page faults since start (the loop threads' faults separately), threads moved back to housekeeping CPUs.</summary>
public readonly record struct ProcessHealth(int Gen0, int Gen1, int Gen2, (long Minor, long Major) PageFaults, (long Minor, long Major) LoopPageFaults, long ThreadsResettled,
    long LogDropped = 0);

/// <summary>Real-time placement in effect, fixed once the loop threads are placed (so writing it allocates nothing).</summary>
public sealed record RealtimeStatus(bool Enabled, bool MemoryLocked, (string Stage, string Outcome)[] Threads);

/// <summary>
/// Writes the bus's JSON messages (schema v1, docs/messages.md) with a reused <see cref="Utf8JsonWriter"/>
/// over a reused buffer, so a message costs no allocation once the buffer has grown to size.
/// </summary>
public sealed class MessageWriter
{
    private readonly ReusableBufferWriter _buffer = new(4096);
    private readonly Utf8JsonWriter _json;
    private readonly string _camera;
    private readonly string _model;
    private readonly JsonEncodedText[] _labels;
    private readonly bool _tracking;
    private readonly JsonEncodedText[] _outputs;
    private SceneNames _names;
    private readonly int[] _ownOutputs;

    /// <param name="outputs">Every camera's outputs (transitions name them by index among all); the status lists those this camera declares.</param>
    /// <param name="cameraIndex">This camera's index: the owner of the outputs it declares.</param>
    public MessageWriter(string camera, string model, string[] labels, Configuration.SceneConfig? scene = null,
        IReadOnlyList<OutputDefinition>? outputs = null, int cameraIndex = 0)
    {
        _camera = camera;
        _model = model;
        _labels = labels.Select(l => JsonEncodedText.Encode(l)).ToArray();
        _tracking = scene?.Tracking ?? false;
        _names = new SceneNames(scene);
        _outputs = (outputs ?? []).Select(o => JsonEncodedText.Encode(o.Name)).ToArray();
        _ownOutputs = Enumerable.Range(0, _outputs.Length).Where(i => outputs![i].Owner == cameraIndex).ToArray();
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        DetTopic = Encoding.UTF8.GetBytes(MessageNames.DetTopic(camera));
        StatusTopic = Encoding.UTF8.GetBytes(MessageNames.StatusTopic(camera));
        EvtTopic = Encoding.UTF8.GetBytes(MessageNames.EvtTopic(camera));
    }

    public byte[] DetTopic { get; }
    public byte[] StatusTopic { get; }
    public byte[] EvtTopic { get; }

    private static readonly JsonEncodedText[] EventTypes =
        [JsonEncodedText.Encode("enter"), JsonEncodedText.Encode("leave"), JsonEncodedText.Encode("cross"), JsonEncodedText.Encode("loiter")];

    /// <summary>Every evt. type, scene events first (in <see cref="SceneEventType"/>'s order), then rule, safe and camera: status's <c>events</c> keys.</summary>
    public static readonly string[] EventTypeNames = ["enter", "leave", "cross", "loiter", "rule", "safe", "camera", "config"];
    private static readonly JsonEncodedText[] AllEventTypes = EventTypeNames.Select(n => JsonEncodedText.Encode(n)).ToArray();
    private const int RuleEvents = 4, SafeEvents = 5, CameraEvents = 6, ConfigEvents = 7;

    /// <summary>"RUN/CAMERA/": the start of every event id this writer writes (<see cref="SetRun"/>).</summary>
    private byte[] _idPrefix = [];

    /// <summary>The scene version the writer names zones, lines and rules by.</summary>
    public SceneNames Names => _names;

    /// <summary>
    /// From this frame on, names by <paramref name="next"/> (a live reload's version, carried by the first result made under
    /// it); lines keep their crossing counts by name. On the publish thread; allocates nothing.
    /// </summary>
    public void Switch(SceneNames next)
    {
        // A line keeps its totals across a reload by name (moved or not): the counts are what its users read.
        for (var l = 0; l < next.Lines.Length; l++)
        {
            var from = IndexOf(_names.Lines, next.Lines[l]);
            next.Crossings[2 * l] = from >= 0 ? _names.Crossings[2 * from] : 0;
            next.Crossings[2 * l + 1] = from >= 0 ? _names.Crossings[2 * from + 1] : 0;
        }
        _names = next;
    }

    /// <summary>Where <paramref name="name"/> is in <paramref name="names"/>, or -1; compared as bytes (no comparer to make on first use).</summary>
    private static int IndexOf(JsonEncodedText[] names, JsonEncodedText name)
    {
        for (var i = 0; i < names.Length; i++)
            if (names[i].EncodedUtf8Bytes.SequenceEqual(name.EncodedUtf8Bytes)) return i;
        return -1;
    }

    /// <summary>An <c>evt.</c> message for a live reload applied to this camera, at the first frame made under it (docs/configuration.md#reload).</summary>
    public void WriteConfigEvent(SceneNames names, long seq, int index, long publishNs)
    {
        var j = Begin();
        j.WriteNumber(MessageNames.Version, 1);
        j.WriteString(MessageNames.Camera, _camera);
        WriteId(j, seq, index);
        j.WriteString(MessageNames.Type, "config"u8);
        _eventCounts[ConfigEvents]++;
        j.WriteNumber(MessageNames.Seq, seq);
        j.WriteString(MessageNames.Summary, names.Summary);
        j.WriteString(MessageNames.Hash, names.Hash);
        j.WriteNumber(MessageNames.TsCaptureNs, 0); // no frame caused it
        j.WriteNumber(MessageNames.TsPublishNs, publishNs);
        End(j);
    }

    /// <summary>The run whose events this writer ids: every event's <c>id</c> is RUN/CAMERA/SEQ/INDEX (docs/messages.md#event-ids).</summary>
    public void SetRun(string runId) => _idPrefix = Encoding.UTF8.GetBytes($"{runId}/{_camera}/");

    /// <summary>The event id RUN/CAMERA/SEQ/INDEX, formatted without allocating.</summary>
    private void WriteId(Utf8JsonWriter j, long seq, int index)
    {
        Span<byte> id = stackalloc byte[_idPrefix.Length + 42];
        _idPrefix.CopyTo(id);
        var n = _idPrefix.Length;
        System.Buffers.Text.Utf8Formatter.TryFormat(seq, id[n..], out var w);
        n += w;
        id[n++] = (byte)'/';
        System.Buffers.Text.Utf8Formatter.TryFormat(index, id[n..], out w);
        n += w;
        j.WriteString(MessageNames.EventId, id[..n]);
    }

    /// <summary>evt. messages written, by type (<see cref="EventTypeNames"/>); the publish thread's alone.</summary>
    private readonly long[] _eventCounts = new long[EventTypeNames.Length];
    private static readonly JsonEncodedText In = JsonEncodedText.Encode("in"), Out = JsonEncodedText.Encode("out");
    private static readonly JsonEncodedText High = JsonEncodedText.Encode("high"), Low = JsonEncodedText.Encode("low");
    private static readonly JsonEncodedText Safe = JsonEncodedText.Encode("safe"), Watchdog = JsonEncodedText.Encode("watchdog");

    /// <summary>An <c>evt.</c> message for a zone or line event of frame <paramref name="r"/>.</summary>
    /// <param name="index">The event's place among the frame's events: with the run, camera and seq, its id.</param>
    public void WriteSceneEvent(DetectionResult r, in SceneEvent e, long publishNs, int index = 0)
    {
        var j = Begin();
        j.WriteNumber(MessageNames.Version, 1);
        j.WriteString(MessageNames.Camera, _camera);
        WriteId(j, r.Seq, index);
        j.WriteString(MessageNames.Type, EventTypes[(int)e.Type]);
        _eventCounts[(int)e.Type]++;
        j.WriteNumber(MessageNames.Seq, r.Seq);
        j.WriteNumber(MessageNames.TrackId, e.TrackId);
        j.WriteNumber(MessageNames.Cls, e.ClassId);
        j.WriteString(MessageNames.Label, _labels[e.ClassId]);
        if (e.Zone >= 0)
        {
            j.WriteString(MessageNames.Zone, _names.Zones[e.Zone]);
            j.WriteNumber(MessageNames.Count, r.ZoneCounts[e.Zone]);
        }
        if (e.Line >= 0)
        {
            j.WriteString(MessageNames.Line, _names.Lines[e.Line]);
            j.WriteString(MessageNames.Direction, e.Direction == LineDirection.In ? In : Out);
            if (e.Type == SceneEventType.Cross) _names.Crossings[2 * e.Line + (e.Direction == LineDirection.In ? 0 : 1)]++;
        }
        j.WriteNumber(MessageNames.TsCaptureNs, r.CaptureNs);
        j.WriteNumber(MessageNames.TsPublishNs, publishNs);
        End(j);
    }

    /// <summary>
    /// An <c>evt.</c> message for an output write: <c>rule</c> when a rule caused it (with the frame's capture
    /// time and the write's time), <c>safe</c> for safe-level writes at start, stop, fault and watchdog.
    /// </summary>
    /// <param name="seq">The camera's latest frame published before it, and <paramref name="index"/> its place after that frame's events: its id.</param>
    public void WriteOutputEvent(in OutputTransition t, int trackId, int classId, long publishNs, long seq = -1, int index = 0)
    {
        var j = Begin();
        j.WriteNumber(MessageNames.Version, 1);
        j.WriteString(MessageNames.Camera, _camera);
        WriteId(j, seq, index);
        if (t.RuleIndex >= 0)
        {
            j.WriteString(MessageNames.Type, "rule"u8);
            _eventCounts[RuleEvents]++;
            // A transition of a rule a reload removed can still be on its way: its index may no longer name it.
            if (t.RuleIndex < _names.Rules.Length) j.WriteString(MessageNames.Rule, _names.Rules[t.RuleIndex]);
            else j.WriteString(MessageNames.Rule, "(removed by a reload)"u8);
            if (trackId > 0)
            {
                j.WriteNumber(MessageNames.TrackId, trackId);
                j.WriteString(MessageNames.Label, _labels[classId]);
            }
        }
        else
        {
            j.WriteString(MessageNames.Type, Safe);
            _eventCounts[SafeEvents]++;
            j.WriteString(MessageNames.Reason, t.RuleIndex == OutputTransition.Watchdog ? Watchdog : Safe);
        }
        j.WriteString(MessageNames.Output, _outputs[t.Output]);
        j.WriteString(MessageNames.Level, t.High ? High : Low);
        j.WriteBoolean(MessageNames.Active, t.Active);
        j.WriteNumber(MessageNames.TsCaptureNs, t.CauseCaptureNs);
        j.WriteNumber(MessageNames.TsActuateNs, t.ActuateNs);
        j.WriteNumber(MessageNames.TsPublishNs, publishNs);
        End(j);
    }

    /// <summary>An <c>evt.</c> message for a change of the camera's state (running, reconnecting, ended, failed), with its id as for output events.</summary>
    public void WriteCameraEvent(string state, string previous, string? error, long publishNs, long seq, int index)
    {
        var j = Begin();
        j.WriteNumber(MessageNames.Version, 1);
        j.WriteString(MessageNames.Camera, _camera);
        WriteId(j, seq, index);
        j.WriteString(MessageNames.Type, "camera"u8);
        _eventCounts[CameraEvents]++;
        j.WriteString(MessageNames.State, state);
        j.WriteString(MessageNames.Previous, previous);
        if (error is not null) j.WriteString(MessageNames.Error, error);
        j.WriteNumber(MessageNames.TsCaptureNs, 0); // no frame caused it
        j.WriteNumber(MessageNames.TsPublishNs, publishNs);
        End(j);
    }

    /// <summary>The appliance image and booted slot that status messages report; null (left out) off the image.</summary>
    public ApplianceImage? Image { get; init; } = ApplianceImage.Current;

    /// <summary>The last message written: valid until the next Write call.</summary>
    public ReusableBufferWriter Buffer => _buffer;

    public void WriteDetections(DetectionResult r, long publishNs)
    {
        var j = Begin();
        var stages = r.Stages;
        j.WriteNumber(MessageNames.Version, 1);
        j.WriteString(MessageNames.Camera, _camera);
        j.WriteNumber(MessageNames.Seq, r.Seq);
        j.WriteNumber(MessageNames.TsCaptureNs, r.CaptureNs);
        if (r.ReadNs > 0) j.WriteNumber(MessageNames.TsReadNs, r.ReadNs);
        j.WriteNumber(MessageNames.TsPublishNs, publishNs);
        WriteTime(j, MessageNames.Time, r.CaptureUtc);
        j.WriteNumber(MessageNames.Width, r.Width);
        j.WriteNumber(MessageNames.Height, r.Height);
        j.WriteString(MessageNames.Model, _model);
        j.WriteStartArray(MessageNames.Detections);
        var found = r.Found;
        for (var i = 0; i < found.Length; i++)
        {
            ref readonly var d = ref found[i];
            j.WriteStartObject();
            if (_tracking) j.WriteNumber(MessageNames.TrackId, r.TrackIds[i]);
            j.WriteNumber(MessageNames.Cls, d.ClassId);
            j.WriteString(MessageNames.Label, _labels[d.ClassId]);
            j.WriteNumber(MessageNames.Score, Math.Round(d.Score, 5));
            j.WriteStartArray(MessageNames.Box);
            j.WriteNumberValue(Math.Round(d.X1, 2));
            j.WriteNumberValue(Math.Round(d.Y1, 2));
            j.WriteNumberValue(Math.Round(d.X2, 2));
            j.WriteNumberValue(Math.Round(d.Y2, 2));
            j.WriteEndArray();
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteStartObject(MessageNames.StagesUs);
        j.WriteNumber(MessageNames.Wait, stages.WaitUs);
        j.WriteNumber(MessageNames.Capture, stages.CaptureUs);
        j.WriteNumber(MessageNames.Convert, stages.ConvertUs);
        j.WriteNumber(MessageNames.Pre, stages.PreUs);
        j.WriteNumber(MessageNames.Infer, stages.InferUs);
        j.WriteNumber(MessageNames.Post, stages.PostUs);
        j.WriteEndObject();
        End(j);
    }

    public void WriteStatus(PipelineStats stats, string runId, string state, double uptimeSeconds, double fps, RealtimeStatus? realtime = null, ProcessHealth health = default,
        int[]? zoneCounts = null, bool[]? outputHigh = null, string? error = null, string? cameraMode = null)
    {
        var j = BeginStatus(runId, state, uptimeSeconds);
        if (error is not null) j.WriteString(MessageNames.Error, error);
        if (cameraMode is not null) j.WriteString(MessageNames.CameraMode, cameraMode);
        j.WriteNumber(MessageNames.Fps, Math.Round(fps, 2));
        j.WriteNumber(MessageNames.Frames, stats.Frames);
        j.WriteNumber(MessageNames.Processed, stats.Processed);
        j.WriteNumber(MessageNames.Dropped, stats.Dropped);
        j.WriteNumber(MessageNames.Burst, stats.Burst);
        j.WriteNumber(MessageNames.Corrupt, stats.Corrupt);
        j.WriteNumber(MessageNames.DetectionsNonFinite, stats.DetectionsNonFinite);
        j.WriteNumber(MessageNames.TracksIgnored, stats.TracksIgnored);
        j.WriteNumber(MessageNames.EventsDropped, stats.EventsDropped);
        j.WriteNumber(MessageNames.Reconnects, stats.Reconnects);
        j.WriteNumber(MessageNames.Stalls, stats.Stalls);
        j.WriteStartObject(MessageNames.Bus);
        j.WriteNumber(MessageNames.HwmDropped, stats.BusDropped);
        j.WriteEndObject();
        j.WriteStartObject(MessageNames.LatencyUs);
        for (var i = 0; i < stats.Stages.Length; i++)
        {
            var (name, histogram) = stats.Stages[i];
            j.WriteStartObject(name);
            WritePercentiles(j, histogram);
            j.WriteNumber(MessageNames.Misses, stats.Misses[i]);
            WriteBuckets(j, histogram);
            j.WriteEndObject();
        }
        j.WriteEndObject();
        j.WriteStartObject(MessageNames.Deadline);
        j.WriteNumber(MessageNames.PeriodUs, stats.PeriodUs);
        j.WriteNumber(MessageNames.Misses, stats.DeadlineMisses);
        j.WriteEndObject();
        j.WriteStartObject(MessageNames.LatenessUs);
        foreach (var (name, histogram) in stats.Loops)
        {
            j.WriteStartObject(name);
            WritePercentiles(j, histogram);
            WriteBuckets(j, histogram);
            j.WriteEndObject();
        }
        j.WriteEndObject();
        j.WriteStartObject(MessageNames.Events);
        for (var i = 0; i < AllEventTypes.Length; i++) j.WriteNumber(AllEventTypes[i], _eventCounts[i]);
        j.WriteEndObject();
        WriteHealth(j, health);
        var zones = _names.Zones;
        if (zones.Length > 0 && zoneCounts is not null)
        {
            j.WriteStartObject(MessageNames.Zones);
            for (var i = 0; i < zones.Length; i++) j.WriteNumber(zones[i], zoneCounts[i]);
            j.WriteEndObject();
        }
        var lines = _names.Lines;
        var crossings = _names.Crossings;
        if (lines.Length > 0)
        {
            j.WriteStartObject(MessageNames.Lines);
            for (var i = 0; i < lines.Length; i++)
            {
                j.WriteStartObject(lines[i]);
                j.WriteNumber(MessageNames.In, crossings[2 * i]);
                j.WriteNumber(MessageNames.Out, crossings[2 * i + 1]);
                j.WriteNumber(MessageNames.Total, crossings[2 * i] + crossings[2 * i + 1]);
                j.WriteEndObject();
            }
            j.WriteEndObject();
        }
        if (_ownOutputs.Length > 0 && outputHigh is not null)
        {
            j.WriteStartObject(MessageNames.Outputs);
            foreach (var i in _ownOutputs) j.WriteString(_outputs[i], outputHigh[i] ? High : Low);
            j.WriteEndObject();
        }
        WriteRealtime(j, realtime, health);
        End(j);
    }

    /// <summary>
    /// <c>status.box</c>: the whole box once per interval: each detector instance's load (the share of the interval it
    /// spent on frames) and frame rate, how many cameras are configured and running, the output bank's failures (null:
    /// no outputs) and the process's health.
    /// </summary>
    public void WriteBoxStatus(string runId, string state, double uptimeSeconds, ReadOnlySpan<(double Load, double Fps)> detectors,
        int cameras, int camerasRunning, long processed, long busDropped, RealtimeStatus? realtime, ProcessHealth health, OutputCounters? outputs = null,
        MqttCounters? mqtt = null, ConfigReloads? reloads = null, SnapshotCounters? snapshots = null)
    {
        var j = BeginStatus(runId, state, uptimeSeconds);
        j.WriteString(MessageNames.Model, _model);
        j.WriteNumber(MessageNames.Cameras, cameras);
        j.WriteNumber(MessageNames.CamerasRunning, camerasRunning);
        j.WriteNumber(MessageNames.Processed, processed);
        j.WriteStartArray(MessageNames.Detectors);
        foreach (var (load, fps) in detectors)
        {
            j.WriteStartObject();
            j.WriteNumber(MessageNames.Load, Math.Round(load, 3));
            j.WriteNumber(MessageNames.Fps, Math.Round(fps, 2));
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteStartObject(MessageNames.Bus);
        j.WriteNumber(MessageNames.HwmDropped, busDropped);
        j.WriteEndObject();
        if (outputs is { } o)
        {
            j.WriteStartObject(MessageNames.Actuation);
            j.WriteNumber(MessageNames.WriteFailures, o.WriteFailures);
            j.WriteNumber(MessageNames.RequestsDropped, o.RequestsDropped);
            j.WriteNumber(MessageNames.TransitionsDropped, o.TransitionsDropped);
            j.WriteEndObject();
        }
        if (mqtt is { } m)
        {
            j.WriteStartObject(MessageNames.Mqtt);
            j.WriteBoolean(MessageNames.Connected, m.Connected);
            j.WriteNumber(MessageNames.Connects, m.Connects);
            j.WriteNumber(MessageNames.ConnectFailures, m.ConnectFailures);
            j.WriteNumber(MessageNames.OutboxEvents, m.OutboxEvents);
            j.WriteNumber(MessageNames.OutboxBytes, m.OutboxBytes);
            j.WriteNumber(MessageNames.OutboxDropped, m.OutboxDropped);
            j.WriteNumber(MessageNames.OutboxRecovered, m.OutboxRecovered);
            j.WriteNumber(MessageNames.EventsSent, m.EventsSent);
            j.WriteNumber(MessageNames.EventsAcked, m.EventsAcked);
            j.WriteNumber(MessageNames.Rejected, m.Rejected);
            j.WriteNumber(MessageNames.HandOverDropped, m.HandOverDropped);
            j.WriteNumber(MessageNames.Syncs, m.Syncs);
            j.WriteEndObject();
        }
        if (reloads is not null)
        {
            j.WriteStartObject(MessageNames.Config);
            j.WriteString(MessageNames.Hash, reloads.Hash);
            j.WriteNumber(MessageNames.Reloads, reloads.Applied);
            j.WriteNumber(MessageNames.ReloadsRefused, reloads.Refused);
            j.WriteEndObject();
        }
        if (snapshots is { } s)
        {
            j.WriteStartObject(MessageNames.Snapshots);
            j.WriteNumber(MessageNames.Written, s.Written);
            j.WriteNumber(MessageNames.Dropped, s.Dropped);
            j.WriteNumber(MessageNames.Failed, s.Failed);
            j.WriteNumber(MessageNames.Deleted, s.Deleted);
            j.WriteEndObject();
        }
        WriteHealth(j, health);
        WriteRealtime(j, realtime, health);
        End(j);
    }

    /// <summary>The fields every status message starts with, in status.&lt;camera&gt; and status.box alike.</summary>
    private Utf8JsonWriter BeginStatus(string runId, string state, double uptimeSeconds)
    {
        var j = Begin();
        j.WriteNumber(MessageNames.Version, 1);
        j.WriteString(MessageNames.Camera, _camera);
        j.WriteString(MessageNames.RunId, runId);
        WriteTime(j, MessageNames.Time, DateTime.UtcNow);
        j.WriteNumber(MessageNames.UptimeS, Math.Round(uptimeSeconds, 3));
        j.WriteString(MessageNames.State, state);
        if (Image is { } image)
        {
            j.WriteStartObject(MessageNames.Image);
            j.WriteString(MessageNames.ImageVersion, image.Version);
            if (image.Slot is not null) j.WriteString(MessageNames.Slot, image.Slot);
            j.WriteEndObject();
        }
        return j;
    }

    /// <summary>gc, page_faults and log_dropped: the process's health, the same in status.&lt;camera&gt; and status.box.</summary>
    private static void WriteHealth(Utf8JsonWriter j, ProcessHealth health)
    {
        j.WriteStartObject(MessageNames.Gc);
        j.WriteNumber(MessageNames.Gen0, health.Gen0);
        j.WriteNumber(MessageNames.Gen1, health.Gen1);
        j.WriteNumber(MessageNames.Gen2, health.Gen2);
        j.WriteEndObject();
        j.WriteStartObject(MessageNames.PageFaults);
        j.WriteNumber(MessageNames.Minor, health.PageFaults.Minor);
        j.WriteNumber(MessageNames.Major, health.PageFaults.Major);
        j.WriteNumber(MessageNames.LoopMinor, health.LoopPageFaults.Minor);
        j.WriteNumber(MessageNames.LoopMajor, health.LoopPageFaults.Major);
        j.WriteEndObject();
        j.WriteNumber(MessageNames.LogDropped, health.LogDropped);
    }

    private static void WriteRealtime(Utf8JsonWriter j, RealtimeStatus? realtime, ProcessHealth health)
    {
        if (realtime is not null)
        {
            j.WriteStartObject(MessageNames.Realtime);
            j.WriteBoolean(MessageNames.Enabled, realtime.Enabled);
            j.WriteBoolean(MessageNames.MemoryLocked, realtime.MemoryLocked);
            j.WriteNumber(MessageNames.ThreadsResettled, health.ThreadsResettled);
            j.WriteStartObject(MessageNames.Threads);
            foreach (var (stage, outcome) in realtime.Threads) j.WriteString(stage, outcome);
            j.WriteEndObject();
            j.WriteEndObject();
        }
    }

    /// <summary>count, sum_us and the cumulative buckets: what a Prometheus histogram needs, exactly as recorded.</summary>
    private static void WriteBuckets(Utf8JsonWriter j, LatencyHistogram histogram)
    {
        j.WriteNumber(MessageNames.Count, histogram.Count);
        j.WriteNumber(MessageNames.SumUs, histogram.SumUs);
        j.WriteStartArray(MessageNames.Buckets);
        for (var b = 0; b < LatencyHistogram.ExportBoundsUs.Length; b++) j.WriteNumberValue(histogram.CountAtMost(b));
        j.WriteEndArray();
    }

    private static void WritePercentiles(Utf8JsonWriter j, LatencyHistogram histogram)
    {
        j.WriteNumber(MessageNames.P50, histogram.Percentile(0.50));
        j.WriteNumber(MessageNames.P99, histogram.Percentile(0.99));
        j.WriteNumber(MessageNames.P999, histogram.Percentile(0.999));
        j.WriteNumber(MessageNames.Max, histogram.Max);
    }

    private Utf8JsonWriter Begin()
    {
        _buffer.Reset();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        return _json;
    }

    private static void End(Utf8JsonWriter j)
    {
        j.WriteEndObject();
        j.Flush();
    }

    private static void WriteTime(Utf8JsonWriter j, string name, DateTime utc)
    {
        Span<char> text = stackalloc char[32];
        utc.TryFormat(text, out var n, "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);
        j.WriteString(name, text[..n]);
    }
}
