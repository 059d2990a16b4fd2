using SmartCam.Capture;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>Live-source pieces that need no camera: the stall_ms key, the ffmpeg command line, and burst accounting.</summary>
public class LiveSourceTests
{
    private static string WriteConfig(TempDir dir, string cameraLine) => dir.Write("smartcam.yaml", string.Join('\n',
        "camera:", "  source: rtsp://127.0.0.1:8554/cam", cameraLine, "model:", "  path: " + Repo.Model, ""));

    [Fact]
    public void Stall_ms_defaults_to_2000_and_is_read()
    {
        using var dir = new TempDir();
        Assert.Equal(2000, ConfigLoader.Load(WriteConfig(dir, "  id: cam0")).Camera.StallMs);
        Assert.Equal(750, ConfigLoader.Load(WriteConfig(dir, "  stall_ms: 750")).Camera.StallMs);
    }

    [Theory]
    [InlineData("  stall_ms: 99", "99 is out of range; expected 100 to 600000")]
    [InlineData("  stall_ms: 600001", "600001 is out of range; expected 100 to 600000")]
    [InlineData("  stall_ms: soon", "'soon' is not a whole number")]
    public void Stall_ms_out_of_range_is_one_line_naming_the_key(string line, string expected)
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(WriteConfig(dir, line)));
        Assert.Contains("camera.stall_ms", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Rtsp_is_opened_without_probing_and_every_stream_passes_frames_through_once()
    {
        var rtsp = FfmpegPipeSource.Arguments(new CameraConfig { Source = "rtsp://cam/s", Location = "rtsp://cam/s", Kind = SourceKind.Ffmpeg });
        var http = FfmpegPipeSource.Arguments(new CameraConfig { Source = "http://cam/s.ts", Location = "http://cam/s.ts", Kind = SourceKind.Ffmpeg });

        var beforeInput = rtsp[..rtsp.IndexOf("-i")];
        Assert.Equal(["-rtsp_transport", "tcp", "-fflags", "nobuffer", "-flags", "low_delay", "-probesize", "32", "-analyzeduration", "0"],
            beforeInput[beforeInput.IndexOf("-rtsp_transport")..]);
        // An MPEG-TS stream over http has no SDP: its parameters must be probed, so it keeps the defaults.
        Assert.DoesNotContain("-probesize", http);
        foreach (var args in new[] { rtsp, http })
            Assert.Equal(["-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"], args[^7..]);
    }

    [Fact]
    public void A_hardware_decoder_is_named_to_ffmpeg_before_its_input()
    {
        var camera = new CameraConfig { Source = "rtsp://cam/main", Kind = SourceKind.Ffmpeg, Location = "rtsp://cam/main" };
        var m2m = FfmpegPipeSource.Arguments(camera, new HardwareDecoder(HwAccel.V4l2m2m, "/dev/video10", "h264_v4l2m2m"));
        Assert.Equal(["-c:v", "h264_v4l2m2m", "-i", "rtsp://cam/main"], m2m.SkipWhile(a => a != "-c:v").Take(4));
        var vaapi = FfmpegPipeSource.Arguments(camera, new HardwareDecoder(HwAccel.Vaapi, "/dev/dri/renderD128", null));
        Assert.Equal(["-hwaccel", "vaapi", "-hwaccel_device", "/dev/dri/renderD128", "-i"], vaapi.SkipWhile(a => a != "-hwaccel").Take(5));
        Assert.DoesNotContain("-hwaccel", FfmpegPipeSource.Arguments(camera));
        Assert.DoesNotContain("-c:v", FfmpegPipeSource.Arguments(camera));
    }

    [Fact]
    public void Waiting_for_the_camera_is_its_own_stage_apart_from_capture()
    {
        var stats = new SmartCam.Messaging.PipelineStats { PeriodUs = 100_000 };
        stats.RecordStages(900, 400, 11_000, 40, 50, 12_500, waitUs: 99_000);
        stats.RecordStages(900, 400, 11_000, 40, 50, 12_500, waitUs: 130_000); // the camera was late
        var wait = Assert.Single(stats.Stages, s => s.Name == "wait").Histogram;
        Assert.Equal((2L, 130_000L), (wait.Count, wait.Max));
        Assert.Equal(900, stats.Capture.Max);
        Assert.Equal(1, stats.Misses[Array.FindIndex(stats.Stages, s => s.Name == "wait")]);
        Assert.Equal(0, stats.DeadlineMisses);
    }

    [Fact]
    public void A_frame_replaced_within_half_a_period_is_a_burst_and_a_later_replacement_a_drop()
    {
        const long period = 100_000_000;
        // A backlog after a reconnect: frames 1 ms apart replace each other.
        Assert.True(CaptureLoop.IsBurst(0, 1_000_000, period / 2));
        Assert.True(CaptureLoop.IsBurst(1_000_000, 2_000_000, period / 2));
        // Then the camera's own pace: a frame replaced a period later was lost to the busy detector.
        Assert.False(CaptureLoop.IsBurst(2_000_000, 2_000_000 + period, period / 2));
        // Without a burst gap (before the source's rate is known), every replacement is a drop.
        Assert.False(CaptureLoop.IsBurst(0, 1, 0));
    }
}
