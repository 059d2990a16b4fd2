using System.Text.Json;
using SmartCam.Configuration;
using SmartCam.Viewing;

namespace SmartCam.Tests.Unit;

/// <summary><c>/api/config</c>'s document names settings by their YAML keys and values by their YAML names.</summary>
public class ConfigDocumentTests
{
    [Fact]
    public void Keys_and_values_are_written_as_the_YAML_file_writes_them()
    {
        using var dir = new TempDir();
        var path = dir.Write("smartcam.yaml", $$"""
            camera: { id: gate, source: 'file://{{Repo.Video1080}}', detect_source: 'file://{{Repo.Video}}', pace: max, hwaccel: none, convert: model, decoder_threads: 2 }
            model: { path: {{Repo.Model}}, family: yolo11, provider: cpu, threads: 1 }
            detect: { nms_iou: 0.5 }
            publish: { send_hwm: 8 }
            outputs: { lamp: { driver: log, active: low } }
            realtime: { enabled: false }
            """);

        var root = JsonDocument.Parse(ConfigDocument.Write(ConfigLoader.Load(path))).RootElement;

        var camera = root.GetProperty("cameras")[0];
        Assert.Equal(("gate", "file", "max", false), (camera.GetProperty("id").GetString(), camera.GetProperty("kind").GetString(),
            camera.GetProperty("pace").GetString(), camera.GetProperty("loop").GetBoolean()));
        Assert.Equal(("file://" + Repo.Video, "none", "model", 2), (camera.GetProperty("detect_source").GetString(), camera.GetProperty("hwaccel").GetString(),
            camera.GetProperty("convert").GetString(), camera.GetProperty("decoder_threads").GetInt32()));
        var model = root.GetProperty("model");
        Assert.Equal(("yolov8", "cpu", 1, 1), (model.GetProperty("family").GetString(), model.GetProperty("provider").GetString(),
            model.GetProperty("threads").GetInt32(), model.GetProperty("instances").GetInt32()));
        Assert.Equal(0.5, root.GetProperty("detect").GetProperty("nms_iou").GetDouble(), 6);
        Assert.Equal(8, root.GetProperty("publish").GetProperty("send_hwm").GetInt32());
        var output = root.GetProperty("outputs")[0];
        Assert.Equal(("log", "high"), (output.GetProperty("driver").GetString(), output.GetProperty("safe").GetString())); // safe: the inactive level
        Assert.False(root.GetProperty("realtime").GetProperty("enabled").GetBoolean());
    }
}
