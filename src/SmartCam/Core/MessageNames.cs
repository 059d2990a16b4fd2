namespace SmartCam.Core;

/// <summary>
/// The bus's topic and JSON field names (schema v1, docs/messages.md and docs/schema/), written once for the
/// writer, <c>smartcam watch</c> and the example subscriber. The example compiles this file in rather than
/// referencing SmartCam, so it must stay free of anything else in SmartCam.
/// </summary>
public static class MessageNames
{
    // Topics are a prefix and the camera id; subscribers filter on the prefix.
    public const string DetPrefix = "det.";
    public const string EvtPrefix = "evt.";
    public const string StatusPrefix = "status.";

    /// <summary>Status of the whole box rather than of one camera (not published yet).</summary>
    public const string BoxStatusTopic = "status.box";

    public static string DetTopic(string camera) => DetPrefix + camera;
    public static string EvtTopic(string camera) => EvtPrefix + camera;
    public static string StatusTopic(string camera) => StatusPrefix + camera;

    // In every message.
    public const string Version = "v";
    public const string Camera = "camera";
    public const string Time = "time";
    public const string TsCaptureNs = "ts_capture_ns";
    public const string TsPublishNs = "ts_publish_ns";
    public const string TsReadNs = "ts_read_ns";
    public const string CameraMode = "camera_mode";

    // det. messages.
    public const string Seq = "seq";
    public const string Width = "width";
    public const string Height = "height";
    public const string Model = "model";
    public const string Detections = "detections";
    public const string TrackId = "track_id";
    public const string Cls = "cls";
    public const string Label = "label";
    public const string Score = "score";
    public const string Box = "box";
    public const string StagesUs = "stages_us";

    // Stage names: in det.'s stages_us and, with the end-to-end ones, in status.'s latency_us and lateness_us.
    public const string Wait = "wait";
    public const string Capture = "capture";
    public const string Pre = "pre";
    public const string Convert = "convert";
    public const string Infer = "infer";
    public const string Post = "post";
    public const string Publish = "publish";
    public const string CaptureToPublish = "capture_to_publish";
    public const string CaptureToOutput = "capture_to_output";

    // evt. messages.
    /// <summary>RUN/CAMERA/SEQ/INDEX: unique per event, the same in every copy of it (bus, MQTT, outbox), for dropping duplicates.</summary>
    public const string EventId = "id";
    public const string Type = "type";
    /// <summary>camera events: the state before this one.</summary>
    public const string Previous = "previous";
    /// <summary>config events: what a live reload changed, in a few words (e.g. "zones: middle moved; rules: 1 added").</summary>
    public const string Summary = "summary";
    /// <summary>config events: the first 16 hex digits of the SHA-256 of the config file as applied.</summary>
    public const string Hash = "hash";
    public const string Zone = "zone";
    public const string Count = "count";
    public const string Line = "line";
    public const string Direction = "direction";
    public const string Rule = "rule";
    public const string Reason = "reason";
    public const string Output = "output";
    public const string Level = "level";
    public const string Active = "active";
    public const string TsActuateNs = "ts_actuate_ns";

    // status. messages.
    public const string RunId = "run_id";
    public const string Image = "image";
    public const string ImageVersion = "version";
    public const string Slot = "slot";
    public const string UptimeS = "uptime_s";
    public const string State = "state";
    public const string Fps = "fps";
    public const string Frames = "frames";
    public const string Processed = "processed";
    public const string Dropped = "dropped";
    public const string Burst = "burst";
    public const string Corrupt = "corrupt";
    public const string DetectionsNonFinite = "detections_nonfinite";
    public const string TracksIgnored = "tracks_ignored";
    public const string EventsDropped = "events_dropped";
    public const string Reconnects = "reconnects";
    public const string Stalls = "stalls";
    public const string Bus = "bus";
    public const string HwmDropped = "hwm_dropped";
    public const string LatencyUs = "latency_us";
    public const string Misses = "misses";
    public const string Deadline = "deadline";
    public const string PeriodUs = "period_us";
    public const string LatenessUs = "lateness_us";
    public const string P50 = "p50";
    public const string P99 = "p99";
    public const string P999 = "p999";
    public const string Max = "max";
    public const string SumUs = "sum_us";
    /// <summary>Cumulative sample counts at <c>LatencyHistogram.ExportBoundsUs</c>, in that order (Prometheus's <c>le</c> buckets).</summary>
    public const string Buckets = "buckets";
    /// <summary>status.&lt;camera&gt;: evt. messages sent so far, by type.</summary>
    public const string Events = "events";
    public const string Gc = "gc";
    public const string Gen0 = "gen0";
    public const string Gen1 = "gen1";
    public const string Gen2 = "gen2";
    public const string PageFaults = "page_faults";
    public const string Minor = "minor";
    public const string Major = "major";
    public const string LoopMinor = "loop_minor";
    public const string LoopMajor = "loop_major";
    /// <summary>Log records lost since start (the log ring full, or a native library over its rate): docs/realtime.md#logging.</summary>
    public const string LogDropped = "log_dropped";
    public const string Zones = "zones";
    /// <summary>status.&lt;camera&gt;: crossings so far per line, <c>in</c>, <c>out</c> and <c>total</c>.</summary>
    public const string Lines = "lines";
    public const string In = "in";
    public const string Out = "out";
    public const string Total = "total";
    public const string Outputs = "outputs";
    public const string Error = "error";

    // status.box
    public const string Cameras = "cameras";
    public const string CamerasRunning = "cameras_running";
    public const string Detectors = "detectors";
    public const string Load = "load";
    public const string Realtime = "realtime";
    public const string Enabled = "enabled";
    public const string MemoryLocked = "memory_locked";
    public const string ThreadsResettled = "threads_resettled";
    public const string Threads = "threads";
    /// <summary>status.box, with outputs configured: the output bank's failures (<see cref="SmartCam.Actuation.OutputCounters"/>).</summary>
    public const string Actuation = "actuation";
    public const string WriteFailures = "write_failures";
    public const string RequestsDropped = "requests_dropped";
    public const string TransitionsDropped = "transitions_dropped";
    /// <summary>status.box, with <c>snapshots:</c> configured: the event pictures' counters (docs/actuation.md#snapshots).</summary>
    public const string Snapshots = "snapshots";
    public const string Written = "written";
    public const string Failed = "failed";
    public const string Deleted = "deleted";
    /// <summary>status.box, with <c>mqtt:</c> configured: the MQTT client's counters (docs/mqtt.md#counters).</summary>
    public const string Mqtt = "mqtt";
    /// <summary>status.box: the config as running (hash) and its live reloads (docs/configuration.md#reload).</summary>
    public const string Config = "config";
    public const string Reloads = "reloads";
    public const string ReloadsRefused = "refused";
    public const string Connected = "connected";
    public const string Connects = "connects";
    public const string ConnectFailures = "connect_failures";
    public const string OutboxEvents = "outbox_events";
    public const string OutboxBytes = "outbox_bytes";
    public const string OutboxDropped = "outbox_dropped";
    public const string OutboxRecovered = "outbox_recovered";
    public const string EventsSent = "events_sent";
    public const string EventsAcked = "events_acked";
    public const string Rejected = "rejected";
    public const string HandOverDropped = "handover_dropped";
    public const string Syncs = "syncs";
}
