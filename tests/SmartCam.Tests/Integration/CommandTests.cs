namespace SmartCam.Tests.Integration;

/// <summary>The validate and watch commands, against real files and a running service.</summary>
public sealed class CommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Validate_prints_a_summary_of_the_demo_config()
    {
        using var validate = ChildProcess.SmartCam("validate", "--config", Repo.Path("configs", "demo.yaml"));
        Assert.True(validate.WaitForExit(TimeSpan.FromSeconds(60)) == 0, validate.Stderr);
        Assert.Contains("family yolox, input 416x416 BGR 0-255 pad 114 top-left, output [1, 3549, 85], 80 classes", validate.Stdout);
        Assert.Contains(Repo.Video, validate.Stdout);
        Assert.Contains("tcp://127.0.0.1:5556", validate.Stdout);
    }

    [Fact]
    public void Validate_fails_on_a_bad_config()
    {
        var config = _dir.Write("bad.yaml", $"camera: {{ source: 'file://{Repo.Video}', colour: red }}\nmodel: {{ path: {Repo.Model} }}\n");
        using var validate = ChildProcess.SmartCam("validate", "--config", config);
        Assert.Equal(2, validate.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains("camera.colour: unknown key", validate.Stderr);
    }

    [Fact]
    public void Validate_fails_on_a_video_that_cannot_open()
    {
        var config = _dir.Write("bad.yaml", $"camera: {{ source: 'file://{_dir.File("x.avi")}' }}\nmodel: {{ path: {Repo.Model} }}\n");
        using var validate = ChildProcess.SmartCam("validate", "--config", config);
        Assert.Equal(2, validate.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains("x.avi: video file not found", validate.Stderr);
    }

    [Fact]
    public void Watch_prints_one_line_per_detection_message()
    {
        var port = ChildProcess.FreePort();
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, port, camera: "loop: true\n  pace: realtime", waitForSubscribers: 0);
        using var service = ChildProcess.SmartCam("run", "--config", config);
        using var watch = ChildProcess.SmartCam("watch", "--endpoint", $"tcp://127.0.0.1:{port}", "--topic", "det.", "--count", "3");
        Assert.True(watch.WaitForExit(TimeSpan.FromSeconds(60)) == 0, watch.Stderr + service.Stderr);
        var lines = watch.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^det\.cam0 seq=\d+ \d{4}-\d\d-\d\dT[\d:.]+Z capture→publish=[\d.]+ms .* \d+ objects", l));
        Assert.Contains("| person ", watch.Stdout);
    }

    [Fact]
    public void Example_subscribers_in_python_and_csharp_print_detections()
    {
        var port = ChildProcess.FreePort();
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, port, camera: "loop: true\n  pace: realtime", waitForSubscribers: 0);
        using var service = ChildProcess.SmartCam("run", "--config", config);
        var endpoint = $"tcp://127.0.0.1:{port}";
        using var python = ChildProcess.Python(Repo.Path("docs", "examples", "subscriber.py"), "--endpoint", endpoint, "--camera", "cam0");
        // The C# example is built with the solution, in the same configuration as these tests.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Parent!.Name;
        using var csharp = ChildProcess.Start(Repo.Path("src", "SmartCam.Subscriber.Example", "bin", configuration, "net10.0", "smartcam-subscriber-example"), endpoint, "cam0");

        static bool SawDetections(ChildProcess p) => p.Stdout.Split('\n').Any(l => l.Contains("cam0") && l.Contains("seq=") && l.Contains("person"));
        Assert.True(python.WaitFor(SawDetections, TimeSpan.FromSeconds(60)), python.Stdout + python.Stderr);
        Assert.True(csharp.WaitFor(SawDetections, TimeSpan.FromSeconds(60)), csharp.Stdout + csharp.Stderr);
        Assert.True(csharp.WaitFor(p => p.Stdout.Contains("status.cam0 state=running"), TimeSpan.FromSeconds(60)), csharp.Stdout);
    }

    [Fact]
    public void Doctor_reports_this_host_as_it_is()
    {
        using var doctor = ChildProcess.SmartCam("doctor", "--json");
        var exit = doctor.WaitForExit(TimeSpan.FromSeconds(60));
        using var report = System.Text.Json.JsonDocument.Parse(doctor.Stdout);
        var kernel = report.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "PREEMPT_RT kernel");
        // Independent expectation: what the kernel itself says.
        var realtime = File.Exists("/sys/kernel/realtime") && File.ReadAllText("/sys/kernel/realtime").Trim() == "1";
        Assert.Equal(realtime ? "pass" : "fail", kernel.GetProperty("status").GetString());
        Assert.Equal(report.RootElement.GetProperty("failures").GetInt32() > 0 ? 1 : 0, exit);
    }

    [Fact]
    public void Doctor_and_jitter_name_a_bad_config_or_cpu()
    {
        using var doctor = ChildProcess.SmartCam("doctor", "--config", _dir.File("missing.yaml"));
        Assert.Equal(2, doctor.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("missing.yaml: cannot read the config file", doctor.Stderr);

        using var jitter = ChildProcess.SmartCam("jitter", "--cpu", Environment.ProcessorCount.ToString());
        Assert.Equal(2, jitter.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains($"--cpu 0-{Environment.ProcessorCount - 1}", jitter.Stderr);
    }

    [Fact]
    public void Watch_rejects_an_ipc_endpoint()
    {
        using var watch = ChildProcess.SmartCam("watch", "--endpoint", "ipc:///tmp/x");
        Assert.Equal(2, watch.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.Contains("ipc:// is not supported", watch.Stderr);
    }
}
