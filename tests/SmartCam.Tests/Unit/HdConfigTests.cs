using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>The camera keys for HD and 4K cameras (issue 28): hwaccel, detect_source, decoder_threads, convert.</summary>
public class HdConfigTests
{
    private static readonly string[] Model = ["model:", "  path: " + Repo.Model];

    /// <summary>A camera section with <paramref name="source"/> and <paramref name="more"/> keys, then the model.</summary>
    private static CameraConfig Camera(TempDir dir, string source, params string[] more) =>
        ConfigLoader.Load(Write(dir, source, more)).Camera;

    private static string Write(TempDir dir, string source, params string[] more) =>
        dir.Write("smartcam.yaml", string.Join("\n", ["camera:", "  source: " + source, .. more.Select(m => "  " + m), .. Model]) + "\n");

    /// <summary>The one-line message for a config the loader refuses.</summary>
    private static string Refused(TempDir dir, string source, params string[] more)
    {
        var path = Write(dir, source, more);
        var message = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path)).Message;
        Assert.StartsWith(path + ":", message);
        Assert.DoesNotContain('\n', message);
        return message;
    }

    [Fact]
    public void Without_the_keys_a_camera_gets_the_documented_defaults()
    {
        using var dir = new TempDir();
        var c = Camera(dir, "file://clip.avi");
        Assert.Equal(HwAccel.Auto, c.HwAccel);
        Assert.Equal(0, c.DecoderThreads);
        Assert.Equal(ConvertMode.Auto, c.Convert);
        Assert.Null(c.DetectSource);
        Assert.Null(c.DetectKind);
        Assert.Null(c.DetectLocation);
        Assert.Equal((CameraSection.HwAccel.Default, CameraSection.DecoderThreads.Default, CameraSection.Convert.Default), (c.HwAccel, c.DecoderThreads, c.Convert));
    }

    [Theory]
    [InlineData("auto", HwAccel.Auto)]
    [InlineData("none", HwAccel.None)]
    [InlineData("vaapi", HwAccel.Vaapi)]
    [InlineData("v4l2m2m", HwAccel.V4l2m2m)]
    [InlineData("VAAPI", HwAccel.Vaapi)]
    public void Hwaccel_takes_its_four_names(string written, HwAccel expected)
    {
        using var dir = new TempDir();
        Assert.Equal(expected, Camera(dir, "file://clip.avi", "hwaccel: " + written).HwAccel);
    }

    [Fact]
    public void Hwaccel_refuses_another_name_listing_the_four()
    {
        using var dir = new TempDir();
        var message = Refused(dir, "file://clip.avi", "hwaccel: cuda");
        Assert.EndsWith("camera.hwaccel: 'cuda' is not one of: auto, none, vaapi, v4l2m2m", message);
    }

    [Theory]
    [InlineData("auto", ConvertMode.Auto)]
    [InlineData("full", ConvertMode.Full)]
    [InlineData("model", ConvertMode.Model)]
    public void Convert_takes_its_three_names(string written, ConvertMode expected)
    {
        using var dir = new TempDir();
        Assert.Equal(expected, Camera(dir, "file://clip.avi", "convert: " + written).Convert);
    }

    [Fact]
    public void Convert_refuses_another_name_listing_the_three()
    {
        using var dir = new TempDir();
        Assert.EndsWith("camera.convert: 'yuv' is not one of: auto, full, model", Refused(dir, "file://clip.avi", "convert: yuv"));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("16", 16)]
    public void Decoder_threads_takes_0_to_16(string written, int expected)
    {
        using var dir = new TempDir();
        Assert.Equal(expected, Camera(dir, "file://clip.avi", "decoder_threads: " + written).DecoderThreads);
    }

    [Theory]
    [InlineData("17", "camera.decoder_threads: 17 is out of range; expected 0 to 16")]
    [InlineData("-1", "camera.decoder_threads: -1 is out of range; expected 0 to 16")]
    [InlineData("two", "camera.decoder_threads: 'two' is not a whole number")]
    public void Decoder_threads_refuses_what_is_not_0_to_16(string written, string expected)
    {
        using var dir = new TempDir();
        Assert.EndsWith(expected, Refused(dir, "file://clip.avi", "decoder_threads: " + written));
    }

    [Fact]
    public void Decoder_threads_0_means_one_per_housekeeping_cpu_at_most_4()
    {
        var auto = new CameraConfig();
        Assert.Equal(1, auto.DecoderThreadsFor([0], processorCount: 2)); // a 2-core box: decode on the capture thread
        Assert.Equal(3, auto.DecoderThreadsFor([0, 1, 2], processorCount: 8));
        Assert.Equal(CameraSection.AutoDecoderThreadsMax, auto.DecoderThreadsFor([0, 1, 2, 3, 4, 5], processorCount: 8));
        Assert.Equal(2, auto.DecoderThreadsFor([], processorCount: 2)); // no housekeeping CPUs named: the process's
        Assert.Equal(CameraSection.AutoDecoderThreadsMax, auto.DecoderThreadsFor([], processorCount: 16));
        Assert.Equal(6, (auto with { DecoderThreads = 6 }).DecoderThreadsFor([0], processorCount: 2)); // given: as given
    }

    [Fact]
    public void Convert_auto_goes_straight_to_the_model_only_past_twice_its_size_both_ways()
    {
        var auto = new CameraConfig();
        Assert.Equal(ConvertMode.Full, auto.ConvertFor(768, 576, 416, 416));
        Assert.Equal(ConvertMode.Model, auto.ConvertFor(1920, 1080, 416, 416));
        Assert.Equal(ConvertMode.Model, auto.ConvertFor(3840, 2160, 416, 416));
        Assert.Equal(ConvertMode.Full, auto.ConvertFor(832, 1080, 416, 416)); // exactly twice across: not more
        Assert.Equal(ConvertMode.Full, auto.ConvertFor(1920, 800, 416, 416)); // not twice down
        Assert.Equal(ConvertMode.Full, (auto with { Convert = ConvertMode.Full }).ConvertFor(3840, 2160, 416, 416));
        Assert.Equal(ConvertMode.Model, (auto with { Convert = ConvertMode.Model }).ConvertFor(768, 576, 416, 416));
    }

    [Theory]
    [InlineData("rtsp://10.0.0.21/sub", SourceKind.Ffmpeg, "rtsp://10.0.0.21/sub")]
    [InlineData("rtsps://10.0.0.21/sub", SourceKind.Ffmpeg, "rtsps://10.0.0.21/sub")]
    [InlineData("https://10.0.0.21/sub.mjpg", SourceKind.Ffmpeg, "https://10.0.0.21/sub.mjpg")]
    public void Detect_source_takes_the_forms_of_source(string written, SourceKind kind, string location)
    {
        using var dir = new TempDir();
        var c = Camera(dir, "rtsp://10.0.0.21/main", "detect_source: " + written);
        Assert.Equal(written, c.DetectSource);
        Assert.Equal(kind, c.DetectKind);
        Assert.Equal(location, c.DetectLocation);
        Assert.Equal("rtsp://10.0.0.21/main", c.Location); // the main stream is still the source
    }

    [Fact]
    public void A_file_detect_source_is_relative_to_the_config()
    {
        using var dir = new TempDir();
        var c = Camera(dir, "file://clip-4k.avi", "detect_source: file://clip-small.avi");
        Assert.Equal(SourceKind.File, c.DetectKind);
        Assert.Equal(dir.File("clip-small.avi"), c.DetectLocation);
    }

    [Theory]
    [InlineData("rtsp://10.0.0.21/main", "rtsp://10.0.0.21/main")]
    [InlineData("file://clip.avi", "file://./clip.avi")] // the same file, written otherwise
    public void Detect_source_equal_to_source_is_refused_as_pointless(string source, string detect)
    {
        using var dir = new TempDir();
        var message = Refused(dir, source, "detect_source: " + detect);
        Assert.Contains("camera.detect_source: ", message);
        Assert.Contains($"'{detect}' is the source itself, which is pointless", message);
    }

    [Fact]
    public void A_still_image_is_no_detect_source()
    {
        using var dir = new TempDir();
        var message = Refused(dir, "rtsp://10.0.0.21/main", "detect_source: file://snapshot.jpg");
        Assert.Contains("camera.detect_source: 'file://snapshot.jpg' is a still image; expected a video stream or file", message);
    }

    [Theory]
    [InlineData("rtsp://10.0.0.21/main", "v4l2:///dev/video2", "'v4l2:///dev/video2' is a V4L2 device; expected a video file or an rtsp/http stream")]
    [InlineData("rtsp://10.0.0.21/main", "file://clip-small.avi", "'file://clip-small.avi' and source must both be video files or both live streams")]
    [InlineData("file://clip-4k.avi", "rtsp://10.0.0.21/sub", "'rtsp://10.0.0.21/sub' and source must both be video files or both live streams")]
    public void A_detect_source_of_another_kind_than_source_is_refused(string source, string detect, string expected)
    {
        using var dir = new TempDir();
        Assert.Contains("camera.detect_source: " + expected, Refused(dir, source, "detect_source: " + detect));
    }

    [Theory]
    [InlineData("ftp://10.0.0.21/sub", "camera.detect_source: 'ftp://10.0.0.21/sub' is not a supported source")]
    [InlineData("rtsp://", "camera.detect_source: 'rtsp://' has no host")]
    [InlineData("v4l2://video2", "camera.detect_source: 'v4l2://video2' names no device")]
    [InlineData("\"\"", "camera.detect_source: is empty")]
    public void A_bad_detect_source_is_named_as_detect_source(string written, string expected)
    {
        using var dir = new TempDir();
        Assert.Contains(expected, Refused(dir, "rtsp://10.0.0.21/main", "detect_source: " + written));
    }

    [Fact]
    public void Each_camera_of_a_list_has_its_own_keys()
    {
        using var dir = new TempDir();
        var path = dir.Write("smartcam.yaml", string.Join("\n", [
            "cameras:",
            "  - source: rtsp://10.0.0.21/main",
            "    detect_source: rtsp://10.0.0.21/sub",
            "    hwaccel: none",
            "    convert: model",
            "    decoder_threads: 2",
            "  - source: rtsp://10.0.0.22/main",
            .. Model]) + "\n");
        var cameras = ConfigLoader.Load(path).Cameras;
        Assert.Equal((HwAccel.None, ConvertMode.Model, 2, "rtsp://10.0.0.21/sub"), (cameras[0].HwAccel, cameras[0].Convert, cameras[0].DecoderThreads, cameras[0].DetectSource));
        Assert.Equal((HwAccel.Auto, ConvertMode.Auto, 0, (string?)null), (cameras[1].HwAccel, cameras[1].Convert, cameras[1].DecoderThreads, cameras[1].DetectSource));
    }
}
