using SmartCam.Capture;
using SmartCam.Commands;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>
/// camera.hwaccel against this machine, probed for real: it has no DRM render node and no V4L2 memory-to-memory
/// device, so a decoder asked for by name is refused in one line, and auto is software.
/// </summary>
public class HardwareDecodingTests
{
    private static bool HasRenderNode => Directory.Exists("/dev/dri") && Directory.EnumerateFiles("/dev/dri", "renderD*").Any();

    [Fact]
    public void This_machine_has_neither_decoder()
    {
        // The tests below rely on it; on a box with either, they say so here first.
        Assert.False(HasRenderNode, "this machine has a /dev/dri/renderD* node");
        // A /dev/video* camera may be here: it is no memory-to-memory decoder, which Available() would list.
        Assert.Empty(HardwareDecoding.Available());
    }

    [Fact]
    public void Vaapi_asked_for_and_absent_is_one_line_naming_the_key_and_the_render_node()
    {
        var e = Assert.Throws<SourceException>(() => HardwareDecoding.Resolve(HwAccel.Vaapi, "h264"));
        Assert.Equal("camera.hwaccel: vaapi asked for, but this box has no VA-API render node (/dev/dri/renderD128); use auto or none", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("h264")]
    [InlineData(null)]
    public void V4l2m2m_asked_for_and_absent_is_one_line_naming_the_key_and_the_m2m_device(string? codec)
    {
        var e = Assert.Throws<SourceException>(() => HardwareDecoding.Resolve(HwAccel.V4l2m2m, codec));
        Assert.StartsWith("camera.hwaccel: v4l2m2m asked for, but ", e.Message);
        Assert.Contains("no V4L2 memory-to-memory decoder (/dev/videoN with V4L2_CAP_VIDEO_M2M)", e.Message);
        Assert.EndsWith("; use auto or none", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData(HwAccel.Auto)]
    [InlineData(HwAccel.None)]
    public void Auto_and_none_decode_in_software_here(HwAccel requested)
    {
        var decoder = HardwareDecoding.Resolve(requested, "h264");
        Assert.Equal(HardwareDecoder.Software, decoder);
        Assert.True(decoder.IsSoftware);
        Assert.Empty(HardwareDecoding.FfmpegArguments(decoder));
    }

    [Fact]
    public void The_start_up_line_says_why_a_camera_decodes_in_software()
    {
        Assert.Equal("software decoding (no VA-API or V4L2 M2M decoder on this box)", HardwareDecoding.Describe(HwAccel.Auto, HardwareDecoder.Software));
        Assert.Equal("software decoding (camera.hwaccel: none)", HardwareDecoding.Describe(HwAccel.None, HardwareDecoder.Software));
        Assert.Equal("VA-API decoding on /dev/dri/renderD128", HardwareDecoding.Describe(HwAccel.Auto, new(HwAccel.Vaapi, "/dev/dri/renderD128", null)));
    }

    [Fact]
    public void The_ffmpeg_child_is_told_the_hardware_decoder_before_its_input()
    {
        Assert.Equal(["-hwaccel", "vaapi", "-hwaccel_device", "/dev/dri/renderD128"],
            HardwareDecoding.FfmpegArguments(new(HwAccel.Vaapi, "/dev/dri/renderD128", null)));
        Assert.Equal(["-c:v", "h264_v4l2m2m"], HardwareDecoding.FfmpegArguments(new(HwAccel.V4l2m2m, "/dev/video10", "h264_v4l2m2m")));
    }

    [Fact]
    public void A_config_naming_an_absent_decoder_stops_validate_with_exit_2_and_one_line()
    {
        using var dir = new TempDir();
        var path = dir.Write("smartcam.yaml", $"camera:\n  source: file://{Repo.Video}\n  hwaccel: vaapi\nmodel:\n  path: {Repo.Model}\n");
        using StringWriter output = new(), error = new();

        var exit = ValidateCommand.Run(path, output, error);

        Assert.Equal(2, exit);
        Assert.Equal($"smartcam: {path}: camera.hwaccel: vaapi asked for, but this box has no VA-API render node (/dev/dri/renderD128); use auto or none",
            error.ToString().TrimEnd('\n'));
    }

    [Fact]
    public void Of_several_cameras_the_line_names_the_one_asking()
    {
        using var dir = new TempDir();
        var path = dir.Write("smartcam.yaml", string.Join("\n", [
            "cameras:", $"  - source: file://{Repo.Video}", "  - id: door", $"    source: file://{Repo.Video}", "    hwaccel: v4l2m2m",
            "model:", "  path: " + Repo.Model]) + "\n");
        var e = Assert.Throws<SourceException>(() => HardwareDecoding.ResolveCameras(ConfigLoader.Load(path)));
        Assert.StartsWith($"{path}: camera door: camera.hwaccel: v4l2m2m asked for, but ", e.Message);
    }

    [Fact]
    public void Validate_is_silent_about_auto_and_prints_the_decoding_keys_when_set()
    {
        using var dir = new TempDir();
        var plain = dir.Write("plain.yaml", $"camera:\n  source: file://{Repo.Video}\nmodel:\n  path: {Repo.Model}\n");
        var set = dir.Write("set.yaml", $"camera:\n  source: file://{Repo.Video}\n  hwaccel: none\n  convert: model\n  decoder_threads: 2\nmodel:\n  path: {Repo.Model}\n");
        using StringWriter plainOut = new(), setOut = new(), error = new();

        Assert.Equal(0, ValidateCommand.Run(plain, plainOut, error));
        Assert.Equal(0, ValidateCommand.Run(set, setOut, error));

        Assert.Equal("", error.ToString());
        Assert.DoesNotContain("decode", plainOut.ToString());
        Assert.Contains("decode   hwaccel none: software decoding (camera.hwaccel: none), decoder threads 2, convert model", setOut.ToString());
    }
}
