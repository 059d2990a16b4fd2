using System.Globalization;
using System.Text;
using System.Text.Json;
using SmartCam.Core;
using SmartCam.Messaging;

namespace SmartCam.Viewing;

/// <summary>
/// <c>/metrics</c> in Prometheus's text exposition format 0.0.4, written from the latest <c>status.</c> messages (so a
/// scrape and the bus always agree: the same counters, the same histogram counts), plus the process's resident memory
/// read at scrape time. Names follow Prometheus's conventions: base units (seconds, bytes), <c>_total</c> on counters,
/// every sample labelled by <c>camera</c> (<c>camera="box"</c> for the box-wide ones, as on <c>status.box</c>).
/// Hand-written because it is small: prometheus-net has no Native AOT annotations.
/// </summary>
public static class MetricsExposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";
    public const string Prefix = "smartcam_";

    /// <summary>The stages exported as <c>smartcam_stage_duration_seconds{stage=…}</c>; the end-to-end ones have their own histograms.</summary>
    private static readonly string[] Stages = [MessageNames.Wait, MessageNames.Capture, MessageNames.Convert, MessageNames.Pre, MessageNames.Infer, MessageNames.Post, MessageNames.Publish];

    private static readonly string[] Loops = [MessageNames.Capture, MessageNames.Infer, MessageNames.Publish];

    public static byte[] Render(LiveHub hub) => Render(hub.Statuses, hub.BoxStatus, Program.Version, ResidentBytes(), hub.ViewerCounts, hub.BusCopiesDropped, hub.BusCopiesTooLarge);

    /// <summary>The exposition of the given status messages (null: not yet published) and the HTTP server's own counters.</summary>
    public static byte[] Render(IReadOnlyList<(string Id, byte[]? Status)> cameras, byte[]? box, string version, long residentBytes,
        IReadOnlyList<(string Id, int Viewers, long Dropped)>? viewers = null, long busCopiesDropped = 0, long busCopiesTooLarge = 0)
    {
        var m = new Families();
        m.Add("build_info", "gauge", "SmartCam's version; always 1.", $"camera=\"{BoxStatus.Id}\",version=\"{Escape(version)}\"", 1);
        var docs = new List<(string Camera, JsonElement Status, JsonDocument Doc)>();
        try
        {
            foreach (var (id, bytes) in cameras)
                if (bytes is not null)
                {
                    var doc = JsonDocument.Parse(bytes);
                    docs.Add((id, doc.RootElement, doc));
                }
            foreach (var (id, s, _) in docs) Camera(m, Label(id), s);
            if (box is not null)
            {
                using var doc = JsonDocument.Parse(box);
                Box(m, doc.RootElement);
            }
        }
        finally
        {
            foreach (var d in docs) d.Doc.Dispose();
        }
        if (residentBytes > 0) m.Add("resident_memory_bytes", "gauge", "The process's resident set size.", $"camera=\"{BoxStatus.Id}\"", residentBytes);
        foreach (var (id, count, _) in viewers ?? [])
            m.Add("http_viewers", "gauge", "Live pages and MJPEG clients connected now.", Label(id), count);
        foreach (var (id, _, dropped) in viewers ?? [])
            m.Add("http_viewer_items_dropped_total", "counter", "Pictures and messages dropped from viewers' queues because a viewer did not read them in time.", Label(id), dropped);
        if (viewers is not null)
        {
            m.Add("http_bus_copies_dropped_total", "counter", "Bus messages the HTTP server did not read in time (its copy drops the oldest).", $"camera=\"{BoxStatus.Id}\"", busCopiesDropped);
            m.Add("http_bus_copies_too_large_total", "counter", $"Bus messages too large for the HTTP server's copy (over {TappedMessage.Capacity / 1024} KiB), never seen by it.", $"camera=\"{BoxStatus.Id}\"", busCopiesTooLarge);
        }
        return m.ToBytes();
    }

    private static void Camera(Families m, string camera, JsonElement s)
    {
        const string Frames = "Frames ";
        // The status message's own uptime: which status a scrape shows (status.<camera> and status.box of one interval share it).
        m.Add("uptime_seconds", "gauge", "Seconds since the process started, as of the status message the figures come from.", camera, s.GetProperty(MessageNames.UptimeS).GetDouble());
        m.Add("frames_captured_total", "counter", Frames + "read from the source.", camera, Long(s, MessageNames.Frames));
        m.Add("frames_processed_total", "counter", Frames + "whose detections were published.", camera, Long(s, MessageNames.Processed));
        m.Add("frames_dropped_total", "counter", Frames + "captured but not inferred: detector_busy (a newer frame replaced it), source_burst (the source delivered a backlog).",
            camera + ",reason=\"detector_busy\"", Long(s, MessageNames.Dropped));
        m.Add("frames_dropped_total", "counter", "", camera + ",reason=\"source_burst\"", Long(s, MessageNames.Burst));
        m.Add("frames_corrupt_total", "counter", Frames + "that could not be decoded and were skipped.", camera, Long(s, MessageNames.Corrupt));
        m.Add("detections_nonfinite_total", "counter", "Candidate detections dropped because the model gave NaN or infinity.", camera, Long(s, MessageNames.DetectionsNonFinite));
        m.Add("tracks_ignored_total", "counter", "Track-frames zones and lines ignored: tracking.max_tracks were already followed.", camera, Long(s, MessageNames.TracksIgnored));
        m.Add("events_dropped_total", "counter", "Zone and line events that did not fit a frame's result (0 unless a bug).", camera, Long(s, MessageNames.EventsDropped));
        m.Add("reconnects_total", "counter", "Times a live source was reopened.", camera, Long(s, MessageNames.Reconnects));
        m.Add("stalls_total", "counter", "Times a live source was reopened because it sent nothing for camera.stall_ms.", camera, Long(s, MessageNames.Stalls));
        var state = s.TryGetProperty(MessageNames.State, out var st) ? st.GetString() ?? "" : "";
        m.Add("camera_running", "gauge", "1 while the camera's state is running, else 0.", camera, state == "running" ? 1 : 0);
        if (s.TryGetProperty(MessageNames.Deadline, out var deadline))
        {
            m.Add("frame_period_seconds", "gauge", "The camera's frame period: each frame's deadline.", camera, Seconds(Long(deadline, MessageNames.PeriodUs)));
        }
        if (s.TryGetProperty(MessageNames.LatencyUs, out var latency))
        {
            foreach (var stage in Stages)
                if (latency.TryGetProperty(stage, out var h))
                    m.Histogram("stage_duration_seconds", "Time each frame spent in a stage (wait: for a live camera to deliver it).", $"{camera},stage=\"{stage}\"", h);
            if (latency.TryGetProperty(MessageNames.CaptureToPublish, out var c2p))
                m.Histogram("capture_to_publish_seconds", "From a frame's capture to its det. message on the bus.", camera, c2p);
            if (latency.TryGetProperty(MessageNames.CaptureToOutput, out var c2o))
                m.Histogram("capture_to_output_seconds", "From the capture of the frame that fired a rule to the output write.", camera, c2o);
            foreach (var stage in Stages.Append(MessageNames.CaptureToPublish))
                if (latency.TryGetProperty(stage, out var h))
                    m.Add("deadline_misses_total", "counter", "Samples of a stage longer than one frame period.", $"{camera},stage=\"{stage}\"", Long(h, MessageNames.Misses));
        }
        if (s.TryGetProperty(MessageNames.LatenessUs, out var lateness))
            foreach (var loop in Loops)
                if (lateness.TryGetProperty(loop, out var h))
                    m.Histogram("loop_lateness_seconds", "How late each loop thread started an iteration against its intended start.", $"{camera},loop=\"{loop}\"", h);
        if (s.TryGetProperty(MessageNames.Events, out var events))
            foreach (var e in events.EnumerateObject())
                m.Add("events_total", "counter", "evt. messages sent, by type.", $"{camera},type=\"{Escape(e.Name)}\"", e.Value.GetInt64());
        if (s.TryGetProperty(MessageNames.Lines, out var lines))
            foreach (var l in lines.EnumerateObject())
                foreach (var direction in new[] { MessageNames.In, MessageNames.Out })
                    m.Add("line_crossings_total", "counter", "Crossings of a line since start, by direction.", $"{camera},line=\"{Escape(l.Name)}\",direction=\"{direction}\"",
                        Long(l.Value, direction));
        if (s.TryGetProperty(MessageNames.Zones, out var zones))
            foreach (var z in zones.EnumerateObject())
                m.Add("zone_objects", "gauge", "Tracked objects inside a zone now.", $"{camera},zone=\"{Escape(z.Name)}\"", z.Value.GetInt64());
        if (s.TryGetProperty(MessageNames.Outputs, out var outputs))
            foreach (var o in outputs.EnumerateObject())
                m.Add("output_level", "gauge", "An output's level: 1 high, 0 low.", $"{camera},output=\"{Escape(o.Name)}\"", o.Value.GetString() == "high" ? 1 : 0);
    }

    private static void Box(Families m, JsonElement s)
    {
        var box = $"camera=\"{BoxStatus.Id}\"";
        m.Add("uptime_seconds", "gauge", "", box, s.GetProperty(MessageNames.UptimeS).GetDouble());
        m.Add("frames_processed_all_total", "counter", "Frames published by every camera together.", box, Long(s, MessageNames.Processed));
        if (s.TryGetProperty(MessageNames.Bus, out var bus))
            m.Add("bus_messages_dropped_total", "counter", "Messages not queued for a subscriber at publish.send_hwm (one per subscriber per message).", box + ",reason=\"hwm\"",
                Math.Max(0, Long(bus, MessageNames.HwmDropped)));
        if (s.TryGetProperty(MessageNames.Actuation, out var actuation))
        {
            m.Add("output_write_failures_total", "counter", "Output writes the GPIO driver refused (each one logged, naming the output).", box, Long(actuation, MessageNames.WriteFailures));
            m.Add("output_requests_dropped_total", "counter", "Output requests dropped because the actuation thread fell a full queue behind a camera.", box,
                Long(actuation, MessageNames.RequestsDropped));
            m.Add("output_transitions_dropped_total", "counter", "Output writes whose evt. message was lost because the publish thread fell a full queue behind.", box,
                Long(actuation, MessageNames.TransitionsDropped));
        }
        if (s.TryGetProperty(MessageNames.Config, out var config))
        {
            m.Add("config_info", "gauge", "The config file as running: the first 16 hex digits of its SHA-256; always 1.",
                $"{box},hash=\"{Escape(config.GetProperty(MessageNames.Hash).GetString() ?? "")}\"", 1);
            m.Add("config_reloads_total", "counter", "Live reloads of the config (SIGHUP or the scene API), by result.", box + ",result=\"applied\"", Long(config, MessageNames.Reloads));
            m.Add("config_reloads_total", "counter", "Live reloads of the config (SIGHUP or the scene API), by result.", box + ",result=\"refused\"", Long(config, MessageNames.ReloadsRefused));
        }
        if (s.TryGetProperty(MessageNames.Mqtt, out var mqtt))
        {
            m.Add("mqtt_connected", "gauge", "1 while connected to the MQTT broker.", box, mqtt.GetProperty(MessageNames.Connected).GetBoolean() ? 1 : 0);
            m.Add("mqtt_connects_total", "counter", "Connections made to the MQTT broker.", box, Long(mqtt, MessageNames.Connects));
            m.Add("mqtt_connect_failures_total", "counter", "Connection attempts to the MQTT broker that failed.", box, Long(mqtt, MessageNames.ConnectFailures));
            m.Add("mqtt_outbox_events", "gauge", "Events in the MQTT outbox waiting for the broker's acknowledgement.", box, Long(mqtt, MessageNames.OutboxEvents));
            m.Add("mqtt_outbox_bytes", "gauge", "Size of the MQTT outbox's files.", box, Long(mqtt, MessageNames.OutboxBytes));
            m.Add("mqtt_outbox_dropped_total", "counter", "Events dropped unacknowledged because the MQTT outbox was full (the oldest first).", box, Long(mqtt, MessageNames.OutboxDropped));
            m.Add("mqtt_events_sent_total", "counter", "Event sends to the MQTT broker (again after a reconnect).", box, Long(mqtt, MessageNames.EventsSent));
            m.Add("mqtt_events_acked_total", "counter", "Events the MQTT broker acknowledged.", box, Long(mqtt, MessageNames.EventsAcked));
            m.Add("mqtt_events_rejected_total", "counter", "Events the MQTT broker refused with an error code (dropped, logged).", box, Long(mqtt, MessageNames.Rejected));
            m.Add("mqtt_handover_dropped_total", "counter", "Bus messages the MQTT thread was a whole hand-over queue behind to take.", box, Long(mqtt, MessageNames.HandOverDropped));
        }
        if (s.TryGetProperty(MessageNames.Snapshots, out var snapshots))
        {
            m.Add("snapshots_written_total", "counter", "Event snapshots written (a JPEG and its event's JSON).", box, Long(snapshots, MessageNames.Written));
            m.Add("snapshots_dropped_total", "counter", "Event snapshots not made because every snapshot buffer was taken.", box, Long(snapshots, MessageNames.Dropped));
            m.Add("snapshots_failed_total", "counter", "Event snapshots the disk refused (each one logged).", box, Long(snapshots, MessageNames.Failed));
            m.Add("snapshots_deleted_total", "counter", "Event snapshots deleted by retention (snapshots.max_mb, snapshots.max_days).", box, Long(snapshots, MessageNames.Deleted));
        }
        if (s.TryGetProperty(MessageNames.Detectors, out var detectors))
        {
            var i = 0;
            foreach (var d in detectors.EnumerateArray())
            {
                m.Add("detector_load_ratio", "gauge", "Share of the last status interval a detector instance spent on frames.", $"{box},detector=\"{i}\"", d.GetProperty(MessageNames.Load).GetDouble());
                i++;
            }
        }
        if (s.TryGetProperty(MessageNames.Gc, out var gc))
            foreach (var (name, generation) in new[] { (MessageNames.Gen0, "0"), (MessageNames.Gen1, "1"), (MessageNames.Gen2, "2") })
                m.Add("gc_collections_total", "counter", ".NET garbage collections, by generation (0 in steady state).", $"{box},generation=\"{generation}\"", Long(gc, name));
        if (s.TryGetProperty(MessageNames.PageFaults, out var faults))
        {
            m.Add("page_faults_total", "counter", "Page faults of the whole process.", box + ",kind=\"minor\"", Long(faults, MessageNames.Minor));
            m.Add("page_faults_total", "counter", "", box + ",kind=\"major\"", Long(faults, MessageNames.Major));
            m.Add("loop_page_faults_total", "counter", "Page faults of the loop threads (capture, inference, publish).", box + ",kind=\"minor\"", Long(faults, MessageNames.LoopMinor));
            m.Add("loop_page_faults_total", "counter", "", box + ",kind=\"major\"", Long(faults, MessageNames.LoopMajor));
        }
        if (s.TryGetProperty(MessageNames.LogDropped, out _))
            m.Add("log_dropped_total", "counter", "Log records lost (the log ring full, or a native library over its rate).", box, Long(s, MessageNames.LogDropped));
    }

    private static long Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;

    private static double Seconds(long us) => us / 1e6;

    private static string Label(string camera) => $"camera=\"{Escape(camera)}\"";

    /// <summary>A label value: backslash, double quote and newline escaped, as the format requires.</summary>
    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The resident set from /proc/self/statm (pages × page size); 0 where there is none.</summary>
    private static long ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Metric families in first-seen order, each with its HELP and TYPE once and its samples together (the format requires both).</summary>
    private sealed class Families
    {
        private readonly List<(string Name, string Type, string Help, StringBuilder Samples)> _families = [];

        private StringBuilder Family(string name, string type, string help)
        {
            foreach (var f in _families)
                if (f.Name == name) return f.Samples;
            var samples = new StringBuilder();
            _families.Add((name, type, help, samples));
            return samples;
        }

        public void Add(string name, string type, string help, string labels, double value) =>
            Family(name, type, help).Append(Prefix).Append(name).Append('{').Append(labels).Append("} ").Append(Number(value)).Append('\n');

        /// <summary>A histogram from a status latency object: its cumulative buckets at <see cref="LatencyHistogram.ExportBoundsUs"/>, count and sum.</summary>
        public void Histogram(string name, string help, string labels, JsonElement h)
        {
            if (!h.TryGetProperty(MessageNames.Buckets, out var buckets)) return;
            var samples = Family(name, "histogram", help);
            var i = 0;
            foreach (var b in buckets.EnumerateArray())
            {
                if (i >= LatencyHistogram.ExportBoundsUs.Length) break;
                samples.Append(Prefix).Append(name).Append("_bucket{").Append(labels).Append(",le=\"").Append(Number(Seconds(LatencyHistogram.ExportBoundsUs[i])))
                    .Append("\"} ").Append(b.GetInt64().ToString(CultureInfo.InvariantCulture)).Append('\n');
                i++;
            }
            var count = Long(h, MessageNames.Count);
            samples.Append(Prefix).Append(name).Append("_bucket{").Append(labels).Append(",le=\"+Inf\"} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            samples.Append(Prefix).Append(name).Append("_sum{").Append(labels).Append("} ").Append(Number(Seconds(Long(h, MessageNames.SumUs)))).Append('\n');
            samples.Append(Prefix).Append(name).Append("_count{").Append(labels).Append("} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        public byte[] ToBytes()
        {
            var text = new StringBuilder();
            foreach (var (name, type, help, samples) in _families)
            {
                text.Append("# HELP ").Append(Prefix).Append(name).Append(' ').Append(help).Append('\n');
                text.Append("# TYPE ").Append(Prefix).Append(name).Append(' ').Append(type).Append('\n');
                text.Append(samples);
            }
            return Encoding.UTF8.GetBytes(text.ToString());
        }
    }
}
