using System.Text.RegularExpressions;
using SmartCam.Actuation;
using SmartCam.Commands;
using SmartCam.Configuration;
using SmartCam.Tracking;

namespace SmartCam.Tests.Unit;

/// <summary>ConfigLoader on the tracking, zones, lines, outputs, actuation and rules sections. Line numbers in the comments count from 1.</summary>
public class SceneConfigTests
{
    private static readonly string ModelLine = "  path: " + Repo.Model;

    /// <summary>The brief's example, from line 5 on (after the minimal camera and model).</summary>
    private static readonly string[] Example =
    [
        "tracking:",                                                                          // 5
        "  enabled: true",
        "  anchor: center",
        "  high_score: 0.45",
        "  low_score: 0.05",
        "  new_track_score: 0.7",                                                             // 10
        "  match_iou: 0.25",
        "  low_match_iou: 0.6",
        "  min_hits: 3",
        "  max_lost_ms: 1500",
        "  max_tracks: 64",                                                                   // 15
        "zones:",
        "  door: { polygon: [[0.10, 0.50], [0.40, 0.50], [0.40, 1.00], [0.10, 1.00]], loiter_s: 10 }",
        "  yard: { polygon: [[0, 0], [1, 0], [1, 0.4]] }",
        "lines:",
        "  gate: { points: [[0.50, 0.00], [0.50, 1.00]] }",                                   // 20
        "outputs:",
        "  door_relay: { driver: gpio, chip: 0, line: 17, active: high, safe: low }",
        "  beacon:     { driver: gpio, chip: 0, line: 27 }",
        "  lamp:       { driver: log }",
        "actuation:",                                                                         // 25
        "  watchdog_ms: 500",
        "rules:",
        "  - name: person-at-door",
        "    when: { labels: [person], zone: door, min_score: 0.5, min_frames: 3 }",
        "    then: { output: door_relay, hold_ms: 2000 }",                                     // 30
        "  - name: crossing-alarm",
        "    when: { labels: [person, bicycle], line: gate, direction: in }",
        "    then: { output: beacon, pulse_ms: 500, cooldown_ms: 5000 }",
        "  - name: anything",
        "    then: { output: lamp }",                                                         // 35
    ];

    private static string Write(TempDir dir, params string[] lines) => dir.Write("smartcam.yaml", string.Join("\n", lines) + "\n");

    /// <summary>The minimal valid config (lines 1-4) followed by <paramref name="more"/> from line 5 on.</summary>
    private static string WriteMinimal(TempDir dir, params string[] more) =>
        Write(dir, ["camera:", "  source: v4l2:///dev/video0", "model:", ModelLine, .. more]);

