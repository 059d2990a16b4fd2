using SmartCam.Capture;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>
/// What a V4L2 camera is asked for, from the config and what it offers (hand-made offers shaped like real cameras':
/// a UVC webcam whose raw format is slow at large sizes, an HDMI grabber that lists no sizes), and the one line a
/// camera that cannot do what the config asks gets.
/// </summary>
public class V4l2NegotiationTests
{
    private const string Device = "/dev/video0";

    /// <summary>A typical USB webcam: MJPEG at full rate up to 1080p; raw YUYV fast only at small sizes (USB 2 bandwidth).</summary>
    private static readonly V4l2Format[] Webcam =
    [
        new("MJPG", "Motion-JPEG", true, false, [Size(1920, 1080, 30, 15), Size(1280, 720, 30, 15), Size(640, 480, 30, 15)]),
        new("YUYV", "YUYV 4:2:2", false, false, [Size(1920, 1080, 5), Size(1280, 720, 10), Size(640, 480, 30, 15)]),
        new("H264", "H.264", true, false, [Size(1920, 1080, 30)]),
    ];

    private static V4l2Size Size(int width, int height, params double[] rates) => new(width, height, width, height, rates);

    private static CameraConfig Camera(string pixelFormat = V4l2Negotiation.Auto, int width = 0, int height = 0, float fps = 0) =>
        new() { Source = "v4l2://" + Device, Kind = SourceKind.V4l2, Location = Device, PixelFormat = pixelFormat, Width = width, Height = height, Fps = fps };

    [Theory]
    [InlineData(1920, 1080, 0, "MJPG")] // raw runs at 5 fps there: MJPEG's 30 wins
    [InlineData(1280, 720, 0, "MJPG")]
    [InlineData(640, 480, 0, "YUYV")] // raw at the same 30 fps: no decoding, no artefacts
    [InlineData(640, 480, 15, "YUYV")]
    [InlineData(1920, 1080, 5, "YUYV")] // the rate asked for is one raw offers at that size
    public void Auto_takes_the_fastest_format_at_the_size_asked_raw_before_mjpeg(int width, int height, float fps, string expected)
    {
        var mode = V4l2Negotiation.Choose(Camera(width: width, height: height, fps: fps), Device, Webcam);
        Assert.Equal(new V4l2Mode(expected, width, height, fps), mode);
    }

    [Fact]
    public void Nv12_is_preferred_over_yuyv_at_the_same_rate_and_a_named_format_is_taken_as_asked()
    {
        V4l2Format[] board = [new("YUYV", "YUYV", false, false, [Size(1280, 720, 30)]), new("NV12", "Y/UV 4:2:0", false, false, [Size(1280, 720, 30)])];
        Assert.Equal("NV12", V4l2Negotiation.Choose(Camera(), Device, board).FourCc);
        Assert.Equal("YUYV", V4l2Negotiation.Choose(Camera("YUYV", 1280, 720), Device, board).FourCc);
        Assert.Equal(new V4l2Mode("MJPG", 640, 480, 30), V4l2Negotiation.Choose(Camera("MJPG", 640, 480, 30), Device, Webcam));
    }

    [Fact]
    public void A_range_of_sizes_and_rates_fits_anything_inside_it()
    {
        V4l2Format[] stepwise = [new("YUYV", "YUYV", false, false, [new V4l2Size(160, 120, 2592, 1944, [60, 1], RateRange: true)])];
        Assert.Equal(new V4l2Mode("YUYV", 1000, 700, 25), V4l2Negotiation.Choose(Camera(width: 1000, height: 700, fps: 25), Device, stepwise));
        var e = Assert.Throws<CameraModeException>(() => V4l2Negotiation.Choose(Camera(width: 4000, height: 3000), Device, stepwise));
        Assert.Equal("camera.width/height: /dev/video0 does not offer 4000x3000 in YUYV; it offers 160x120 to 2592x1944", e.Message);
    }

    [Fact]
    public void A_device_that_lists_no_sizes_is_asked_and_its_answer_checked()
    {
        // An HDMI grabber: the signal sets the size and rate, so the formats list none (the device reports its current one).
        V4l2Format[] hdmi = [new("YUYV", "YUYV", false, false, [])];
        Assert.Equal(new V4l2Mode("YUYV", 1280, 720, 60), V4l2Negotiation.Choose(Camera(width: 1280, height: 720, fps: 60), Device, hdmi));
    }

