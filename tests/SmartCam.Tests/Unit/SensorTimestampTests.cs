using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.HandOver;
using SmartCam.Messaging;

namespace SmartCam.Tests.Unit;

/// <summary>
/// A camera that stamps its own frames (a V4L2 driver): the frame's capture time is the device's, its read time is
/// kept beside it and published as ts_read_ns; and a camera that cannot do what the config asks fails once with its
/// line, without the reconnect loop a camera that went away gets.
/// </summary>
public class SensorTimestampTests
{
    /// <summary>A live source whose frames were captured <paramref name="ageNs"/> before they are read, as a driver's queue holds them.</summary>
    private sealed class StampingSource(long ageNs, int frames) : IFrameSource
    {
        private int _read;
        private long _captureNs = -1;

        public double Fps => 30;
        public long LastCaptureNs => _captureNs;
        public string? Description => "YUYV 64x48 at 30 fps, driver timestamps";
        public void Open() { }

        public ReadResult Read(Mat into)
        {
            if (_read++ >= frames) return ReadResult.End;
            into.Create(48, 64, MatType.CV_8UC3);
            _captureNs = MonotonicClock.NowNs() - ageNs;
            return ReadResult.Frame;
        }

        public void Interrupt() { }
        public void Dispose() { }
    }

    private static CameraConfig Live => new() { Id = "usb0", Source = "v4l2:///dev/video0", Kind = SourceKind.V4l2, Location = "/dev/video0", Loop = false };

    [Fact]
    public void A_frame_carries_the_devices_capture_time_and_its_read_time_after_it()
    {
        const long age = 7_000_000;
        using var channel = new SlotChannel<Frame>(4, FullMode.Lossless, () => new Frame());
        using var capture = new CaptureLoop(Live with { Kind = SourceKind.File, Location = "x" }, new StampingSource(age, 3), channel, NullLogger.Instance);
        var readAfter = MonotonicClock.NowNs();
        capture.Start();
        var frames = new List<(long Capture, long Read, DateTime Utc)>();
        Eventually.Until(() =>
        {
            while (channel.TryRead(out var f))
            {
                frames.Add((f.CaptureNs, f.ReadNs, f.CaptureUtc));
                channel.Release(f);
            }
            return frames.Count == 3;
        }, TimeSpan.FromSeconds(60), "three frames");
        foreach (var (captured, read, utc) in frames)
        {
            Assert.True(read - captured >= age, $"read {read} is not {age} ns after capture {captured}");
            Assert.True(captured >= readAfter - age);
            Assert.True(utc < DateTime.UtcNow.AddTicks(-age / 100)); // the wall-clock time is the capture's too
        }
        Assert.Equal("YUYV 64x48 at 30 fps, driver timestamps", capture.Counters.Mode);
    }

    [Fact]
    public void Ts_read_ns_is_published_only_where_the_capture_time_is_the_devices()
    {
        var writer = new MessageWriter("usb0", "yolox_nano", ["person"]) { Image = null };
        var result = new DetectionResult(4) { Seq = 3, CaptureNs = 1_000, ReadNs = 5_000, Width = 64, Height = 48 };
        writer.WriteDetections(result, 9_000);
        using (var sensor = JsonDocument.Parse(writer.Buffer.WrittenSpan.ToArray()))
        {
            Assert.Equal(1_000, sensor.RootElement.GetProperty(MessageNames.TsCaptureNs).GetInt64());
            Assert.Equal(5_000, sensor.RootElement.GetProperty(MessageNames.TsReadNs).GetInt64());
        }
        result.ReadNs = 0;
        writer.WriteDetections(result, 9_000);
        using var read = JsonDocument.Parse(writer.Buffer.WrittenSpan.ToArray());
        Assert.False(read.RootElement.TryGetProperty(MessageNames.TsReadNs, out _));
    }

    [Fact]
    public void Status_carries_the_mode_the_camera_was_set_to_and_the_schema_knows_it()
    {
        var writer = new MessageWriter("usb0", "yolox_nano", ["person"]) { Image = null };
        writer.WriteStatus(new PipelineStats(), "run", "running", 1, 30, cameraMode: "YUYV 640x480 at 59.94 fps, driver timestamps");
        using (var status = JsonDocument.Parse(writer.Buffer.WrittenSpan.ToArray()))
            Assert.Equal("YUYV 640x480 at 59.94 fps, driver timestamps", status.RootElement.GetProperty(MessageNames.CameraMode).GetString());
        writer.WriteStatus(new PipelineStats(), "run", "running", 1, 30);
        using (var file = JsonDocument.Parse(writer.Buffer.WrittenSpan.ToArray()))
            Assert.False(file.RootElement.TryGetProperty(MessageNames.CameraMode, out _));
        using var schema = JsonDocument.Parse(File.ReadAllText(Repo.Path("docs", "schema", "status.v1.schema.json")));
        Assert.True(schema.RootElement.GetProperty("properties").TryGetProperty(MessageNames.CameraMode, out _));
        using var det = JsonDocument.Parse(File.ReadAllText(Repo.Path("docs", "schema", "det.v1.schema.json")));
        Assert.True(det.RootElement.GetProperty("properties").TryGetProperty(MessageNames.TsReadNs, out _));
    }

    /// <summary>A camera that is there but offers another size: the open throws what <see cref="V4l2Negotiation"/> says.</summary>
    private sealed class WrongModeSource : IFrameSource
    {
        public int Opens;
        public double Fps => 0;
        public void Open()
        {
            Opens++;
            throw new CameraModeException("camera.width/height: /dev/video0 does not offer 1920x1080 in YUYV; it offers 640x480");
        }

        public ReadResult Read(Mat into) => ReadResult.Disconnected;
        public void Interrupt() { }
        public void Dispose() { }
    }

    [Fact]
    public void A_camera_that_cannot_do_what_the_config_asks_fails_once_instead_of_reconnecting()
    {
        var source = new WrongModeSource();
        using var channel = new SlotChannel<Frame>(1, FullMode.Freshest, () => new Frame());
        using var capture = new CaptureLoop(Live with { ReconnectInitialMs = 10, ReconnectMaxMs = 10 }, source, channel, NullLogger.Instance);
        capture.Start();
        Eventually.Until(() => capture.State == "failed", TimeSpan.FromSeconds(60), "the capture fails");
        Assert.Equal(1, source.Opens);
        Assert.Equal("camera.width/height: /dev/video0 does not offer 1920x1080 in YUYV; it offers 640x480", capture.Error);
        Assert.IsType<CameraModeException>(capture.Failure);
    }
}
