using SmartCam.Capture;
using SmartCam.Commands;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>
/// The mode <c>smartcam cameras</c> suggests, on hand-made offers (what <see cref="V4l2Device.Formats"/> returns), and
/// its <c>camera:</c> block, which must load as a config and be accepted by the negotiation the service runs.
/// </summary>
public class CameraSnippetTests
{
    internal static V4l2Size Size(int width, int height, params double[] rates) => new(width, height, width, height, rates);

    internal static V4l2Format Format(string fourcc, params V4l2Size[] sizes) =>
        new(fourcc, fourcc + " format", Compressed: fourcc is "MJPG" or "H264", Emulated: false, sizes);

    /// <summary>A typical USB (UVC) camera: MJPG fast at every size, raw YUYV fast only when small (USB 2 bandwidth).</summary>
    internal static readonly V4l2Format[] Uvc =
    [
        Format("MJPG", Size(1920, 1080, 30, 15), Size(1280, 720, 30), Size(640, 480, 30)),
        Format("YUYV", Size(1920, 1080, 5), Size(640, 480, 30, 15)),
    ];

    [Fact]
    public void A_uvc_camera_gets_mjpg_at_1080p30()
    {
        Assert.Equal(new V4l2Mode("MJPG", 1920, 1080, 30), CameraSnippet.BestMode(Uvc));
    }

    [Fact]
    public void A_raw_only_camera_gets_its_largest_smooth_mode_and_nv12_before_yuyv()
    {
        V4l2Format[] offered =
        [
            Format("YUYV", Size(1280, 720, 10), Size(640, 480, 30)),
            Format("NV12", Size(1280, 720, 10), Size(640, 480, 30)),
        ];
        Assert.Equal(new V4l2Mode("NV12", 640, 480, 30), CameraSnippet.BestMode(offered));
    }

    [Fact]
    public void The_fastest_wins_between_equal_sizes_before_the_format_order()
    {
        V4l2Format[] offered = [Format("NV12", Size(1280, 720, 25)), Format("MJPG", Size(1280, 720, 30))];
        Assert.Equal(new V4l2Mode("MJPG", 1280, 720, 30), CameraSnippet.BestMode(offered));
    }

    [Fact]
    public void Sizes_above_1080p_lose_to_1080p_and_the_smallest_wins_when_nothing_fits()
    {
        Assert.Equal(new V4l2Mode("MJPG", 1920, 1080, 30),
            CameraSnippet.BestMode([Format("MJPG", Size(3840, 2160, 30), Size(1920, 1080, 30), Size(1280, 720, 30))]));
        Assert.Equal(new V4l2Mode("MJPG", 3840, 2160, 30),
            CameraSnippet.BestMode([Format("MJPG", Size(4096, 2160, 30), Size(3840, 2160, 30))]));
    }

    [Fact]
    public void A_camera_slow_at_every_size_gets_its_largest()
    {
        Assert.Equal(new V4l2Mode("YUYV", 1920, 1080, 5),
            CameraSnippet.BestMode([Format("YUYV", Size(640, 480, 10), Size(1920, 1080, 5))]));
    }

    [Fact]
    public void A_range_of_sizes_gives_its_largest_scaled_into_1080p_with_the_same_aspect()
    {
        var stepwise = new V4l2Size(16, 16, 2592, 1944, [30, 1], RateRange: true);
        Assert.Equal(new V4l2Mode("YUYV", 1440, 1080, 30), CameraSnippet.BestMode([new("YUYV", "YUYV 4:2:2", false, false, [stepwise])]));
        var small = new V4l2Size(160, 120, 1280, 720, [60, 1], RateRange: true);
        Assert.Equal(new V4l2Mode("NV12", 1280, 720, 60), CameraSnippet.BestMode([new("NV12", "Y/UV 4:2:0", false, false, [small])]));
    }

    [Fact]
    public void A_camera_smartcam_cannot_read_gets_no_mode()
    {
        Assert.Null(CameraSnippet.BestMode([Format("H264", Size(1920, 1080, 30))]));
        Assert.Null(CameraSnippet.BestMode([]));
    }

    [Fact]
    public void A_size_without_listed_rates_loses_to_a_smooth_one_and_gets_no_fps_key()
    {
        V4l2Format[] offered = [Format("YUYV", Size(1920, 1080)), Format("MJPG", Size(640, 480, 30))];
        Assert.Equal(new V4l2Mode("MJPG", 640, 480, 30), CameraSnippet.BestMode(offered));
        var unknownRate = CameraSnippet.BestMode([Format("YUYV", Size(1920, 1080))])!;
        Assert.Equal(new V4l2Mode("YUYV", 1920, 1080, 0), unknownRate);
        Assert.DoesNotContain("fps", CameraSnippet.Yaml("/dev/video0", unknownRate));
    }

    [Fact]
    public void The_snippet_names_the_by_id_path_when_there_is_one()
    {
        const string byId = "/dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920_ABCD1234-video-index0";
        Assert.Equal(byId, CameraSnippet.SourcePath("/dev/video0", [byId]));
        Assert.Equal("/dev/video0", CameraSnippet.SourcePath("/dev/video0", []));
        Assert.Equal(
            $"camera:\n  source: v4l2://{byId}\n  pixel_format: MJPG\n  width: 1920\n  height: 1080\n  fps: 29.97\n",
            CameraSnippet.Yaml(byId, new V4l2Mode("MJPG", 1920, 1080, 29.97)));
    }

    public static TheoryData<string, string, int, int, double> Offers => new()
    {
        { "uvc", "/dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920_ABCD1234-video-index0", 1920, 1080, 30 },
        { "raw", "/dev/video2", 640, 480, 30 },
        { "stepwise", "/dev/video0", 1440, 1080, 30 },
        { "ntsc", "/dev/v4l/by-path/odd name \"quoted\"", 720, 480, 29.97 },
    };

    private static V4l2Format[] Offer(string name) => name switch
    {
        "uvc" => Uvc,
        "raw" => [Format("YUYV", Size(1280, 720, 10), Size(640, 480, 30))],
        "stepwise" => [new("NV12", "Y/UV 4:2:0", false, false, [new V4l2Size(16, 16, 2592, 1944, [30, 1], RateRange: true)])],
        _ => [Format("YUYV", Size(720, 480, 29.97))],
    };

    /// <summary>The snippet plus the sample model is a config that loads with the snippet's values, and the service's negotiation accepts it.</summary>
    [Theory]
    [MemberData(nameof(Offers))]
    public void The_snippet_loads_as_a_config_and_negotiates_its_own_mode(string offer, string device, int width, int height, double fps)
    {
        var offered = Offer(offer);
        var best = CameraSnippet.BestMode(offered)!;
        Assert.Equal((width, height, fps), (best.Width, best.Height, best.Fps));
        using var dir = new TempDir();
        var path = dir.Write("smartcam.yaml", CameraSnippet.Yaml(device, best) + $"model:\n  path: {Repo.Model}\n");

        var camera = ConfigLoader.Load(path).Camera;

        Assert.Equal(SourceKind.V4l2, camera.Kind);
        Assert.Equal(device, camera.Location);
        Assert.Equal(best.FourCc, camera.PixelFormat);
        Assert.Equal((width, height), (camera.Width, camera.Height));
        Assert.Equal(fps, camera.Fps, 0.001);
        Assert.Equal(best with { Fps = camera.Fps }, V4l2Negotiation.Choose(camera, device, offered));
    }
}
