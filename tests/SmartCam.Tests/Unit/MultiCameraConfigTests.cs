using System.Text.RegularExpressions;
using SmartCam.Actuation;
using SmartCam.Commands;
using SmartCam.Configuration;
using SmartCam.Tracking;

namespace SmartCam.Tests.Unit;

/// <summary>
/// ConfigLoader and <c>smartcam validate</c> on the <c>cameras:</c> list (docs/configuration.md, "Several cameras"), on
/// real YAML files. Line numbers in the comments count from 1.
/// </summary>
public sealed class MultiCameraConfigTests : IDisposable
{
    private static readonly string[] Model = ["model:", "  path: " + Repo.Model];

    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Write(params string[] lines) => _dir.Write("smartcam.yaml", string.Join("\n", lines) + "\n");

    /// <summary>The error is one line, FILE:LINE:COLUMN: KEY: …, and mentions each of <paramref name="more"/>.</summary>
    private static ConfigException AssertError(string path, int line, string key, params string[] more)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));
        Assert.Matches("^" + Regex.Escape($"{path}:{line}:") + @"\d+: " + Regex.Escape(key + ":") + " ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        Assert.DoesNotContain("\r", e.Message);
        foreach (var text in more) Assert.Contains(text, e.Message);
        return e;
    }

    /// <summary>Three cameras, each with its own scene; the third without id, so it is cam2.</summary>
    private static readonly string[] ThreeCameras =
    [
        "cameras:",                                                                                                      // 1
        "  - id: gate",
        "    source: rtsp://10.0.0.5/stream",
        "    lines:",
        "      entry: { points: [[0.5, 0.0], [0.5, 1.0]] }",                                                             // 5
        "    outputs:",
        "      gate_beacon: { driver: gpio, chip: 0, line: 27 }",
        "    rules:",
        "      - { name: gate-crossing, when: { labels: [person], line: entry }, then: { output: gate_beacon, pulse_ms: 500 } }",
        "  - id: door",                                                                                                   // 10
        "    source: v4l2:///dev/video0",
        "    zones:",
        "      porch: { polygon: [[0.1, 0.5], [0.4, 0.5], [0.4, 1.0], [0.1, 1.0]] }",
        "    outputs:",
        "      door_relay: { driver: gpio, chip: 0, line: 17 }",                                                          // 15
        "      door_lamp: { driver: log }",
        "    rules:",
        "      - { name: person-at-door, when: { labels: [person], zone: porch }, then: { output: door_relay, hold_ms: 2000 } }",
        "      - { name: anything-at-door, then: { output: door_lamp } }",
        "  - source: file://clip.avi",                                                                                    // 20
        "    loop: true",
        "    pace: max",
        "    tracking: { enabled: false }",
    ];

    [Fact]
    public void A_cameras_list_loads_each_camera_with_its_own_source_and_scene()
    {
        var config = ConfigLoader.Load(Write([.. ThreeCameras, .. Model]));

        Assert.True(config.Listed);
        Assert.Equal(["gate", "door", "cam2"], config.Cameras.Select(c => c.Id));
        var (gate, door, third) = (config.Cameras[0], config.Cameras[1], config.Cameras[2]);
        Assert.Equal((SourceKind.Ffmpeg, "rtsp://10.0.0.5/stream"), (gate.Kind, gate.Location));
        Assert.Equal((SourceKind.V4l2, "/dev/video0"), (door.Kind, door.Location));
        Assert.Equal((SourceKind.File, _dir.File("clip.avi"), true, Pace.Max), (third.Kind, third.Location, third.Loop, third.Pace));
        Assert.Equal(Pace.Realtime, gate.Pace); // the default, per camera

        // Each camera's zones and lines are its own; its rules index them.
        Assert.Empty(gate.Scene.Zones);
        Assert.Equal(["entry"], gate.Scene.Lines.Select(l => l.Name));
        Assert.Equal(["porch"], door.Scene.Zones.Select(z => z.Name));
        Assert.Empty(door.Scene.Lines);
        Assert.False(third.Scene.Tracking);
        Assert.Empty(third.Scene.Rules);

        // Outputs are one box-wide list in declaration order, each knowing the camera that declares it.
        Assert.Equal(
            [
                new OutputDefinition("gate_beacon", "gpio", 0, 27, true, false) { Owner = 0 },
                new OutputDefinition("door_relay", "gpio", 0, 17, true, false) { Owner = 1 },
                new OutputDefinition("door_lamp", "log", 0, 0, true, false) { Owner = 1 },
            ],
            config.Outputs);

        // Rules name outputs by their index in that box-wide list, zones and lines by their camera's own lists.
        var crossing = Assert.Single(gate.Scene.Rules);
        Assert.Equal(("gate-crossing", 0, -1, 0), (crossing.Name, crossing.Line, crossing.Zone, crossing.Output));
        Assert.Equal(new RuleTiming(1, 0, 500, 0), crossing.Timing);
        Assert.Equal(2, door.Scene.Rules.Count);
        Assert.Equal(("person-at-door", 0, -1, 1), (door.Scene.Rules[0].Name, door.Scene.Rules[0].Zone, door.Scene.Rules[0].Line, door.Scene.Rules[0].Output));
        Assert.Equal(new RuleTiming(1, 2000, 0, 0), door.Scene.Rules[0].Timing);
        Assert.Equal(("anything-at-door", -1, -1, 2), (door.Scene.Rules[1].Name, door.Scene.Rules[1].Zone, door.Scene.Rules[1].Line, door.Scene.Rules[1].Output));

        // The watchdog plan: per camera, the outputs its rules drive.
        Assert.Equal([[0], [1, 2], []], config.OutputsDrivenBy().Select(o => o.ToArray()));
    }

    [Fact]
    public void Camera_ids_default_to_cam0_cam1_by_position()
    {
        var config = ConfigLoader.Load(Write([
            "cameras:",
            "  - source: file://a.avi",
            "  - source: file://b.avi",
            "  - id: yard",
            "    source: file://c.avi",
            "  - source: file://d.avi",
            .. Model]));

        Assert.Equal(["cam0", "cam1", "yard", "cam3"], config.Cameras.Select(c => c.Id));
        Assert.Equal([_dir.File("a.avi"), _dir.File("b.avi"), _dir.File("c.avi"), _dir.File("d.avi")], config.Cameras.Select(c => c.Location));
    }

    [Fact]
    public void The_single_camera_form_is_a_list_of_one()
    {
        string[] scene =
        [
            "zones:",
            "  porch: { polygon: [[0.1, 0.5], [0.4, 0.5], [0.4, 1.0], [0.1, 1.0]], loiter_s: 4 }",
            "lines:",
            "  entry: { points: [[0.5, 0.0], [0.5, 1.0]], margin: 0.01 }",
            "tracking: { anchor: center, min_hits: 2 }",
            "outputs:",
            "  relay: { driver: gpio, chip: 1, line: 5, active: low }",
            "  lamp: { driver: log }",
            "rules:",
            "  - { name: at-door, when: { labels: [person], zone: porch, min_frames: 2 }, then: { output: relay, hold_ms: 700 } }",
            "  - { name: crossing, when: { line: entry, direction: out }, then: { output: lamp, pulse_ms: 300, cooldown_ms: 900 } }",
        ];
        string[] camera = ["id: door", "source: file://clip.avi", "loop: true", "pace: max", "max_consecutive_errors: 9"];
        var single = ConfigLoader.Load(Write([
            "camera:", .. camera.Select(l => "  " + l), .. scene, .. Model]));
        var listed = ConfigLoader.Load(Write([
            "cameras:", "  - " + camera[0], .. camera.Skip(1).Select(l => "    " + l), .. scene.Select(l => "    " + l), .. Model]));

        Assert.False(single.Listed);
        Assert.True(listed.Listed);
        var a = Assert.Single(single.Cameras);
        var b = Assert.Single(listed.Cameras);
        Assert.Same(a, single.Camera);
        // Every camera key the same (the scene, whose lists compare by reference, is compared part by part below).
        Assert.Equal(a with { Scene = b.Scene }, b);
        Assert.Equal("door", a.Id);
        Assert.Equal(9, a.MaxConsecutiveErrors);

        var (sa, sb) = (a.Scene, b.Scene);
        Assert.Equal((sa.Tracking, sa.Tracker, sa.Anchor), (sb.Tracking, sb.Tracker, sb.Anchor));
        Assert.Equal((AnchorPoint.Center, 2), (sa.Anchor, sa.Tracker.MinHits));
        Assert.Equal(sa.Zones.Select(z => (z.Name, z.Polygon.ToArray(), z.LoiterSeconds)), sb.Zones.Select(z => (z.Name, z.Polygon.ToArray(), z.LoiterSeconds)));
        Assert.Equal(4, sa.Zones.Single().LoiterSeconds);
        Assert.Equal(sa.Lines.Select(l => (l.Name, l.A, l.B, l.Margin)), sb.Lines.Select(l => (l.Name, l.A, l.B, l.Margin)));
        Assert.Equal(2, sa.Rules.Count);
        Assert.Equal(sa.Rules.Select(r => (r with { Labels = [] }, string.Join(",", r.Labels))), sb.Rules.Select(r => (r with { Labels = [] }, string.Join(",", r.Labels))));
        Assert.Equal(single.Outputs, listed.Outputs);
        Assert.All(single.Outputs, o => Assert.Equal(0, o.Owner));
        Assert.Equal(single.OutputsDrivenBy().Select(o => o.ToArray()), listed.OutputsDrivenBy().Select(o => o.ToArray()));
        Assert.Equal([[0, 1]], single.OutputsDrivenBy().Select(o => o.ToArray()));
    }

    [Fact]
    public void Camera_and_cameras_together_are_refused()
    {
        var path = Write([
            "camera:",                            // 1
            "  source: file://a.avi",
            "cameras:",
            "  - source: file://b.avi",
            .. Model]);
        AssertError(path, 1, "camera", "not both");
    }

    [Theory]
    [InlineData("zones", "  porch: { polygon: [[0.1, 0.5], [0.4, 0.5], [0.4, 1.0]] }")]
    [InlineData("lines", "  entry: { points: [[0.5, 0.0], [0.5, 1.0]] }")]
    [InlineData("outputs", "  lamp: { driver: log }")]
    [InlineData("rules", "  - { name: r, then: { output: lamp } }")]
    [InlineData("tracking", "  enabled: true")]
    public void A_scene_key_at_the_top_beside_cameras_is_refused_naming_the_key(string key, string body)
    {
        var path = Write([
            "cameras:",                            // 1
            "  - source: file://a.avi",
            .. Model,                              // 3-4
            key + ":",                             // 5
            body]);
        AssertError(path, 5, key, "move it under the camera");
    }

    [Fact]
    public void An_empty_cameras_list_is_refused()
    {
        var path = Write([.. Model, "cameras: []"]); // 3
        AssertError(path, 3, "cameras", "is empty");
    }

    [Fact]
    public void Two_cameras_with_one_id_are_refused()
    {
        var path = Write([
            "cameras:",                            // 1
            "  - id: door",
            "    source: file://a.avi",
            "  - id: door",                        // 4
            "    source: file://b.avi",
            .. Model]);
        AssertError(path, 4, "cameras[1].id", "'door'", "cameras[0]");
    }

    [Fact]
    public void A_given_id_that_repeats_a_default_id_is_refused()
    {
        var path = Write([
            "cameras:",                            // 1
            "  - source: file://a.avi",            // cam0 by default
            "  - id: cam0",                        // 3
            "    source: file://b.avi",
            .. Model]);
        AssertError(path, 3, "cameras[1].id", "'cam0'");
    }

    [Fact]
    public void The_id_box_is_reserved()
    {
        var path = Write([
            "cameras:",                            // 1
            "  - source: file://a.avi",
            "  - id: box",                         // 3
            "    source: file://b.avi",
            .. Model]);
        AssertError(path, 3, "cameras[1].id", "'box'", "reserved", "status.box");
    }

    [Fact]
    public void An_output_name_declared_by_two_cameras_is_refused()
    {
        var path = Write([
            "cameras:",                                            // 1
            "  - source: file://a.avi",
            "    outputs:",
            "      lamp: { driver: log }",
            "  - source: file://b.avi",                            // 5
            "    outputs:",
            "      lamp: { driver: gpio, chip: 0, line: 4 }",      // 7
            .. Model]);
        AssertError(path, 7, "cameras[1].outputs.lamp", "'lamp' is already an output of another camera");
    }

    [Fact]
    public void One_gpio_line_declared_by_two_cameras_is_refused()
    {
        var path = Write([
            "cameras:",                                            // 1
            "  - source: file://a.avi",
            "    outputs:",
            "      relay: { driver: gpio, chip: 2, line: 17 }",
            "  - source: file://b.avi",                            // 5
            "    outputs:",
            "      lamp: { driver: gpio, chip: 0, line: 17 }",     // 7: another chip's line 17 is another line
            "      siren: { driver: gpio, chip: 2, line: 17 }",    // 8
            .. Model]);
        AssertError(path, 8, "cameras[1].outputs.siren.line", "chip 2 line 17 is already output relay");
    }

    [Fact]
    public void An_unknown_key_inside_a_camera_is_named_with_its_camera()
    {
        var path = Write([
            "cameras:",                                            // 1
            "  - source: file://a.avi",
            "  - source: file://b.avi",
            "    zones: {}",
            "    xyz: 3",                                          // 5
            .. Model]);
        AssertError(path, 5, "cameras[1].xyz", "unknown key", "source", "rules");
    }

    [Fact]
    public void More_detector_instances_than_cameras_are_refused()
    {
        // Two instances of one thread each fit the CPUs of any box this runs on (2 cores or more), so the
        // check that speaks is the cameras one.
        Assert.True(Environment.ProcessorCount >= 2, "this check needs a machine with 2 CPUs or more");
        var path = Write([
            "cameras:",                                            // 1
            "  - source: file://a.avi",
            "model:",
            "  path: " + Repo.Model,
            "  instances: 2",                                      // 5
            ]);
        AssertError(path, 5, "model.instances", "2 instances for 1 camera");
        // As many instances as cameras is fine.
        var fits = ConfigLoader.Load(Write([
            "cameras:", "  - source: file://a.avi", "  - source: file://b.avi", "model:", "  path: " + Repo.Model, "  instances: 2"]));
        Assert.Equal(2, fits.Model.Instances);
    }

    [Fact]
    public void A_rule_may_drive_another_cameras_output()
    {
        var config = ConfigLoader.Load(Write([
            "cameras:",
            "  - id: a",
            "    source: file://a.avi",
            "    outputs:",
            "      shared: { driver: gpio, chip: 0, line: 5 }",
            "      own: { driver: log }",
            "    rules:",
            "      - { name: a-own, then: { output: own } }",
            "  - id: b",
            "    source: file://b.avi",
            "    rules:",
            "      - { name: b-shared, then: { output: shared } }",
            .. Model]));

        Assert.Equal([("shared", 0), ("own", 0)], config.Outputs.Select(o => (o.Name, o.Owner)));
        Assert.Equal(0, config.Cameras[1].Scene.Rules.Single().Output);
        // b drives a's output; a drives only its own.
        Assert.Equal([[1], [0]], config.OutputsDrivenBy().Select(o => o.ToArray()));
    }

    [Fact]
    public void A_rule_naming_an_output_no_camera_declares_is_refused_with_every_cameras_outputs_listed()
    {
        var path = Write([
            "cameras:",                                                   // 1
            "  - source: file://a.avi",
            "    outputs: { lamp: { driver: log } }",
            "  - source: file://b.avi",
            "    outputs: { siren: { driver: log } }",                    // 5
            "    rules:",
            "      - { name: r, then: { output: beacon } }",             // 7
            .. Model]);
        AssertError(path, 7, "cameras[1].rules[0].then.output", "'beacon' is not an output", "lamp, siren");
    }

    [Fact]
    public void Validate_prints_every_camera_with_its_scene_under_it()
    {
        var path = Write([
            "cameras:",
            "  - id: gate",
            "    source: file://" + Repo.Video,
            "    pace: max",
            "    lines:",
            "      entry: { points: [[0.5, 0.0], [0.5, 1.0]] }",
            "    outputs:",
            "      beacon: { driver: gpio, chip: 0, line: 27 }",
            "    rules:",
            "      - { name: gate-crossing, when: { labels: [person], line: entry }, then: { output: beacon, pulse_ms: 500 } }",
            "  - id: door",
            "    source: rtsp://10.0.0.5/stream",
            "    zones:",
            "      porch: { polygon: [[0.1, 0.5], [0.4, 0.5], [0.4, 1.0], [0.1, 1.0]] }",
            "    rules:",
            "      - { name: person-at-door, when: { labels: [person], zone: porch }, then: { output: beacon, hold_ms: 2000 } }",
            "  - id: bay",
            "    source: file://" + Repo.Video,
            "    tracking: { enabled: false }",
            .. Model,
            "  labels: " + Repo.Labels]);
        using StringWriter output = new(), error = new();

        var exit = ValidateCommand.Run(path, output, error);

        Assert.True(exit == 0, error.ToString());
        Assert.Equal("", error.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal($"config   {path}: OK", lines[0]);
        // A camera line per camera, in order, each followed by its own scene, indented, up to the next camera.
        var cameras = lines.Select((l, i) => (l, i)).Where(p => p.l.StartsWith("camera   ", StringComparison.Ordinal)).Select(p => p.i).ToList();
        Assert.Equal(3, cameras.Count);
        Assert.Equal($"camera   gate: {Repo.Video} (file, pace max, loop false, every frame)", lines[cameras[0]]);
        Assert.Equal("camera   door: rtsp://10.0.0.5/stream (ffmpeg, pace realtime, loop false, freshest frame)", lines[cameras[1]]);
        Assert.StartsWith("camera   bay: ", lines[cameras[2]]);
        var model = lines.FindIndex(l => l.StartsWith("model    ", StringComparison.Ordinal));
        Assert.True(model > cameras[2], "the model comes after the cameras");
        List<string> Under(int camera) => lines.Skip(cameras[camera] + 1).Take((camera + 1 < cameras.Count ? cameras[camera + 1] : model) - cameras[camera] - 1).ToList();
        var gate = Under(0);
        Assert.All(gate, l => Assert.StartsWith("  ", l));
        Assert.Equal(3, gate.Count);
        Assert.StartsWith("  tracking on", gate[0]);
        Assert.StartsWith("  line     entry: (0.5, 0) → (0.5, 1)", gate[1]);
        Assert.Equal("  rule     gate-crossing: person crossing line entry either way → beacon pulse 500 ms", gate[2]);
        var door = Under(1);
        Assert.Equal(3, door.Count);
        Assert.StartsWith("  tracking on", door[0]);
        Assert.Equal("  zone     porch: (0.1, 0.5) (0.4, 0.5) (0.4, 1) (0.1, 1)", door[1]);
        // door's rule drives gate's output.
        Assert.Equal("  rule     person-at-door: person in zone porch → beacon hold 2000 ms", door[2]);
        Assert.Equal(["  tracking off (no track ids, zones, lines or rules)"], Under(2));
        // The rest: the detector shared by the cameras, and the output with the camera that declares it.
        Assert.Contains(lines, l => l.Trim().StartsWith("1 detector instance for 3 cameras, batch", StringComparison.Ordinal));
        Assert.Contains("output   beacon: gpio chip 0 line 27, active high, safe low, camera gate", lines);
        Assert.Contains(lines, l => l.StartsWith("watchdog 2000 ms: a camera's outputs go", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("publish  tcp://127.0.0.1:5556 (det., evt. and status. of each camera, status.box", StringComparison.Ordinal));
        // Nothing of a scene is printed at the top level, and no rule twice.
        Assert.DoesNotContain(lines, l => l.StartsWith("rule ", StringComparison.Ordinal) || l.StartsWith("zone ", StringComparison.Ordinal) || l.StartsWith("line ", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count(l => l.Contains("rule     ", StringComparison.Ordinal)));
    }
}
