using System.Text;
using System.Text.Json;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>
/// A camera's scene as JSON and back into the config file's text (PUT /api/cameras/ID/scene), and which changes a live
/// reload may apply, on the shipped configs: the loader reads every result, so a wrong splice fails loudly here.
/// </summary>
public class SceneDocumentTests
{
    /// <summary>configs/actuation.yaml with its files pointed at the repository's, at a path of its own.</summary>
    private static (string Path, string Text) Actuation(TempDir dir, string name = "actuation.yaml") => Shipped(dir, "actuation.yaml", name);

    private static (string Path, string Text) Shipped(TempDir dir, string config, string name)
    {
        var text = File.ReadAllText(Repo.Path("configs", config))
            .Replace("../media/vtest.avi", Repo.Video).Replace("../models/yolox_nano.onnx", Repo.Model).Replace("../models/coco80.names", Repo.Labels);
        return (dir.Write(name, text), text);
    }

    private static JsonElement Json(byte[] bytes) => JsonDocument.Parse(bytes).RootElement;

    [Fact]
    public void The_scene_reads_as_json_with_the_yaml_names_and_shapes()
    {
        using var dir = new TempDir();
        var (path, text) = Actuation(dir);
        var scene = Json(SceneDocument.ToJson(text, path, 0));
        Assert.Equal(["zones", "lines", "rules", "outputs", "detect", "tracking"], scene.EnumerateObject().Select(p => p.Name));
        var middle = scene.GetProperty("zones").GetProperty("middle");
        Assert.Equal(0.40, middle.GetProperty("polygon")[0][0].GetDouble());
        Assert.Equal(5, middle.GetProperty("loiter_s").GetInt32());
        Assert.Equal(["someone-in-the-middle", "walked-through-the-gate"], scene.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Equal("person", scene.GetProperty("rules")[0].GetProperty("when").GetProperty("labels")[0].GetString());
        Assert.Equal(1000, scene.GetProperty("rules")[0].GetProperty("then").GetProperty("hold_ms").GetInt32());
        Assert.Equal("bottom_center", scene.GetProperty("tracking").GetProperty("anchor").GetString());
        Assert.Equal(0.3, scene.GetProperty("detect").GetProperty("score").GetDouble());
    }

    [Fact]
    public void Replaced_keys_load_as_sent_and_the_rest_of_the_file_keeps_its_text_and_comments()
    {
        using var dir = new TempDir();
        var (path, text) = Actuation(dir);
        var body = """
            {"zones": {"middle": {"polygon": [[0.35, 0.3], [0.6, 0.3], [0.6, 0.6], [0.35, 0.6]], "loiter_s": 5},
                       "door":   {"polygon": [[0.1, 0.5], [0.3, 0.5], [0.3, 0.9], [0.1, 0.9]]}},
             "detect": {"score": 0.35, "nms_iou": 0.45},
             "rules": [{"name": "door-lamp", "when": {"labels": ["person"], "zone": "door"}, "then": {"output": "lamp", "hold_ms": 500}},
                       {"name": "walked-through-the-gate", "when": {"labels": ["person"], "line": "gate"}, "then": {"output": "beacon", "pulse_ms": 300, "cooldown_ms": 1000}}]}
            """;
        var edited = SceneDocument.WithScene(text, path, 0, body);
        var config = ConfigLoader.Parse(edited, path);
        var scene = config.Scene;
        Assert.Equal(["middle", "door"], scene.Zones.Select(z => z.Name));
        Assert.Equal((0.35f, 0.3f), scene.Zones[0].Polygon[0]);
        Assert.Equal(5, scene.Zones[0].LoiterSeconds);
        Assert.Equal(0.35f, config.Detect.Score);
        Assert.Equal(["door-lamp", "walked-through-the-gate"], scene.Rules.Select(r => r.Name));
        Assert.Equal(1, scene.Rules[0].Zone);
        Assert.Equal(500, scene.Rules[0].Timing.HoldMs);
        // Untouched: the lines, the outputs, the tracking; every comment outside the replaced keys.
        Assert.Equal(["gate"], scene.Lines.Select(l => l.Name));
        foreach (var line in text.Split('\n').Where(l => l.TrimStart().StartsWith('#') && !l.Contains("middle of the walkway")))
            Assert.Contains(line, edited);
        Assert.Contains("anchor: bottom_center        # a person's feet decide where they are", edited);
        // The same JSON read back: what the editor sent is what GET gives.
        var back = Json(SceneDocument.ToJson(edited, path, 0));
        Assert.Equal(0.35, back.GetProperty("zones").GetProperty("middle").GetProperty("polygon")[0][0].GetDouble());
        Assert.Equal("door", back.GetProperty("rules")[0].GetProperty("when").GetProperty("zone").GetString());
        // Nothing a restart would need, and a second identical PUT changes nothing.
        Assert.Null(SceneDocument.RestartOnlyChange(text, edited, path));
        Assert.True(SceneDocument.SceneChanged(text, edited, path, 0));
        Assert.False(SceneDocument.SceneChanged(edited, SceneDocument.WithScene(edited, path, 0, body), path, 0));
    }

    [Fact]
    public void A_key_the_file_lacks_is_added_to_that_camera_of_a_list_only()
    {
        using var dir = new TempDir();
        var (path, text) = Shipped(dir, "multicam.yaml", "multicam.yaml");
        var edited = SceneDocument.WithScene(text, path, 2, """{"zones": {"dock": {"polygon": [[0, 0], [0.5, 0], [0.5, 0.5]]}}, "lines": {"edge": {"points": [[0, 1], [1, 1]]}}}""");
        var config = ConfigLoader.Parse(edited, path);
        Assert.Equal("bay", config.Cameras[2].Id);
        Assert.Equal(["dock"], config.Cameras[2].Scene.Zones.Select(z => z.Name));
        Assert.Equal(["edge"], config.Cameras[2].Scene.Lines.Select(l => l.Name));
        Assert.Equal(["porch"], config.Cameras[1].Scene.Zones.Select(z => z.Name));
        Assert.Empty(config.Cameras[3].Scene.Zones);
        Assert.Null(SceneDocument.RestartOnlyChange(text, edited, path));
        Assert.Equal([false, false, true, false], Enumerable.Range(0, 4).Select(i => SceneDocument.SceneChanged(text, edited, path, i)));
    }

    [Theory]
    [InlineData("pace: realtime", "pace: max", "camera.pace")]
    [InlineData("family: yolox", "family: auto", "model")]
    [InlineData("endpoint: tcp://127.0.0.1:5558", "endpoint: tcp://127.0.0.1:5559", "publish")]
    [InlineData("watchdog_ms: 2000", "watchdog_ms: 1000", "actuation")]
    [InlineData("lamp:   { driver: log, safe: low }", "lamp:   { driver: log, safe: high }", "outputs")]
    [InlineData("nms_iou: 0.45", "nms_iou: 0.45\n  max_detections: 50", "detect.max_detections")]
    public void A_change_a_reload_cannot_apply_is_named_by_its_key(string from, string to, string key)
    {
        using var dir = new TempDir();
        var (path, text) = Actuation(dir);
        Assert.Contains(from, text);
        var why = SceneDocument.RestartOnlyChange(text, text.Replace(from, to), path);
        Assert.NotNull(why);
        Assert.StartsWith(key, why);
    }

    [Fact]
    public void Comments_spacing_and_quoting_are_not_changes()
    {
        using var dir = new TempDir();
        var (path, text) = Actuation(dir);
        var reformatted = "# edited by hand\n" + text.Replace("family: yolox", "family: \"yolox\"   # quoted").Replace("score: 0.3", "score:   0.3");
        Assert.Null(SceneDocument.RestartOnlyChange(text, reformatted, path));
        Assert.False(SceneDocument.SceneChanged(text, reformatted, path, 0));
    }

    [Theory]
    [InlineData("""{"zonez": {}}""", "scene: unknown key 'zonez'")]
    [InlineData("""{"rules": {"a": 1}}""", "scene.rules: expected a list of rules")]
    [InlineData("""{"zones": [1, 2]}""", "scene.zones: expected an object")]
    [InlineData("""[1]""", "scene: expected one JSON object")]
    [InlineData("""{"zones": {""", "scene: not valid JSON")]
    public void A_body_of_the_wrong_shape_names_the_key(string body, string expected)
    {
        using var dir = new TempDir();
        var (path, text) = Actuation(dir);
        var e = Assert.Throws<ConfigException>(() => SceneDocument.WithScene(text, path, 0, body));
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_hash_is_of_the_text()
    {
        Assert.Equal(16, SceneDocument.Hash("a").Length);
        Assert.NotEqual(SceneDocument.Hash("a"), SceneDocument.Hash("b"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("a")))[..16], SceneDocument.Hash("a"));
    }
}
