using System.Text.Json;
using SmartCam.Capture;
using SmartCam.Commands;
using static SmartCam.Tests.Unit.CameraSnippetTests;

namespace SmartCam.Tests.Unit;

/// <summary>
/// <c>smartcam cameras</c>: its text and JSON from a hand-made listing (this machine has no V4L2 device; the image test
/// runs it against the kernel's vivid driver), and the command line in-process against folders that stand in for /dev.
/// </summary>
public sealed class CamerasCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string ById = "/dev/v4l/by-id/usb-046d_HD_Pro_Webcam_C920_ABCD1234-video-index0";
    private const string ByPath = "/dev/v4l/by-path/pci-0000:00:14.0-usb-0:1:1.0-video-index0";

    private static readonly CameraListing Listing = new("/dev",
    [
        new CameraNode("/dev/video0", [ById], [ByPath], new V4l2Capability("uvcvideo", "HD Pro Webcam C920", "usb-0000:00:14.0-1", 0x04200001, true),
            [.. Uvc, Format("H264", Size(1920, 1080, 30))], new V4l2Mode("YUYV", 640, 480, 30)),
        new CameraNode("/dev/video4", [], [], new V4l2Capability("vivid", "vivid", "platform:vivid-000", 0x04200001, true),
            [new V4l2Format("YUYV", "YUYV 4:2:2", false, false, [new V4l2Size(16, 16, 1280, 720, [60, 1], RateRange: true)])], null),
        new CameraNode("/dev/video6", [], [], new V4l2Capability("h264cam", "H264 only", "usb-2", 0x04200001, true),
            [Format("H264", Size(1920, 1080, 30))], null),
        new CameraNode("/dev/video8", [], [], null, [], null, "the camera is busy (another program has it open)"),
    ],
    ["/dev/video1", "/dev/video2"]);

    private (int Exit, string Stdout, string Stderr) Cameras(params string[] args)
    {
        using StringWriter output = new(), error = new();
        var exit = SmartCam.Program.Run(["cameras", .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Text_lists_each_camera_its_names_formats_sizes_rates_and_snippet()
    {
        var lines = CamerasCommand.Text(Listing).Split('\n');

        string[] uvc =
        [
            "/dev/video0: HD Pro Webcam C920 (driver uvcvideo, bus usb-0000:00:14.0-1)",
            $"  by-id:   {ById}",
            $"  by-path: {ByPath}",
            "  now:     YUYV 640x480 at 30 fps",
            "  MJPG  MJPG format  [compressed, SmartCam reads it]",
            "        1920x1080    30, 15 fps",
            "        1280x720     30 fps",
            "        640x480      30 fps",
            "  YUYV  YUYV format  [SmartCam reads it]",
            "        1920x1080    5 fps",
            "        640x480      30, 15 fps",
            "  H264  H264 format  [compressed, SmartCam does not read it]",
            "        1920x1080    30 fps",
            "  best for SmartCam: MJPG 1920x1080 at 30 fps",
            "    camera:",
            $"      source: v4l2://{ById}",
            "      pixel_format: MJPG",
            "      width: 1920",
            "      height: 1080",
            "      fps: 30",
            "",
        ];
        Assert.Equal(uvc, lines[..uvc.Length]);
        string[] rest =
        [
            "/dev/video4: vivid (driver vivid, bus platform:vivid-000)",
            "  YUYV  YUYV 4:2:2  [SmartCam reads it]",
            "        16x16 to 1280x720  any rate from 1 to 60 fps",
            "  best for SmartCam: YUYV 1280x720 at 60 fps",
            "    camera:",
            "      source: v4l2:///dev/video4",
            "      pixel_format: YUYV",
            "      width: 1280",
            "      height: 720",
            "      fps: 60",
            "",
            "/dev/video6: H264 only (driver h264cam, bus usb-2)",
            "  H264  H264 format  [compressed, SmartCam does not read it]",
            "        1920x1080    30 fps",
            "  no camera: snippet: SmartCam reads none of its formats (it offers H264; SmartCam reads NV12, YUYV, MJPG)",
            "",
            "/dev/video8: the camera is busy (another program has it open)",
            "2 video node(s) skipped, not video capture (a camera's metadata node, a codec, an output): /dev/video1, /dev/video2",
            "",
        ];
        Assert.Equal(rest, lines[uvc.Length..]);
    }

    [Fact]
    public void Json_has_the_same_listing_and_the_snippets_mode_as_fields()
    {
        using var json = JsonDocument.Parse(CamerasCommand.Json(Listing));
        var root = json.RootElement;
        Assert.Equal("/dev", root.GetProperty("dev").GetString());
        Assert.Equal(["/dev/video1", "/dev/video2"], root.GetProperty("skipped").EnumerateArray().Select(e => e.GetString()));
        var cameras = root.GetProperty("cameras").EnumerateArray().ToArray();
        Assert.Equal(4, cameras.Length);

        var uvc = cameras[0];
        Assert.Equal("/dev/video0", uvc.GetProperty("path").GetString());
        Assert.Equal([ById], uvc.GetProperty("by_id").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([ByPath], uvc.GetProperty("by_path").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(("uvcvideo", "HD Pro Webcam C920", "usb-0000:00:14.0-1"),
            (uvc.GetProperty("driver").GetString(), uvc.GetProperty("card").GetString(), uvc.GetProperty("bus").GetString()));
        Assert.Equal("YUYV", uvc.GetProperty("current").GetProperty("pixel_format").GetString());
        var formats = uvc.GetProperty("formats").EnumerateArray().ToArray();
        Assert.Equal(["MJPG", "YUYV", "H264"], formats.Select(f => f.GetProperty("fourcc").GetString()));
        Assert.Equal([true, true, false], formats.Select(f => f.GetProperty("read_by_smartcam").GetBoolean()));
        Assert.True(formats[0].GetProperty("compressed").GetBoolean());
        Assert.False(formats[1].GetProperty("emulated").GetBoolean());
        var size = formats[0].GetProperty("sizes")[0];
        Assert.Equal((1920, 1080), (size.GetProperty("width").GetInt32(), size.GetProperty("height").GetInt32()));
        Assert.Equal([30.0, 15.0], size.GetProperty("fps").EnumerateArray().Select(e => e.GetDouble()));
        var best = uvc.GetProperty("best");
        Assert.Equal("v4l2://" + ById, best.GetProperty("source").GetString());
        Assert.Equal(("MJPG", 1920, 1080, 30.0), (best.GetProperty("pixel_format").GetString(), best.GetProperty("width").GetInt32(),
            best.GetProperty("height").GetInt32(), best.GetProperty("fps").GetDouble()));
        Assert.Equal(CameraSnippet.Yaml(ById, new V4l2Mode("MJPG", 1920, 1080, 30)), best.GetProperty("snippet").GetString());

        var range = cameras[1].GetProperty("formats")[0].GetProperty("sizes")[0];
        Assert.Equal((16, 1280, 720), (range.GetProperty("min_width").GetInt32(), range.GetProperty("max_width").GetInt32(), range.GetProperty("max_height").GetInt32()));
        Assert.True(range.GetProperty("fps_range").GetBoolean());

        Assert.False(cameras[2].TryGetProperty("best", out _));
        Assert.StartsWith("SmartCam reads none of its formats", cameras[2].GetProperty("no_snippet").GetString());

        Assert.Equal("the camera is busy (another program has it open)", cameras[3].GetProperty("error").GetString());
        Assert.False(cameras[3].TryGetProperty("formats", out _));
    }

    [Fact]
    public void A_folder_without_video_nodes_is_one_line_and_exit_0()
    {
        File.WriteAllText(_dir.File("null"), "");
        var (exit, stdout, stderr) = Cameras("--dev", _dir.Path);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Equal($"no V4L2 capture devices in {_dir.Path} (plug a camera in; USB cameras need the uvcvideo module)\n", stdout);

        var (jsonExit, json, _) = Cameras("--dev", _dir.Path, "--json");
        Assert.Equal(0, jsonExit);
        Assert.Empty(JsonDocument.Parse(json).RootElement.GetProperty("cameras").EnumerateArray());
    }

    [Fact]
    public void Nodes_that_are_no_v4l2_device_are_listed_in_numeric_order_with_why_and_their_stable_names()
    {
        foreach (var name in (string[])["video10", "video2", "video0", "videoX", "video+1", "video", "vhci"]) File.WriteAllText(_dir.File(name), "");
        Directory.CreateDirectory(_dir.File("v4l/by-id"));
        Directory.CreateDirectory(_dir.File("v4l/by-path"));
        File.CreateSymbolicLink(_dir.File("v4l/by-id/usb-cam-video-index0"), "../../video2");
        File.CreateSymbolicLink(_dir.File("v4l/by-path/platform-cam-video-index0"), _dir.File("video2"));
        File.CreateSymbolicLink(_dir.File("v4l/by-id/usb-other-video-index0"), "../../video0-gone");
        File.CreateSymbolicLink(_dir.File("v4l/by-id/loop"), "loop");

        var (exit, stdout, stderr) = Cameras("--dev", _dir.Path);

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        // A plain file answers VIDIOC_QUERYCAP with ENOTTY: listed with why, not a crash.
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith($"{_dir.File("video0")}: VIDIOC_QUERYCAP failed", lines[0]);
        Assert.StartsWith($"{_dir.File("video2")}: VIDIOC_QUERYCAP failed", lines[1]);
        // by-id is a relative link (as udev makes them), by-path an absolute one; the broken link and the loop name nothing.
        Assert.Equal($"  also {_dir.File("v4l/by-id/usb-cam-video-index0")}", lines[2]);
        Assert.Equal($"  also {_dir.File("v4l/by-path/platform-cam-video-index0")}", lines[3]);
        Assert.StartsWith($"{_dir.File("video10")}: VIDIOC_QUERYCAP failed", lines[4]);
    }

    [Fact]
    public void A_bad_argument_is_one_line_and_exit_2()
    {
        var (exit, stdout, stderr) = Cameras("--bogus");
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal("smartcam cameras: Unrecognized command or argument '--bogus'. (see smartcam cameras --help)", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        var missing = _dir.File("nowhere");
        (exit, stdout, stderr) = Cameras("--dev", missing);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Equal($"smartcam cameras: --dev '{missing}' is not a folder; expected the folder holding the video nodes (default /dev)",
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}
