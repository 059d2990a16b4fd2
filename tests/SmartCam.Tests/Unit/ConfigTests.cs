using System.Text.RegularExpressions;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>ConfigLoader on real YAML files. Line numbers in the comments count from 1.</summary>
public class ConfigTests
{
    private static readonly string ModelLine = "  path: " + Repo.Model;

    private static string Write(TempDir dir, params string[] lines) => dir.Write("smartcam.yaml", string.Join("\n", lines) + "\n");

    /// <summary>The minimal valid config (lines 1-4) followed by <paramref name="more"/> from line 5 on.</summary>
    private static string WriteMinimal(TempDir dir, params string[] more) =>
        Write(dir, ["camera:", "  source: file://clip.avi", "model:", ModelLine, .. more]);

    private static ConfigException Error(string path) => Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));

    /// <summary>The error names the file and line as FILE:LINE:COLUMN, then the qualified key.</summary>
    private static void AssertError(string path, int line, string key, params string[] more)
    {
        var e = Error(path);
        Assert.Matches("^" + Regex.Escape($"{path}:{line}:") + @"\d+: " + Regex.Escape(key + ":"), e.Message);
        foreach (var text in more) Assert.Contains(text, e.Message);
    }

    [Fact]
    public void Minimal_config_gets_the_documented_defaults()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir);

        var config = ConfigLoader.Load(path);

        Assert.Equal(path, config.FilePath);
        var camera = config.Camera;
        Assert.Equal("cam0", camera.Id);
        Assert.Equal("file://clip.avi", camera.Source);
        Assert.Equal(SourceKind.File, camera.Kind);
        Assert.Equal(dir.File("clip.avi"), camera.Location);
        Assert.False(camera.Loop);
        Assert.Equal(Pace.Realtime, camera.Pace);
        Assert.Equal((0, 0, 0.0), (camera.Width, camera.Height, camera.Fps));
        Assert.Equal("auto", camera.PixelFormat);
        Assert.Equal("tcp", camera.RtspTransport);
        Assert.Equal((500, 10_000, 50), (camera.ReconnectInitialMs, camera.ReconnectMaxMs, camera.MaxConsecutiveErrors));

        var model = config.Model;
        Assert.Equal(Repo.Model, model.Path);
        Assert.Null(model.Labels);
        Assert.Equal(ModelFamily.Auto, model.Family);
        Assert.Equal("yolox_nano", model.Name);
        Assert.Equal((640, 640), (model.InputWidth, model.InputHeight));
        Assert.Equal(1, model.IntraOpThreads);
        Assert.Equal("all", model.Optimization);
        Assert.Equal(ExecutionProvider.Cpu, model.Provider);

        var detect = config.Detect;
        Assert.Equal(0.3f, detect.Score);
        Assert.Equal(0.45f, detect.NmsIou);
        Assert.Equal(100, detect.MaxDetections);
        Assert.Empty(detect.Classes);
        Assert.Equal((0f, 0f), (detect.MinArea, detect.MaxArea));
        Assert.Empty(detect.PerClass);

        var publish = config.Publish;
        Assert.Equal("tcp://127.0.0.1:5556", publish.Endpoint);
        Assert.Equal(64, publish.SendHighWatermark);
        Assert.Equal(1000, publish.StatusIntervalMs);
        Assert.Equal(0, publish.WaitForSubscribers);
        Assert.Equal(10_000, publish.WaitTimeoutMs);
        Assert.Equal(2000, publish.LingerMs);
    }

    [Fact]
    public void Every_key_is_read()
    {
        using var dir = new TempDir();
        var path = Write(dir,
            "camera:",
            "  id: door_1",
            "  source: v4l2:///dev/video2",
            "  loop: true",
            "  pace: max",
            "  width: 1280",
            "  height: 720",
            "  fps: 15",
            "  pixel_format: yuyv",
            "  rtsp_transport: udp",
            "  reconnect: { initial_ms: 100, max_ms: 2000 }",
            "  max_consecutive_errors: 7",
            "model:",
            ModelLine,
            "  labels: " + Repo.Labels,
            "  family: yolo11",
            "  name: nano",
            "  input_size: [320, 256]",
            "  threads: 2",
            "  optimization: basic",
            "detect:",
            "  score: 0.5",
            "  nms_iou: 0.6",
            "  max_detections: 10",
            "  classes: [person, car]",
            "  min_area: 4",
            "  max_area: 9000",
            "  per_class: { person: { min_score: 0.7, min_area: 100 } }",
            "publish:",
            "  endpoint: tcp://0.0.0.0:6000",
            "  send_hwm: 8",
            "  status_interval_ms: 500",
            "  wait_for_subscribers: 1",
            "  wait_timeout_ms: 3000",
            "  linger_ms: 0",
            "  send_buffer_bytes: 65536",
            "  insecure: true");

        var config = ConfigLoader.Load(path);

        var camera = config.Camera;
        Assert.Equal(("door_1", SourceKind.V4l2, "/dev/video2"), (camera.Id, camera.Kind, camera.Location));
        Assert.True(camera.Loop);
        Assert.Equal(Pace.Max, camera.Pace);
        Assert.Equal((1280, 720, 15.0), (camera.Width, camera.Height, camera.Fps));
        Assert.Equal(("YUYV", "udp"), (camera.PixelFormat, camera.RtspTransport));
        Assert.Equal((100, 2000, 7), (camera.ReconnectInitialMs, camera.ReconnectMaxMs, camera.MaxConsecutiveErrors));

        var model = config.Model;
        Assert.Equal(Repo.Labels, model.Labels);
        Assert.Equal(ModelFamily.Yolov8, model.Family); // yolo11 shares yolov8's output layout
        Assert.Equal("nano", model.Name);
        Assert.Equal((320, 256), (model.InputWidth, model.InputHeight));
        Assert.Equal((2, "basic"), (model.IntraOpThreads, model.Optimization));

        var detect = config.Detect;
        Assert.Equal((0.5f, 0.6f, 10), (detect.Score, detect.NmsIou, detect.MaxDetections));
        Assert.Equal(["person", "car"], detect.Classes);
        Assert.Equal((4f, 9000f), (detect.MinArea, detect.MaxArea));
        Assert.Equal(new ClassFilter(0.7f, 100, 0), detect.PerClass["person"]);

        var publish = config.Publish;
        Assert.Equal("tcp://0.0.0.0:6000", publish.Endpoint);
        Assert.Equal((8, 500, 1, 3000, 0), (publish.SendHighWatermark, publish.StatusIntervalMs, publish.WaitForSubscribers, publish.WaitTimeoutMs, publish.LingerMs));
        Assert.Equal((65536, true, null), (publish.SendBufferBytes, publish.Insecure, publish.CurveSecretKey));
    }

    [Fact]
    public void Relative_paths_resolve_against_the_config_folder()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("conf"));
        Directory.CreateDirectory(dir.File("models"));
        File.Copy(Repo.Model, dir.File("models/detector.onnx"));
        File.Copy(Repo.Labels, dir.File("models/coco.names"));
        var path = dir.Write("conf/smartcam.yaml", string.Join("\n",
            "camera:",
            "  source: file://../media/clip.avi",
            "model:",
            "  path: ../models/detector.onnx",
            "  labels: ../models/coco.names") + "\n");

        var config = ConfigLoader.Load(path);

        Assert.Equal(Path.Combine(dir.Path, "models", "detector.onnx"), config.Model.Path);
        Assert.Equal(Path.Combine(dir.Path, "models", "coco.names"), config.Model.Labels);
        Assert.Equal(Path.Combine(dir.Path, "media", "clip.avi"), config.Camera.Location);
        Assert.Equal("detector", config.Model.Name);
    }

    [Theory]
    [InlineData("file://x.jpg", SourceKind.Image)]
    [InlineData("file://photo.PNG", SourceKind.Image)]
    [InlineData("file://clip.avi", SourceKind.File)]
    [InlineData("v4l2:///dev/video0", SourceKind.V4l2)]
    [InlineData("rtsp://user:pw@10.0.0.5:554/stream1", SourceKind.Ffmpeg)]
    [InlineData("https://example.com/live.m3u8", SourceKind.Ffmpeg)]
    public void Source_kind_follows_the_scheme(string source, SourceKind kind)
    {
        using var dir = new TempDir();
        var path = Write(dir, "camera:", "  source: " + source, "model:", ModelLine);

        Assert.Equal(kind, ConfigLoader.Load(path).Camera.Kind);
    }

    [Fact]
    public void Source_locations()
    {
        using var dir = new TempDir();

        var image = ConfigLoader.Load(Write(dir, "camera:", "  source: file://x.jpg", "model:", ModelLine)).Camera;
        var absolute = ConfigLoader.Load(Write(dir, "camera:", "  source: file:///data/clip.avi", "model:", ModelLine)).Camera;
        var device = ConfigLoader.Load(Write(dir, "camera:", "  source: v4l2:///dev/video0", "model:", ModelLine)).Camera;
        var rtsp = ConfigLoader.Load(Write(dir, "camera:", "  source: rtsp://cam.local/stream", "model:", ModelLine)).Camera;

        Assert.Equal(dir.File("x.jpg"), image.Location);
        Assert.Equal("/data/clip.avi", absolute.Location);
        Assert.Equal("/dev/video0", device.Location);
        Assert.True(device.IsLive);
        Assert.Equal("rtsp://cam.local/stream", rtsp.Location);
        Assert.True(rtsp.IsLive);
    }

    [Fact]
    public void Model_input_overrides_merge_with_the_family_defaults()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir, "  input: { channels: bgr, range: 0-255, pad: 0 }");

        var model = ConfigLoader.Load(path).Model;

        // overridden: channels, range, pad; the family still decides align (and resize stays linear)
        Assert.Equal(new InputConfig(ResizeMode.Linear, ChannelOrder.Bgr, 1f, 0, PadAlign.Center), model.InputFor(ModelFamily.Yolov8));
        Assert.Equal(new InputConfig(ResizeMode.Linear, ChannelOrder.Bgr, 1f, 0, PadAlign.TopLeft), model.InputFor(ModelFamily.Yolox));
    }

    [Fact]
    public void Model_input_defaults_are_each_familys_reference()
    {
        using var dir = new TempDir();
        var model = ConfigLoader.Load(WriteMinimal(dir)).Model;
        var aligned = ConfigLoader.Load(WriteMinimal(dir, "  input: { resize: nearest, align: top-left, range: 0-1 }")).Model;

        Assert.Equal(new InputConfig(ResizeMode.Linear, ChannelOrder.Bgr, 1f, 114, PadAlign.TopLeft), model.InputFor(ModelFamily.Yolox));
        Assert.Equal(new InputConfig(ResizeMode.Linear, ChannelOrder.Rgb, 1f / 255f, 114, PadAlign.Center), model.InputFor(ModelFamily.Yolov5));
        Assert.Equal(new InputConfig(ResizeMode.Nearest, ChannelOrder.Rgb, 1f / 255f, 114, PadAlign.TopLeft), aligned.InputFor(ModelFamily.Yolov8));
        Assert.Equal(new InputConfig(ResizeMode.Nearest, ChannelOrder.Bgr, 1f / 255f, 114, PadAlign.TopLeft), aligned.InputFor(ModelFamily.Yolox));
    }

    [Theory]
    [InlineData("cpu", ExecutionProvider.Cpu)]
    [InlineData("cuda", ExecutionProvider.Cuda)]
    [InlineData("tensorrt", ExecutionProvider.Tensorrt)]
    [InlineData("openvino", ExecutionProvider.OpenVino)]
    [InlineData("CUDA", ExecutionProvider.Cuda)] // like every choice, case does not matter
    public void Model_provider_reads_each_value(string text, ExecutionProvider provider)
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir, "  provider: " + text);

        // Only read here: whether this build has the provider is checked when the model loads.
        Assert.Equal(provider, ConfigLoader.Load(path).Model.Provider);
    }

    // ---- errors: FILE:LINE:COLUMN: key: what was expected ----

    [Fact]
    public void Unknown_key_is_named_with_its_section_and_line()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir, "detect: { scroe: 0.3 }"); // line 5

        AssertError(path, 5, "detect.scroe", "unknown key", "score");
    }

    [Fact]
    public void Unknown_nested_and_top_level_keys()
    {
        using var dir = new TempDir();
        var nested = WriteMinimal(dir, "detect:", "  per_class:", "    person: { min_scroe: 0.5 }"); // line 7
        AssertError(nested, 7, "detect.per_class.person.min_scroe", "unknown key");

        var reconnect = Write(dir, "camera:", "  source: v4l2:///dev/video0", "  reconnect:", "    intial_ms: 5", "model:", ModelLine); // line 4
        AssertError(reconnect, 4, "camera.reconnect.intial_ms", "unknown key");

        var top = WriteMinimal(dir, "publsh:", "  endpoint: tcp://127.0.0.1:5556"); // line 5
        AssertError(top, 5, "publsh", "unknown key");
    }

    [Fact]
    public void Per_class_key_that_is_not_a_name_is_a_config_error()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir, "detect:", "  per_class:", "    ? [person, car]", "    : { min_score: 0.5 }"); // key on line 7

        var e = Error(path); // not an InvalidCastException

        Assert.StartsWith($"{path}:7:", e.Message);
        Assert.Contains("detect.per_class", e.Message);
    }

    [Fact]
    public void Wrong_types()
    {
        using var dir = new TempDir();
        var loop = Write(dir, "camera:", "  source: file://clip.avi", "  loop: maybe", "model:", ModelLine); // line 3
        AssertError(loop, 3, "camera.loop", "maybe");

        var score = WriteMinimal(dir, "detect:", "  score: [1, 2]"); // line 6
        AssertError(score, 6, "detect.score");

        var count = WriteMinimal(dir, "detect:", "  max_detections: lots"); // line 6
        AssertError(count, 6, "detect.max_detections", "lots");

        var section = WriteMinimal(dir, "detect: 0.3"); // line 5
        AssertError(section, 5, "detect");
    }

    [Fact]
    public void Out_of_range_values()
    {
        using var dir = new TempDir();
        var score = WriteMinimal(dir, "detect:", "  score: 1.5"); // line 6
        AssertError(score, 6, "detect.score", "1.5", "out of range");

        var threads = WriteMinimal(dir, "  threads: 0"); // line 5, still in model
        AssertError(threads, 5, "model.threads", "out of range");

        var choice = Write(dir, "camera:", "  source: file://clip.avi", "  pace: fast", "model:", ModelLine); // line 3
        AssertError(choice, 3, "camera.pace", "fast", "realtime");
    }

    [Fact]
    public void Unknown_provider_is_named_with_the_allowed_values()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir, "  provider: rocm"); // line 5, still in model

        AssertError(path, 5, "model.provider", "'rocm' is not one of: cpu, cuda, tensorrt, openvino");
    }

    [Fact]
    public void Missing_section_is_named()
    {
        using var dir = new TempDir();
        var path = Write(dir, "camera:", "  source: file://clip.avi");

        var e = Error(path);

        Assert.Contains(path, e.Message);
        Assert.Contains("model: section is required", e.Message);
    }

    [Fact]
    public void Missing_source_is_named()
    {
        using var dir = new TempDir();
        var path = Write(dir, "camera:", "  id: cam1", "model:", ModelLine); // camera mapping starts on line 2

        AssertError(path, 2, "camera.source", "required");
    }

    [Fact]
    public void Missing_model_file_names_the_full_path()
    {
        using var dir = new TempDir();
        var path = Write(dir, "camera:", "  source: file://clip.avi", "model:", "  path: missing.onnx"); // line 4

        AssertError(path, 4, "model.path", dir.File("missing.onnx"), "not found");
    }

    [Fact]
    public void Missing_labels_file_names_the_full_path()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir, "  labels: nope.names"); // line 5

        AssertError(path, 5, "model.labels", dir.File("nope.names"));
    }

    [Fact]
    public void Ipc_endpoint_is_rejected_with_the_reason()
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir, "publish:", "  endpoint: ipc:///tmp/smartcam.sock"); // line 6

        AssertError(path, 6, "publish.endpoint", "ipc://", "NetMQ", "TCP", "tcp://127.0.0.1");
    }

    [Theory]
    [InlineData("udp://127.0.0.1:5556", "tcp://")]
    [InlineData("inproc://det", "tcp://")]
    [InlineData("tcp://127.0.0.1:70000", "port")]
    [InlineData("tcp://127.0.0.1:0", "port")]
    [InlineData("tcp://127.0.0.1", "port")]
    [InlineData("tcp://127.0.0.1:http", "port")]
    public void Bad_endpoints(string endpoint, string mentions)
    {
        using var dir = new TempDir();
        var path = WriteMinimal(dir, "publish:", "  endpoint: " + endpoint); // line 6

        AssertError(path, 6, "publish.endpoint", endpoint, mentions);
    }

    [Theory]
    [InlineData("\"cam 0\"")]
    [InlineData("cam/0")]
    [InlineData("\"\"")]
    [InlineData("a123456789b123456789c123456789d123456789e123456789f123456789g12345")] // 65 characters
    public void Invalid_camera_id(string id)
    {
        using var dir = new TempDir();
        var path = Write(dir, "camera:", "  id: " + id, "  source: file://clip.avi", "model:", ModelLine); // line 2

        AssertError(path, 2, "camera.id", "not a valid camera id");
    }

    [Fact]
    public void Invalid_yaml_names_the_file_and_a_line()
    {
        using var dir = new TempDir();
        var path = Write(dir, "camera:", "  source: file://clip.avi", "model:", ModelLine, "detect: { score: 0.3"); // unclosed on line 5

        var e = Error(path);

        Assert.Matches("^" + Regex.Escape(path) + @":[5-6]:\d+: not valid YAML", e.Message);
    }

    [Fact]
    public void Empty_file_is_rejected_naming_it()
    {
        using var dir = new TempDir();
        var path = dir.Write("smartcam.yaml", "");

        var e = Error(path);

        Assert.Contains(path, e.Message);
        Assert.Contains("camera", e.Message);
    }

    [Fact]
    public void Width_without_height_is_rejected()
    {
        using var dir = new TempDir();
        var path = Write(dir, "camera:", "  source: v4l2:///dev/video0", "  width: 640", "model:", ModelLine);

        var e = Error(path);

        Assert.Matches("^" + Regex.Escape(path) + @":3:\d+: camera\.width: ", e.Message); // the width line (3), not the camera line
        Assert.Contains("height", e.Message);
    }

    [Fact]
    public void Missing_config_file_is_named()
    {
        using var dir = new TempDir();
        var path = dir.File("absent.yaml");

        var e = Error(path);

        Assert.Contains(path, e.Message);
    }
}