    public static TheoryData<CameraConfig, V4l2Format[], string> Refusals => new()
    {
        { Camera("NV12"), Webcam, "camera.pixel_format: /dev/video0 does not offer NV12; it offers MJPG, YUYV" },
        { Camera("YUYV", 800, 600), Webcam, "camera.width/height: /dev/video0 does not offer 800x600 in YUYV; it offers 1920x1080, 1280x720, 640x480" },
        { Camera(width: 800, height: 600), Webcam, "camera.width/height: /dev/video0 does not offer 800x600 in YUYV, MJPG; it offers 1920x1080, 1280x720, 640x480" },
        { Camera("YUYV", 640, 480, 60), Webcam, "camera.fps: /dev/video0 does not offer 60 fps for YUYV 640x480; it offers 30, 15 fps" },
        { Camera(), [Webcam[2]], "/dev/video0 offers no pixel format SmartCam reads (it offers H264; SmartCam reads NV12, YUYV, MJPG)" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_camera_that_cannot_do_what_is_asked_is_one_line_naming_the_key_and_what_it_offers(CameraConfig camera, V4l2Format[] offered, string expected)
    {
        var e = Assert.Throws<CameraModeException>(() => V4l2Negotiation.Choose(camera, Device, offered));
        Assert.Equal(expected, e.Message);
        Assert.IsAssignableFrom<SourceException>(e);
    }

    [Fact]
    public void What_the_driver_set_is_checked_against_what_was_asked()
    {
        var asked = new V4l2Mode("YUYV", 1280, 720, 30);
        Assert.Null(V4l2Negotiation.Mismatch(Device, asked, asked));
        Assert.Null(V4l2Negotiation.Mismatch(Device, asked, asked with { Fps = 29.97 })); // NTSC-style rates are the same rate
        Assert.Null(V4l2Negotiation.Mismatch(Device, new V4l2Mode("YUYV", 0, 0, 0), new V4l2Mode("YUYV", 640, 480, 60))); // nothing asked: the camera's own
        Assert.Equal("camera.width/height: /dev/video0 was asked for 1280x720 in YUYV and set 640x480",
            V4l2Negotiation.Mismatch(Device, asked, new V4l2Mode("YUYV", 640, 480, 30)));
        Assert.Equal("camera.fps: /dev/video0 was asked for 30 fps in YUYV 1280x720 and runs at 60 fps",
            V4l2Negotiation.Mismatch(Device, asked, asked with { Fps = 60 }));
        Assert.Equal("camera.pixel_format: /dev/video0 was asked for YUYV and set RGB3",
            V4l2Negotiation.Mismatch(Device, asked, asked with { FourCc = "RGB3" }));
    }

    [Fact]
    public void The_request_numbers_are_the_kernels()
    {
        // As linux/videodev2.h defines them on 64-bit Linux (printed by a C program built against the header).
        Assert.Equal([0x80685600, 0xc0405602, 0xc0d05604, 0xc0d05605, 0xc0145608, 0xc0585609, 0xc058560f, 0xc0585611, 0x40045612, 0x40045613, 0xc0cc5615, 0xc0cc5616, 0xc02c564a, 0xc034564b],
            new ulong[] { V4l2Device.QueryCap, V4l2Device.EnumFmt, V4l2Device.GFmt, V4l2Device.SFmt, V4l2Device.ReqBufs, V4l2Device.QueryBuf, V4l2Device.QBuf, V4l2Device.DqBuf,
                V4l2Device.StreamOn, V4l2Device.StreamOff, V4l2Device.GParm, V4l2Device.SParm, V4l2Device.EnumFrameSizes, V4l2Device.EnumFrameIntervals });
    }

    [Fact]
    public void Four_character_codes_round_trip()
    {
        Assert.Equal(0x56595559u, FourCc.Code("YUYV"));
        Assert.Equal(0x3231564Eu, FourCc.Code("NV12"));
        Assert.Equal("MJPG", FourCc.Name(FourCc.Code("MJPG")));
        Assert.Equal("Y8", FourCc.Name(FourCc.Code("Y8  ")));
    }

    [Theory]
    [InlineData(null, "auto")]
    [InlineData("auto", "auto")]
    [InlineData("AUTO", "auto")]
    [InlineData("nv12", "NV12")]
    [InlineData("yuyv", "YUYV")]
    [InlineData("MJPG", "MJPG")]
    public void Pixel_format_defaults_to_auto_and_takes_the_three_formats(string? value, string expected)
    {
        using var dir = new TempDir();
        var path = dir.Write("smartcam.yaml", string.Join('\n', "camera:", "  source: v4l2:///dev/video0", value is null ? "" : "  pixel_format: " + value, "model:", "  path: " + Repo.Model, ""));
        Assert.Equal(expected, ConfigLoader.Load(path).Camera.PixelFormat);
    }

    [Fact]
    public void An_unknown_pixel_format_lists_the_choices()
    {
        using var dir = new TempDir();
        var path = dir.Write("smartcam.yaml", string.Join('\n', "camera:", "  source: v4l2:///dev/video0", "  pixel_format: h264", "model:", "  path: " + Repo.Model, ""));
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));
        Assert.Contains("camera.pixel_format", e.Message);
        Assert.Contains("'H264' is not one of: auto, MJPG, YUYV, NV12", e.Message);
    }
}