    /// <summary>The error is FILE:LINE:COLUMN: KEY: …, one line, and mentions each of <paramref name="more"/>.</summary>
    private static ConfigException AssertError(string path, int line, string key, params string[] more)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));
        Assert.Matches("^" + Regex.Escape($"{path}:{line}:") + @"\d+: " + Regex.Escape(key + ":") + " ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        foreach (var text in more) Assert.Contains(text, e.Message);
        return e;
    }

    /// <summary>The dead band every configured line had before it was declared once: the loader's 0.005, not LineDefinition's old 0.</summary>
    [Fact]
    public void A_line_without_margin_gets_the_declared_dead_band_and_margin_0_turns_it_off()
    {
        using var dir = new TempDir();
        var lines = ConfigLoader.Load(WriteMinimal(dir, "lines:", "  gate: { points: [[0.5, 0], [0.5, 1]] }", "  fence: { points: [[0.2, 0], [0.2, 1]], margin: 0 }")).Scene.Lines;

        Assert.Equal(0.005f, (float)lines[0].Margin);
        Assert.Equal((double)LinesSection.Margin.Default, lines[0].Margin);
        Assert.Equal(0, lines[1].Margin);
    }

    [Fact]
    public void Without_the_sections_tracking_is_on_and_the_scene_is_empty()
    {
        using var dir = new TempDir();
        var config = ConfigLoader.Load(WriteMinimal(dir));
        var scene = config.Scene;

        Assert.True(scene.Tracking);
        Assert.Equal(new TrackerOptions(), scene.Tracker);
        Assert.Equal(AnchorPoint.BottomCenter, scene.Anchor);
        Assert.Empty(scene.Zones);
        Assert.Empty(scene.Lines);
        Assert.Empty(config.Outputs);
        Assert.Empty(scene.Rules);
        Assert.Equal(2000, config.WatchdogMs);
    }

    [Fact]
    public void Empty_sections_are_the_defaults()
    {
        using var dir = new TempDir();
        var config = ConfigLoader.Load(WriteMinimal(dir, "tracking:", "zones:", "lines: {}", "outputs:", "actuation:", "rules: []"));
        var scene = config.Scene;

        Assert.True(scene.Tracking);
        Assert.Equal(new TrackerOptions(), scene.Tracker);
        Assert.Empty(scene.Zones);
        Assert.Empty(scene.Rules);
        Assert.Equal(2000, config.WatchdogMs);
    }

    [Theory]
    [InlineData("demo.yaml")]
    [InlineData("bench.yaml")]
    [InlineData("realtime.yaml")]
    [InlineData("appliance.yaml")]
    public void Shipped_configs_still_load_with_an_empty_scene(string name)
    {
        var path = Repo.Path("configs", name);
        // appliance.yaml names the model where the image installs it; point that at the checkout's copy.
        var text = File.ReadAllText(path).Replace("/var/lib/smartcam/models/", Repo.Path("models") + "/");

        var config = ConfigLoader.Parse(text, path);
        var scene = config.Scene;

        Assert.True(scene.Tracking);
        Assert.Empty(scene.Zones);
        Assert.Empty(scene.Lines);
        Assert.Empty(config.Outputs);
        Assert.Empty(scene.Rules);
    }

    [Fact]
    public void Every_key_is_read()
    {
        using var dir = new TempDir();
        var config = ConfigLoader.Load(WriteMinimal(dir, Example));
        var scene = config.Scene;

        Assert.True(scene.Tracking);
        Assert.Equal(AnchorPoint.Center, scene.Anchor);
        Assert.Equal(new TrackerOptions(HighScore: 0.45f, LowScore: 0.05f, NewTrackScore: 0.7f, MatchIou: 0.25f, LowMatchIou: 0.6f,
            MinHits: 3, MaxLostSeconds: 1.5, MaxTracks: 64), scene.Tracker);

        Assert.Equal(["door", "yard"], scene.Zones.Select(z => z.Name));
        Assert.Equal([(0.10f, 0.50f), (0.40f, 0.50f), (0.40f, 1.00f), (0.10f, 1.00f)], scene.Zones[0].Polygon.ToArray());
        Assert.Equal(10, scene.Zones[0].LoiterSeconds);
        Assert.Equal(0, scene.Zones[1].LoiterSeconds);

        var gate = Assert.Single(scene.Lines);
        Assert.Equal(("gate", (0.5f, 0f), (0.5f, 1f)), (gate.Name, gate.A, gate.B));

        Assert.Equal(
        [
            new OutputDefinition("door_relay", "gpio", 0, 17, ActiveHigh: true, SafeHigh: false),
            new OutputDefinition("beacon", "gpio", 0, 27, ActiveHigh: true, SafeHigh: false),
            new OutputDefinition("lamp", "log", 0, 0, ActiveHigh: true, SafeHigh: false),
        ], config.Outputs);
        Assert.Equal(500, config.WatchdogMs);

        Assert.Equal(3, scene.Rules.Count);
        var door = scene.Rules[0];
        Assert.Equal(("person-at-door", 0.5f, 0, -1, (LineDirection?)null, 0), (door.Name, door.MinScore, door.Zone, door.Line, door.Direction, door.Output));
        Assert.Equal(["person"], door.Labels);
        Assert.Equal(new RuleTiming(3, 2000, 0, 0), door.Timing);

        var crossing = scene.Rules[1];
        Assert.Equal(("crossing-alarm", 0f, -1, 0, (LineDirection?)LineDirection.In, 1), (crossing.Name, crossing.MinScore, crossing.Zone, crossing.Line, crossing.Direction, crossing.Output));
        Assert.Equal(["person", "bicycle"], crossing.Labels);
        Assert.Equal(new RuleTiming(1, 0, 500, 5000), crossing.Timing);

        var anything = scene.Rules[2]; // no when: any label, anywhere, at once
        Assert.Equal(("anything", 0f, -1, -1, (LineDirection?)null, 2), (anything.Name, anything.MinScore, anything.Zone, anything.Line, anything.Direction, anything.Output));
        Assert.Empty(anything.Labels);
        Assert.Equal(new RuleTiming(1, 0, 0, 0), anything.Timing);
    }

    [Fact]
    public void Rule_indexes_follow_file_order()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir,
            "zones:",
            "  a: { polygon: [[0, 0], [1, 0], [1, 1]] }",
            "  b: { polygon: [[0, 0], [1, 1], [0, 1]] }",
            "lines:",
            "  l1: { points: [[0, 0], [1, 1]] }",
            "  l2: { points: [[0, 1], [1, 0]] }",
            "outputs: { o1: { driver: log }, o2: { driver: log } }",
            "rules:",
            "  - { name: r1, when: { zone: b }, then: { output: o2 } }",
            "  - { name: r2, when: { line: l2, direction: out }, then: { output: o1 } }",
            "  - { name: r3, when: { line: l1, direction: any }, then: { output: o2 } }");

        var rules = ConfigLoader.Load(path).Scene.Rules;

        Assert.Equal((1, -1, 1), (rules[0].Zone, rules[0].Line, rules[0].Output));
        Assert.Equal((-1, 1, 0, (LineDirection?)LineDirection.Out), (rules[1].Zone, rules[1].Line, rules[1].Output, rules[1].Direction));
        Assert.Equal((-1, 0, 1, (LineDirection?)null), (rules[2].Zone, rules[2].Line, rules[2].Output, rules[2].Direction)); // any: either way
    }

    [Fact]
    public void An_active_low_output_rests_at_its_inactive_level_unless_told()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir,
            "outputs:",
            "  relay: { driver: gpio, chip: 1, line: 4, active: low }",
            "  strike: { driver: gpio, line: 5, active: low, safe: low }",
            "  lamp: { driver: log, active: low, safe: high }");

        var outputs = ConfigLoader.Load(path).Outputs;

        Assert.Equal(new OutputDefinition("relay", "gpio", 1, 4, ActiveHigh: false, SafeHigh: true), outputs[0]);
        Assert.Equal(new OutputDefinition("strike", "gpio", 0, 5, ActiveHigh: false, SafeHigh: false), outputs[1]); // fail-secure, as asked
        Assert.Equal(new OutputDefinition("lamp", "log", 0, 0, ActiveHigh: false, SafeHigh: true), outputs[2]);
    }

    [Fact]
    public void Tracking_can_be_switched_off_without_rules()
    {
        using var dir = new TempDir();
        var config = ConfigLoader.Load(WriteMinimal(dir, "tracking: { enabled: false }", "outputs: { lamp: { driver: log } }", "actuation: { watchdog_ms: 0 }"));
        var scene = config.Scene;

        Assert.False(scene.Tracking);
        Assert.Single(config.Outputs);
        Assert.Equal(0, config.WatchdogMs);
    }

    // ---- errors: FILE:LINE:COLUMN: key: what was wrong and what was expected ----

    [Theory]
    // references from rules
    [InlineData("rules:|  - { name: r, when: { zone: dor }, then: { output: o } }", 6, "rules[0].when.zone", "'dor' is not a zone", "the zones are: door, yard")]
    [InlineData("rules:|  - { name: r, when: { line: gat }, then: { output: o } }", 6, "rules[0].when.line", "'gat' is not a line", "the lines are: gate")]
    [InlineData("rules:|  - { name: r, then: { output: door_rely } }", 6, "rules[0].then.output", "'door_rely' is not an output", "the outputs are: o")]
    [InlineData("rules:|  - { name: r, when: { zone: door }, then: { hold_ms: 10 } }", 6, "rules[0].then.output", "is required", "the outputs are: o")]
    [InlineData("rules:|  - { name: r, when: { zone: door } }", 6, "rules[0].then", "is required")]
    [InlineData("rules:|  - { name: a, then: { output: o } }|  - { name: b, when: { zone: door, line: gate }, then: { output: o } }", 7, "rules[1].when.line", "zone or line, not both")]
    [InlineData("rules:|  - { name: r, when: { zone: door, direction: in }, then: { output: o } }", 6, "rules[0].when.direction", "only applies to a line crossing")]
    [InlineData("rules:|  - { name: r, when: { direction: any }, then: { output: o } }", 6, "rules[0].when.direction", "add line: NAME")]
    [InlineData("rules:|  - { name: r, when: { line: gate, direction: up }, then: { output: o } }", 6, "rules[0].when.direction", "'up' is not one of: in, out, any")]
    [InlineData("rules:|  - { name: r, then: { output: o, hold_ms: 100, pulse_ms: 100 } }", 6, "rules[0].then.pulse_ms", "hold_ms and pulse_ms exclude each other")]
    [InlineData("rules:|  - { name: r, then: { output: o, hold_ms: -5 } }", 6, "rules[0].then.hold_ms", "-5 is out of range; expected 0 to")]
    [InlineData("rules:|  - { name: r, then: { output: o, pulse_ms: -1 } }", 6, "rules[0].then.pulse_ms", "out of range")]
    [InlineData("rules:|  - { name: r, then: { output: o, cooldown_ms: -1 } }", 6, "rules[0].then.cooldown_ms", "out of range")]
    [InlineData("rules:|  - { name: r, when: { min_frames: 0 }, then: { output: o } }", 6, "rules[0].when.min_frames", "0 is out of range; expected 1 to")]
    [InlineData("rules:|  - { name: r, when: { min_score: 1.5 }, then: { output: o } }", 6, "rules[0].when.min_score", "1.5 is out of range; expected 0 to 1")]
    [InlineData("rules:|  - { name: r, when: { labels: person }, then: { output: o } }", 6, "rules[0].when.labels", "expected a list")]
    [InlineData("rules:|  - { name: r, then: { output: o } }|  - { name: r, then: { output: o } }", 7, "rules[1].name", "'r' is already the name of rules[0]")]
    [InlineData("rules:|  - { name: '', then: { output: o } }", 6, "rules[0].name", "is required")]
    [InlineData("rules:|  - { then: { output: o } }", 6, "rules[0].name", "is required")]
    [InlineData("rules: { r: { then: { output: o } } }", 5, "rules", "expected a list")]
    [InlineData("rules:|  - person-at-door", 6, "rules[0]", "expected a mapping")]
    // zones
    [InlineData("zones:|  hall: { polygon: [[0, 0], [1, 1]] }", 6, "zones.hall.polygon", "a zone needs at least 3 points, got 2")]
    [InlineData("zones:|  hall: { polygon: [[0, 0], [1, 0], [1.5, 0.5], [0, 1]] }", 6, "zones.hall.polygon[2]", "point 3 (1.5, 0.5) is outside 0..1")]
    [InlineData("zones:|  hall: { polygon: [[0, 0], [1, 0], [0.5, -0.1]] }", 6, "zones.hall.polygon[2]", "outside 0..1")]
    [InlineData("zones:|  hall: { polygon: [[0, 0], [0.4], [1, 1]] }", 6, "zones.hall.polygon[1]", "'[0.4]' is not a point; expected [x, y]")]
    [InlineData("zones:|  hall: { polygon: [[0, 0], [1, x], [1, 1]] }", 6, "zones.hall.polygon[1]", "'[1, x]' is not a point")]
    [InlineData("zones:|  hall: { polygon: [0, 0, 1, 1, 0, 1] }", 6, "zones.hall.polygon[0]", "'0' is not a point")]
    [InlineData("zones:|  hall: { polygon: 0.5 }", 6, "zones.hall.polygon", "expected a list of [x, y] points")]
    [InlineData("zones:|  hall: { polygon: [[0, 0], [0.5, 0.5], [1, 1]] }", 6, "zones.hall.polygon", "no area")]
    [InlineData("zones:|  hall: { loiter_s: 3 }", 6, "zones.hall.polygon", "is required")]
    [InlineData("zones:|  hall: { polygon: [[0, 0], [1, 0], [1, 1]], loiter_s: -1 }", 6, "zones.hall.loiter_s", "out of range")]
    [InlineData("zones:|  front door: { polygon: [[0, 0], [1, 0], [1, 1]] }", 6, "zones.front door", "'front door' is not a valid zone name", "letters, digits")]
    [InlineData("zones:|  hall: [[0, 0], [1, 0], [1, 1]]", 6, "zones.hall", "expected a mapping")]
    // lines
    [InlineData("lines:|  fence: { points: [[0, 0], [0.5, 0.5], [1, 1]] }", 6, "lines.fence.points", "expected exactly two points", "got 3")]
    [InlineData("lines:|  fence: { points: [[0.2, 0.3], [0.2, 0.3]] }", 6, "lines.fence.points", "the same (0.2, 0.3)")]
    [InlineData("lines:|  fence: { points: [[0, 0], [1, 2]] }", 6, "lines.fence.points[1]", "point 2 (1, 2) is outside 0..1")]
    [InlineData("lines:|  fence: { points: [[0, 0], [true, 1]] }", 6, "lines.fence.points[1]", "is not a point")]
    [InlineData("lines:|  fence: {}", 6, "lines.fence.points", "is required")]
    // outputs
    [InlineData("outputs:|  a: { driver: gpio, line: 17 }|  b: { driver: gpio, chip: 0, line: 17 }", 7, "outputs.b.line", "chip 0 line 17 is already output a")]
    [InlineData("outputs:|  a: { driver: spi }", 6, "outputs.a.driver", "'spi' is not one of: gpio, log")]
    [InlineData("outputs:|  a: { line: 3 }", 6, "outputs.a.driver", "is required", "gpio", "log")]
    [InlineData("outputs:|  a: { driver: gpio, line: 3, active: on }", 6, "outputs.a.active", "'on' is not one of: high, low")]
    [InlineData("outputs:|  a: { driver: gpio, line: 3, safe: off }", 6, "outputs.a.safe", "'off' is not one of: high, low")]
    [InlineData("outputs:|  a: { driver: gpio, chip: 0 }", 6, "outputs.a.line", "is required for driver gpio")]
    [InlineData("outputs:|  a: { driver: gpio, line: -1 }", 6, "outputs.a.line", "out of range")]
    [InlineData("outputs:|  lamp: { driver: log, line: 4 }", 6, "outputs.lamp.line", "is not used by driver log")]
    [InlineData("outputs:|  lamp: { driver: log, chip: 0 }", 6, "outputs.lamp.chip", "is not used by driver log")]
    [InlineData("outputs:|  a/b: { driver: log }", 6, "outputs.a/b", "not a valid output name")]
    // tracking and actuation
    [InlineData("tracking:|  anchor: top", 6, "tracking.anchor", "'top' is not one of: bottom_center, center")]
    [InlineData("tracking:|  high_score: 0.3|  low_score: 0.4", 7, "tracking.low_score", "low_score 0.4 is above high_score 0.3")]
    [InlineData("tracking:|  match_iou: 0", 6, "tracking.match_iou", "expected an IoU above 0")]
    [InlineData("tracking:|  min_hits: 0", 6, "tracking.min_hits", "out of range; expected 1 to")]
    [InlineData("tracking:|  max_lost_ms: -1", 6, "tracking.max_lost_ms", "out of range")]
    [InlineData("tracking:|  max_tracks: 5000", 6, "tracking.max_tracks", "out of range; expected 1 to 4096")]
    [InlineData("tracking:|  enabled: maybe", 6, "tracking.enabled", "'maybe' is not a boolean")]
    [InlineData("actuation:|  watchdog_ms: -1", 6, "actuation.watchdog_ms", "out of range; expected 0 to")]
    // unknown keys, everywhere
    [InlineData("tracking:|  enabeld: true", 6, "tracking.enabeld", "unknown key", "enabled")]
    [InlineData("zones:|  hall: { polygon: [[0, 0], [1, 0], [1, 1]], loiter: 3 }", 6, "zones.hall.loiter", "unknown key", "loiter_s")]
    [InlineData("lines:|  fence: { points: [[0, 0], [1, 1]], direction: in }", 6, "lines.fence.direction", "unknown key", "points")]
    [InlineData("outputs:|  a: { driver: gpio, line: 3, pin: 3 }", 6, "outputs.a.pin", "unknown key", "line")]
    [InlineData("actuation:|  watchdog: 100", 6, "actuation.watchdog", "unknown key", "watchdog_ms")]
    [InlineData("rules:|  - { name: r, when: { zones: door }, then: { output: o } }", 6, "rules[0].when.zones", "unknown key", "zone")]
    [InlineData("rules:|  - { name: r, then: { output: o, hold: 100 } }", 6, "rules[0].then.hold", "unknown key", "hold_ms")]
    [InlineData("rules:|  - { name: r, then: { output: o }, enabled: true }", 6, "rules[0].enabled", "unknown key", "when")]
    [InlineData("rule:|  - { name: r, then: { output: o } }", 5, "rule", "unknown key", "rules")]
    // a misspelt required key is named as unknown, not as missing
    [InlineData("zones:|  hall: { polygn: [[0, 0], [1, 0], [1, 1]] }", 6, "zones.hall.polygn", "unknown key", "polygon")]
    [InlineData("lines:|  fence: { point: [[0, 0], [1, 1]] }", 6, "lines.fence.point", "unknown key", "points")]
    [InlineData("outputs:|  a: { drvier: gpio, line: 3 }", 6, "outputs.a.drvier", "unknown key", "driver")]
    [InlineData("rules:|  - { nme: r, then: { output: o } }", 6, "rules[0].nme", "unknown key", "name")]
    [InlineData("rules:|  - { name: r, than: { output: o } }", 6, "rules[0].than", "unknown key", "then")]
    [InlineData("rules:|  - { name: r, then: { outptu: o } }", 6, "rules[0].then.outptu", "unknown key", "output")]
    [InlineData("tracking:|  low_score: 0.9|  hihg_score: 0.95", 7, "tracking.hihg_score", "unknown key", "high_score")]
    public void Mistakes_name_the_place_and_what_was_expected(string yaml, int line, string key, params string[] more)
    {
        using var dir = new TempDir();
        // Lines 5 and on: the case's YAML, then valid zones, lines and outputs for rules to refer to (when the case leaves them out).
        var lines = yaml.Split('|').ToList();
        if (!yaml.StartsWith("zones:", StringComparison.Ordinal))
            lines.AddRange(["zones:", "  door: { polygon: [[0.1, 0.5], [0.4, 0.5], [0.4, 1.0]] }", "  yard: { polygon: [[0, 0], [1, 0], [1, 0.4]] }"]);
        if (!yaml.StartsWith("lines:", StringComparison.Ordinal)) lines.AddRange(["lines:", "  gate: { points: [[0.5, 0], [0.5, 1]] }"]);
        if (!yaml.StartsWith("outputs:", StringComparison.Ordinal)) lines.AddRange(["outputs:", "  o: { driver: log }"]);
        var path = WriteMinimal(dir, [.. lines]);

        AssertError(path, line, key, more);
    }

    [Fact]
    public void A_rule_naming_a_zone_when_there_are_none_says_so()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir, "outputs: { o: { driver: log } }", "rules:", "  - { name: r, when: { zone: door }, then: { output: o } }"); // line 7

        AssertError(path, 7, "rules[0].when.zone", "'door' is not a zone", "no zones are defined", "zones:");
    }

    [Fact]
    public void Rules_need_tracking()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir,
            "tracking:",
            "  enabled: false",                                     // line 6
            "outputs: { o: { driver: log } }",
            "rules:",                                               // line 8
            "  - { name: r, then: { output: o } }");

        AssertError(path, 8, "rules", "need tracking", "tracking.enabled is false on line 6");
    }

    [Fact]
    public void Zones_need_tracking()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir, "tracking: { enabled: false }", "zones:", "  door: { polygon: [[0, 0], [1, 0], [1, 1]] }"); // zones on line 6

        AssertError(path, 6, "zones", "need tracking");
    }

    [Fact]
    public void A_rule_label_the_detector_filters_out_could_never_fire()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir,
            "detect: { classes: [car, truck] }",
            "outputs: { o: { driver: log } }",
            "rules:",
            "  - { name: r, when: { labels: [car, person] }, then: { output: o } }"); // line 8

        AssertError(path, 8, "rules[0].when.labels", "'person' is never detected", "detect.classes keeps only car, truck");
    }

    [Fact]
    public void A_zone_named_twice_is_a_config_error_naming_the_line()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir, "zones:", "  door: { polygon: [[0, 0], [1, 0], [1, 1]] }", "  door: { polygon: [[0, 0], [1, 0], [0, 1]] }"); // line 7

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

        Assert.Matches("^" + Regex.Escape($"{path}:7:"), e.Message);
        Assert.Contains("door", e.Message);
    }

    // ---- rule labels against the model's labels ----

    [Fact]
    public void UnknownRuleLabels_names_each_rule_and_label()
    {
        var scene = new SceneConfig
        {
            Rules =
            [
                new RuleConfig("a", ["person", "persn", "persn"], 0, -1, -1, null, 0, new RuleTiming(1, 0, 0, 0)),
                new RuleConfig("b", [], 0, -1, -1, null, 0, new RuleTiming(1, 0, 0, 0)),
                new RuleConfig("c", ["car", "Bicycle"], 0, -1, -1, null, 0, new RuleTiming(1, 0, 0, 0)),
            ],
        };

        var unknown = ConfigLoader.UnknownRuleLabels(OneCamera(scene), ["person", "bicycle", "car"]).ToList();

        Assert.Equal(
        [
            "rules[0].when.labels: 'persn' is not a label of the model",
            "rules[2].when.labels: 'Bicycle' is not a label of the model (labels are case-sensitive: 'bicycle')",
        ], unknown);
        Assert.Empty(ConfigLoader.UnknownRuleLabels(OneCamera(new SceneConfig()), ["person"]));
    }

    [Fact]
    public void Loading_with_the_model_rejects_a_rule_label_it_does_not_have()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir,
            "  labels: " + Repo.Labels,
            "outputs: { o: { driver: log } }",
            "rules:",
            "  - { name: r, when: { labels: [persn] }, then: { output: o } }");

        var e = Assert.Throws<ConfigException>(() => RunCommand.Load(path));

        Assert.StartsWith($"{path}: rules[0].when.labels: 'persn' is not a label of the model; the model's labels are: person, bicycle", e.Message);
    }

    // ---- smartcam validate ----

    [Fact]
    public void Validate_summarises_the_scene()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir, ["  labels: " + Repo.Labels, .. Example]);
        var output = new StringWriter();

        var code = ValidateCommand.Run(path, output);

        Assert.Equal(RunCommand.ExitOk, code);
        var text = output.ToString();
        Assert.Contains("tracking on, anchor center: new track at score ≥ 0.7, confirmed after 3 hits, kept 1500 ms unseen, at most 64 tracks", text);
        Assert.Contains("zone     door: (0.1, 0.5) (0.4, 0.5) (0.4, 1) (0.1, 1), loiter 10 s", text);
        Assert.Contains("zone     yard: (0, 0) (1, 0) (1, 0.4)\n", text);
        Assert.Contains("line     gate: (0.5, 0) → (0.5, 1)", text);
        Assert.Contains("output   door_relay: gpio chip 0 line 17, active high, safe low", text);
        Assert.Contains("output   lamp: log, active high, safe low", text);
        Assert.Contains("watchdog 500 ms", text);
        Assert.Contains("rule     person-at-door: person in zone door (score ≥ 0.5, 3 frames) → door_relay hold 2000 ms", text);
        Assert.Contains("rule     crossing-alarm: person or bicycle crossing line gate in → beacon pulse 500 ms, cooldown 5000 ms", text);
        Assert.Contains("rule     anything: any object anywhere → lamp while true", text);
    }

    [Fact]
    public void Validate_of_a_config_without_a_scene_says_only_that_tracking_is_on()
    {
        var lines = ValidateCommand.Describe(OneCamera(new SceneConfig())).ToList();

        Assert.Equal(["tracking on, anchor bottom_center: new track at score ≥ 0.6, confirmed after 2 hits, kept 1000 ms unseen, at most 256 tracks"], lines);
        Assert.Equal(["tracking off (no track ids, zones, lines or rules)"], ValidateCommand.Describe(OneCamera(new SceneConfig { Tracking = false })));
    }

    /// <summary>A single-camera config around <paramref name="scene"/> (the other sections at their defaults).</summary>
    private static SmartCamConfig OneCamera(SceneConfig scene) =>
        new("test.yaml", [new CameraConfig { Scene = scene }], new ModelConfig(), new DetectConfig(), new PublishConfig(), new RealtimeConfig());
}
