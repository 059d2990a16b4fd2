namespace SmartCam.Tests.Integration;

/// <summary>
/// camera.hwaccel through the binary on this machine, which has neither VA-API nor V4L2 M2M: a decoder asked for by
/// name stops validate and run with exit 2 and one line; auto runs in software and says so once per camera.
/// </summary>
public sealed class HwAccelTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("validate", "vaapi", "this box has no VA-API render node (/dev/dri/renderD128)")]
    [InlineData("run", "vaapi", "this box has no VA-API render node (/dev/dri/renderD128)")]
    [InlineData("validate", "v4l2m2m", "this box has no V4L2 memory-to-memory decoder")]
    [InlineData("run", "v4l2m2m", "this box has no V4L2 memory-to-memory decoder")]
    public void A_decoder_the_box_lacks_stops_start_up_with_exit_2_and_one_line(string command, string hwaccel, string missing)
    {
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, ChildProcess.FreePort(), camera: $"hwaccel: {hwaccel}", waitForSubscribers: 0);
        using var process = ChildProcess.SmartCam(command, "--config", config);

        Assert.Equal(2, process.WaitForExit(Timeout));

        var lines = process.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, process.Stderr);
        Assert.StartsWith($"smartcam: {config}: camera.hwaccel: {hwaccel} asked for, but {missing}", lines[0]);
        Assert.EndsWith("; use auto or none", lines[0].TrimEnd('\r'));
        Assert.DoesNotContain("   at ", process.Stderr);
    }

    [Fact]
    public void Auto_runs_in_software_and_logs_it_once_per_camera()
    {
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, ChildProcess.FreePort(), camera: "loop: false\n  pace: max\n  hwaccel: auto", waitForSubscribers: 0);
        using var service = ChildProcess.SmartCam("run", "--config", config);

        Assert.True(service.WaitFor(p => p.Stderr.Contains("Camera cam0: software decoding"), Timeout), service.Stderr);
        Assert.Equal(0, service.WaitForExit(Timeout));
        var said = service.Stderr.Split('\n').Count(l => l.Contains("Camera cam0: software decoding (no VA-API or V4L2 M2M decoder on this box)"));
        Assert.Equal(1, said);
    }
}
