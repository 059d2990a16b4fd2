using System.Net;
using System.Net.Sockets;

namespace SmartCam.Tests.Integration;

/// <summary>User mistakes get one clear line naming the file, key or value, a non-zero exit and never a stack trace.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly TempDir _dir = new();
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public void Dispose() => _dir.Dispose();

    private (int Exit, string Stderr) Run(string config)
    {
        using var service = ChildProcess.SmartCam("run", "--config", config);
        var exit = service.WaitForExit(Timeout);
        Assert.DoesNotContain("   at ", service.Stderr); // no stack trace
        return (exit, service.Stderr);
    }

    private string Config(string source = "", string model = "", string detect = "score: 0.3", string publish = "", int? port = null)
    {
        source = source.Length > 0 ? source : "file://" + Repo.Video;
        model = model.Length > 0 ? model : $"path: {Repo.Model}\n  labels: {Repo.Labels}";
        publish = publish.Length > 0 ? publish : $"endpoint: tcp://127.0.0.1:{port ?? ChildProcess.FreePort()}";
        return _dir.Write("bad.yaml", $"""
            camera:
              source: {source}
              loop: false
              pace: max
            model:
              {model}
            detect:
              {detect}
            publish:
              {publish}
            """);
    }

    [Fact]
    public void Missing_config_file()
    {
        var (exit, stderr) = Run(_dir.File("nope.yaml"));
        Assert.Equal(2, exit);
        Assert.Contains("nope.yaml", stderr);
        Assert.Contains("cannot read the config file", stderr);
    }

    [Fact]
    public void Unknown_key_names_file_line_and_key()
    {
        var config = Config(detect: "scroe: 0.3");
        var (exit, stderr) = Run(config);
        Assert.Equal(2, exit);
        Assert.Contains($"{config}:9:", stderr); // camera(1) source loop pace model(5) path labels detect(8) scroe(9)
        Assert.Contains("detect.scroe: unknown key", stderr);
    }

    [Fact]
    public void Wrong_type_names_the_value()
    {
        var (exit, stderr) = Run(Config(detect: "score: high"));
        Assert.Equal(2, exit);
        Assert.Contains("detect.score: 'high' is not a number", stderr);
    }

    [Fact]
    public void Missing_model_file()
    {
        var missing = _dir.File("missing.onnx");
        var (exit, stderr) = Run(Config(model: $"path: {missing}"));
        Assert.Equal(2, exit);
        Assert.Contains($"model.path: file not found: {missing}", stderr);
    }

    [Fact]
    public void Labels_count_different_from_model_classes()
    {
        var labels = _dir.Write("79.names", string.Join("\n", File.ReadAllLines(Repo.Labels).Take(79)));
        var (exit, stderr) = Run(Config(model: $"path: {Repo.Model}\n  labels: {labels}"));
        Assert.Equal(2, exit);
        Assert.Contains("the model has 80 classes", stderr);
        Assert.Contains("the labels file has 79 names", stderr);
    }

    [Fact]
    public void Model_shape_that_does_not_fit_the_configured_family()
    {
        var (exit, stderr) = Run(Config(model: $"path: {Repo.Model}\n  family: yolov8\n  labels: {Repo.Labels}"));
        Assert.Equal(2, exit);
        Assert.Contains(Repo.Model, stderr);
        Assert.Contains("output shape [1, 3549, 85] does not fit family yolov8", stderr);
        Assert.Contains("[1, 4+80, 3549]", stderr);
    }

    [Fact]
    public void Ipc_endpoint_is_rejected_with_the_reason()
    {
        var (exit, stderr) = Run(Config(publish: "endpoint: ipc:///tmp/smartcam.sock"));
        Assert.Equal(2, exit);
        Assert.Contains("ipc:// is not supported", stderr);
        Assert.Contains("tcp://127.0.0.1:PORT", stderr);
    }

    [Fact]
    public void Endpoint_already_in_use()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var (exit, stderr) = Run(Config(port: port));
        Assert.Equal(2, exit);
        Assert.Contains($"tcp://127.0.0.1:{port}: address already in use", stderr);
    }

    [Fact]
    public void Video_file_that_does_not_exist()
    {
        var missing = _dir.File("gone.avi");
        var (exit, stderr) = Run(Config(source: "file://" + missing));
        Assert.Equal(1, exit);
        Assert.Contains($"{missing}: video file not found", stderr);
    }

    [Fact]
    public void File_that_is_not_a_video()
    {
        var text = _dir.Write("notes.avi", "these are not frames\n");
        var (exit, stderr) = Run(Config(source: "file://" + text));
        Assert.Equal(1, exit);
        Assert.Contains($"{text}: cannot open as a video", stderr);
    }

    [Fact]
    public void Truncated_video_is_processed_up_to_the_cut_and_ends_cleanly()
    {
        var cut = _dir.File("cut.avi");
        var bytes = File.ReadAllBytes(Repo.Video);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        var (exit, stderr) = Run(Config(source: "file://" + cut, publish: $"endpoint: tcp://127.0.0.1:{ChildProcess.FreePort()}"));
        Assert.Equal(0, exit);
        var processed = Processed(stderr);
        // Half the bytes hold roughly half the 795 frames; the rest are gone, not invented.
        Assert.InRange(processed, 300, 500);
    }

    [Fact]
    public void Corrupt_bytes_inside_a_video_are_survived()
    {
        var damaged = _dir.File("damaged.avi");
        var bytes = File.ReadAllBytes(Repo.Video);
        var random = new Random(7);
        // Overwrite 64 KiB blocks at five places in the middle of the stream.
        for (var k = 1; k <= 5; k++) random.NextBytes(bytes.AsSpan(bytes.Length * k / 7, 65536));
        File.WriteAllBytes(damaged, bytes);
        var (exit, stderr) = Run(Config(source: "file://" + damaged));
        Assert.Equal(0, exit);
        Assert.InRange(Processed(stderr), 600, 795);
    }

    private static int Processed(string stderr)
    {
        var m = System.Text.RegularExpressions.Regex.Match(stderr, @"(\d+) frames captured, (\d+) processed");
        Assert.True(m.Success, stderr);
        return int.Parse(m.Groups[2].Value);
    }
}
