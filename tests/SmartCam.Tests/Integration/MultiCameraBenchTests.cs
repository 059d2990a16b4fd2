using System.Text.Json;

namespace SmartCam.Tests.Integration;

/// <summary><c>smartcam bench</c> on a config with several cameras: it runs every part and reports per camera (no timing asserted).</summary>
public sealed class MultiCameraBenchTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string TwoCameras(int port) => _dir.Write("two.yaml", $"""
        cameras:
          - id: left
            source: file://{Repo.Video}
            loop: true
            pace: realtime
          - id: right
            source: file://{Repo.Video}
            loop: true
            pace: realtime
        model:
          path: {Repo.Model}
          family: yolox
          labels: {Repo.Labels}
        publish:
          endpoint: tcp://127.0.0.1:{port}
        """);

    [Fact]
    public void Bench_of_two_cameras_prints_a_json_line_with_each_camera_and_the_capacity_fairness_and_dying_runs()
    {
        var config = TwoCameras(ChildProcess.FreePort());
        using var bench = ChildProcess.SmartCam("bench", "--config", config, "--seconds", "3", "--max-cameras", "2", "--warmup-seconds", "1", "--bare", "20");
        Assert.True(bench.WaitForExit(TimeSpan.FromSeconds(180)) == 0, bench.Stderr);
        Assert.Contains("capacity", bench.Stdout);
        using var report = JsonDocument.Parse(bench.Stdout.Trim().Split('\n')[^1]);
        var root = report.RootElement;
        var cameras = root.GetProperty("configured").GetProperty("cameras").EnumerateArray().ToArray();
        Assert.Equal(["left", "right"], cameras.Select(c => c.GetProperty("id").GetString()));
        foreach (var c in cameras)
        {
            Assert.True(c.GetProperty("processed").GetInt64() > 0);
            Assert.True(c.GetProperty("capture_to_publish_us").GetProperty("p99").GetInt64() > 0);
        }
        Assert.True(root.GetProperty("configured").GetProperty("bytes_per_frame").TryGetProperty("publish", out _));
        // How many cameras this machine keeps up with is its own business; what the report says about it must agree with
        // the probes it lists. One instance, --max-cameras 2: the search probes 1 camera, then 2 only if 1 kept up; the
        // capacity is the most cameras a probe kept up with (0 when none did), "limited" when no probe failed; the
        // overload run has twice the capacity and the dying run one camera fewer, never fewer than 2.
        var capacity = root.GetProperty("capacity");
        var probes = capacity.GetProperty("probes").EnumerateArray()
            .Select(p => (Cameras: p.GetProperty("cameras").GetInt32(), Kept: p.GetProperty("kept").GetBoolean())).ToArray();
        Assert.Equal(probes[0].Kept ? new[] { 1, 2 } : [1], probes.Select(p => p.Cameras));
        var kept = capacity.GetProperty("cameras").GetInt32();
        Assert.Equal(probes.Where(p => p.Kept).Select(p => p.Cameras).DefaultIfEmpty(0).Max(), kept);
        Assert.Equal(probes.All(p => p.Kept), capacity.GetProperty("limited").GetBoolean());
        var overload = root.GetProperty("overload");
        Assert.Equal(Math.Max(2, 2 * kept), overload.GetProperty("cameras").GetInt32());
        Assert.Equal(overload.GetProperty("cameras").GetInt32(), overload.GetProperty("window").GetProperty("cameras").GetArrayLength());
        Assert.Equal(Math.Max(2, kept - 1), root.GetProperty("camera_dying").GetProperty("cameras").GetInt32());
        Assert.Equal("failed", root.GetProperty("camera_dying").GetProperty("state_after").GetString());
    }

    [Fact]
    public void Bench_options_that_do_not_suit_the_config_are_one_line_errors()
    {
        using var frames = ChildProcess.SmartCam("bench", "--config", TwoCameras(ChildProcess.FreePort()), "--frames", "100");
        Assert.Equal(2, frames.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains("smartcam bench: --frames, --warmup, --viewers and --reload-every-ms are for a single-camera config", frames.Stderr);
        Assert.Single(frames.Stderr.Trim().Split('\n'));

        using var viewers = ChildProcess.SmartCam("bench", "--config", TwoCameras(ChildProcess.FreePort()), "--viewers", "3");
        Assert.Equal(2, viewers.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains("smartcam bench: --frames, --warmup, --viewers and --reload-every-ms are for a single-camera config", viewers.Stderr);
        Assert.Single(viewers.Stderr.Trim().Split('\n'));

        // The publish endpoint is taken (as a second test run on the box would take bench.yaml's): the option is still what is reported.
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var single = _dir.Write("one.yaml", $"""
            camera:
              id: only
              source: file://{Repo.Video}
            model:
              path: {Repo.Model}
              family: yolox
              labels: {Repo.Labels}
            publish:
              endpoint: tcp://127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndpoint).Port}
            """);
        using var seconds = ChildProcess.SmartCam("bench", "--config", single, "--seconds", "5");
        Assert.Equal(2, seconds.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal($"smartcam bench: --seconds, --warmup-seconds, --probe-seconds and --max-cameras are for a config with several cameras; {single} has one (use --frames, --warmup)",
            seconds.Stderr.Trim());
    }
}
