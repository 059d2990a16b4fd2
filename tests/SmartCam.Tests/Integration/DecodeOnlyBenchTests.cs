using System.Text.Json;

namespace SmartCam.Tests.Integration;

/// <summary><c>smartcam bench --decode-only</c>: each camera's decoder alone, its rate and the size it decodes.</summary>
public sealed class DecodeOnlyBenchTests
{
    [Theory]
    [InlineData("vtest.avi", 768, 576)]
    [InlineData("vtest-1080p.avi", 1920, 1080)]
    public void Decode_only_reports_the_decoders_rate_for_the_cameras_size(string file, int width, int height)
    {
        using var dir = new TempDir();
        var config = ServiceConfig.Write(dir, "file://" + Repo.Path("media", file), ChildProcess.FreePort(), waitForSubscribers: 0);
        // More frames than a 300-frame file has: the bench loops it.
        using var bench = ChildProcess.SmartCam("bench", "--config", config, "--decode-only", "--frames", "400", "--warmup", "5");
        Assert.True(bench.WaitForExit(TimeSpan.FromSeconds(180)) == 0, bench.Stdout + bench.Stderr);
        var lines = bench.Stdout.Trim().Split('\n');
        Assert.StartsWith($"decode-only cam0 (file://{Repo.Path("media", file)}, {width}x{height}): 400 frames, ", lines[0]);
        var camera = JsonDocument.Parse(lines[^1]).RootElement.GetProperty("decode_only")[0];
        Assert.Equal((width, height, 400), (camera.GetProperty("width").GetInt32(), camera.GetProperty("height").GetInt32(), camera.GetProperty("frames").GetInt32()));
        Assert.True(camera.GetProperty("fps").GetDouble() > 0);
        var read = camera.GetProperty("read_us");
        Assert.True(read.GetProperty("p50").GetInt64() <= read.GetProperty("p99").GetInt64());
        Assert.True(read.GetProperty("p99").GetInt64() <= read.GetProperty("max").GetInt64());
    }
}
