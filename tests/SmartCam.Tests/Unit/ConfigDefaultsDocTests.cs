using System.Globalization;
using System.Text.RegularExpressions;
using SmartCam.Configuration;
using SmartCam.Realtime;
using SmartCam.Tracking;

namespace SmartCam.Tests.Unit;

/// <summary>
/// docs/configuration.md's key tables against the config records, which hold every default the loader uses:
/// a default changed in one and not the other fails here.
/// </summary>
public class ConfigDefaultsDocTests
{
    private static readonly CameraConfig Camera = new();
    private static readonly ModelConfig Model = new();
    private static readonly DetectConfig Detect = new();
    private static readonly PublishConfig Publish = new();
    private static readonly RealtimeConfig Realtime = new();
    private static readonly SceneConfig Scene = new();
    private static readonly TrackerOptions Tracker = new();
    private static readonly HttpConfig Http = new();

    /// <summary>Each documented key, as the docs name it (section.key), and its default in the records.</summary>
    private static readonly Dictionary<string, object> Defaults = new()
    {
        ["camera.id"] = Camera.Id,
        ["camera.loop"] = Camera.Loop,
        ["camera.pace"] = Camera.Pace,
        ["camera.width"] = Camera.Width,
        ["camera.height"] = Camera.Height,
        ["camera.fps"] = Camera.Fps,
        ["camera.pixel_format"] = Camera.PixelFormat,
        ["camera.rtsp_transport"] = Camera.RtspTransport,
        ["camera.reconnect.initial_ms"] = Camera.ReconnectInitialMs,
        ["camera.reconnect.max_ms"] = Camera.ReconnectMaxMs,
        ["camera.stall_ms"] = Camera.StallMs,
        ["camera.max_consecutive_errors"] = Camera.MaxConsecutiveErrors,
        ["model.family"] = Model.Family,
        ["model.input_size"] = $"[{Model.InputWidth}, {Model.InputHeight}]",
        // The same for every family (the doc gives one value).
        ["model.input.resize"] = SameForEveryFamily(i => i.Resize),
        ["model.input.pad"] = SameForEveryFamily(i => i.Pad),
        ["model.threads"] = Model.IntraOpThreads,
        ["model.instances"] = Model.Instances,
        ["model.provider"] = Model.Provider,
        ["model.optimization"] = Model.Optimization,
        ["detect.score"] = Detect.Score,
        ["detect.nms_iou"] = Detect.NmsIou,
        ["detect.max_detections"] = Detect.MaxDetections,
        ["detect.min_area"] = Detect.MinArea,
        ["detect.max_area"] = Detect.MaxArea,
        ["publish.endpoint"] = Publish.Endpoint,
        ["publish.send_hwm"] = Publish.SendHighWatermark,
        ["publish.send_buffer_bytes"] = Publish.SendBufferBytes,
        ["publish.status_interval_ms"] = Publish.StatusIntervalMs,
        ["publish.wait_for_subscribers"] = Publish.WaitForSubscribers,
        ["publish.wait_timeout_ms"] = Publish.WaitTimeoutMs,
        ["publish.linger_ms"] = Publish.LingerMs,
        ["publish.insecure"] = Publish.Insecure,
        ["http.listen"] = Http.Listen,
        ["http.live_fps"] = Http.LiveFps,
        ["http.jpeg_quality"] = Http.JpegQuality,
        ["realtime.threads.<…>.policy"] = ThreadPlan.Unchanged.Policy,
        ["realtime.lock_memory"] = Realtime.LockMemory,
        ["tracking.enabled"] = Scene.Tracking,
        ["tracking.anchor"] = Scene.Anchor,
        ["tracking.high_score"] = Tracker.HighScore,
        ["tracking.low_score"] = Tracker.LowScore,
        ["tracking.new_track_score"] = Tracker.NewTrackScore,
        ["tracking.match_iou"] = Tracker.MatchIou,
        ["tracking.low_match_iou"] = Tracker.LowMatchIou,
        ["tracking.min_hits"] = Tracker.MinHits,
        ["tracking.max_lost_ms"] = (int)(Tracker.MaxLostSeconds * 1000),
        ["tracking.max_tracks"] = Tracker.MaxTracks,
        ["actuation.watchdog_ms"] = SmartCamConfig.DefaultWatchdogMs,
    };

    /// <summary>
    /// Documented defaults that no record holds: each belongs to an entry of a list (a zone, line, output, rule)
    /// or depends on another key, so the loader writes it where it reads the key.
    /// </summary>
    private static readonly HashSet<string> LoaderOnly =
    [
        "realtime.threads.<…>.priority", "zones.loiter_s", "lines.margin", "outputs.chip", "outputs.active",
        "rules.when.direction", "rules.when.min_score", "rules.when.min_frames", "rules.then.hold_ms", "rules.then.pulse_ms", "rules.then.cooldown_ms",
    ];

    [Fact]
    public void Every_documented_default_is_the_records_default()
    {
        var documented = DocumentedDefaults();
        var wrong = new List<string>();
        foreach (var (key, text) in documented)
        {
            if (LoaderOnly.Contains(key)) continue;
            if (!Defaults.TryGetValue(key, out var expected))
                wrong.Add($"{key}: documented default `{text}` is not checked; add it to {nameof(Defaults)} (or {nameof(LoaderOnly)})");
            else if (!Matches(text, expected))
                wrong.Add($"{key}: documented `{text}`, the records say {Yaml(expected)}");
        }
        foreach (var key in Defaults.Keys.Concat(LoaderOnly).Where(k => !documented.ContainsKey(k)))
            wrong.Add($"{key}: not in docs/configuration.md's tables with a `default`");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong)); // every disagreement in full, not truncated
    }

    [Fact]
    public void The_doc_tables_are_read()
    {
        var documented = DocumentedDefaults();
        Assert.Equal("64", documented["publish.send_hwm"]);
        Assert.Equal("bottom_center", documented["tracking.anchor"]);
        Assert.Equal("0", documented["camera.height"]); // `width`, `height` share a row
        Assert.DoesNotContain("camera.source", documented.Keys); // "required" is no default
    }

    [Theory]
    [InlineData("64", 64, true)]
    [InlineData("65", 64, false)]
    [InlineData("0.3", 0.3f, true)]
    [InlineData("0.31", 0.3f, false)]
    [InlineData("false", false, true)]
    [InlineData("true", false, false)]
    [InlineData("tcp", "tcp", true)]
    [InlineData("bottom_center", AnchorPoint.BottomCenter, true)]
    [InlineData("center", AnchorPoint.BottomCenter, false)]
    public void A_documented_value_is_compared_as_YAML_reads_it(string text, object expected, bool matches) =>
        Assert.Equal(matches, Matches(text, expected));

    /// <summary>
    /// section.key → the default's text, for each row of a "| key | default | meaning |" table whose default is
    /// a literal (`…` at the start of the cell; "required", "none", "family default" and such are not).
    /// </summary>
    private static Dictionary<string, string> DocumentedDefaults()
    {
        var defaults = new Dictionary<string, string>();
        string? section = null;
        var inTable = false;
        foreach (var line in File.ReadLines(Repo.Path("docs", "configuration.md")))
        {
            if (line.StartsWith('#'))
            {
                // A table belongs to the last heading that names one section: ## `publish`, ### `tracking`.
                var heading = Regex.Match(line, @"^#{2,3} `(\w+)`$");
                section = heading.Success ? heading.Groups[1].Value : null;
                inTable = false;
                continue;
            }
            if (!line.StartsWith('|')) { inTable = false; continue; }
            var cells = Regex.Split(line.Trim().Trim('|'), @"(?<!\\)\|").Select(c => c.Trim()).ToArray();
            if (cells is ["key", "default", "meaning"]) { inTable = section is not null; continue; }
            if (!inTable || cells.Length < 3 || cells[0].StartsWith("---")) continue;
            var value = Regex.Match(cells[1], "^`([^`]*)`");
            if (!value.Success) continue;
            foreach (Match key in Regex.Matches(cells[0], "`([^`]+)`"))
                defaults[section + "." + key.Groups[1].Value.Replace(@"\|", "|")] = value.Groups[1].Value;
        }
        return defaults;
    }

    private static bool Matches(string text, object expected) => expected switch
    {
        bool b => text == (b ? "true" : "false"),
        int i => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v == i,
        byte i => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v == i,
        float f => float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v == f,
        double d => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v == d,
        Enum e => text == Yaml(e),
        _ => text == expected.ToString(),
    };

    /// <summary>A value as the YAML file writes it: enums in snake_case (BottomCenter → bottom_center).</summary>
    private static string Yaml(object value) => value switch
    {
        bool b => b ? "true" : "false",
        Enum e => Regex.Replace(e.ToString(), "(?<=[a-z0-9])([A-Z])", "_$1").ToLowerInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static object SameForEveryFamily(Func<InputConfig, object> pick)
    {
        var values = Enum.GetValues<ModelFamily>().Select(f => pick(InputConfig.DefaultFor(f))).Distinct().ToArray();
        return values.Length == 1 ? values[0] : throw new InvalidOperationException("the families' defaults differ: " + string.Join(", ", values));
    }
}
