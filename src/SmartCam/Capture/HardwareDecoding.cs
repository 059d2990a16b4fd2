using System.Runtime.InteropServices;
using System.Text;
using SmartCam.Configuration;
using SmartCam.Logging;

namespace SmartCam.Capture;

/// <summary>
/// The video decoder a camera gets: <see cref="HwAccel.None"/> is software; otherwise the device it decodes on
/// (<c>/dev/dri/renderD128</c>, <c>/dev/video10</c>) and, for V4L2 M2M, FFmpeg's decoder (<c>h264_v4l2m2m</c>).
/// </summary>
public readonly record struct HardwareDecoder(HwAccel Kind, string? Device, string? DecoderName)
{
    public static readonly HardwareDecoder Software = new(HwAccel.None, null, null);

    public bool IsSoftware => Kind == HwAccel.None;
}

/// <summary>
/// Which hardware video decoder (<c>camera.hwaccel</c>) this box has, found by asking the box and the FFmpeg SmartCam
/// decodes with (the one linked into libOpenCvSharpExtern), not assumed: VA-API needs a DRM render node and an FFmpeg
/// built with the vaapi device type; V4L2 M2M needs a memory-to-memory video device and FFmpeg's
/// <c>&lt;codec&gt;_v4l2m2m</c> decoder. Asked for by name and absent, it is a user mistake said in one line
/// (<see cref="SourceException"/>); <c>auto</c> falls back to software without a word.
/// </summary>
public static unsafe partial class HardwareDecoding
{
    private const string DriFolder = "/dev/dri", RenderNodePrefix = "renderD";
    private const string DevFolder = "/dev", VideoDevicePrefix = "video";
    private const string Key = "camera.hwaccel";

    /// <summary>The codecs cameras send: before a stream is opened its codec is unknown, and any of these will do.</summary>
    public static readonly IReadOnlyList<string> CameraCodecs = ["h264", "hevc", "mpeg4", "vp8", "vp9"];

    // libavutil/hwcontext.h: AV_HWDEVICE_TYPE_NONE.
    private const int AvHwdeviceTypeNone = 0;

    // linux/videodev2.h: a memory-to-memory (decoder) node's capabilities.
    private const uint V4l2CapVideoM2mMplane = 0x00004000, V4l2CapVideoM2m = 0x00008000;

    /// <summary>
    /// The decoder <paramref name="requested"/> means on this box for <paramref name="codecName"/> (FFmpeg's name, e.g.
    /// h264; null: not known yet, any of <see cref="CameraCodecs"/>). Throws <see cref="SourceException"/> with one line
    /// when a decoder asked for by name is missing.
    /// </summary>
    public static HardwareDecoder Resolve(HwAccel requested, string? codecName)
    {
        switch (requested)
        {
            case HwAccel.None:
                return HardwareDecoder.Software;
            case HwAccel.Vaapi:
                return TryVaapi(out var vaapi, out var noVaapi) ? vaapi : throw Missing(requested, noVaapi);
            case HwAccel.V4l2m2m:
                return TryV4l2m2m(codecName, out var m2m, out var noM2m) ? m2m : throw Missing(requested, noM2m);
            default:
                return TryVaapi(out var a, out _) ? a : TryV4l2m2m(codecName, out var b, out _) ? b : HardwareDecoder.Software;
        }
    }

    /// <summary>
    /// Every camera's decoder, as start-up checks them (<c>smartcam validate</c>, <c>run</c>): a decoder named but absent
    /// is one line naming the config file (and the camera, of several) and what is missing.
    /// </summary>
    public static HardwareDecoder[] ResolveCameras(SmartCamConfig config)
    {
        var decoders = new HardwareDecoder[config.Cameras.Count];
        for (var i = 0; i < decoders.Length; i++)
        {
            var camera = config.Cameras[i];
            try
            {
                decoders[i] = Resolve(camera.HwAccel, codecName: null);
            }
            catch (SourceException e)
            {
                throw new SourceException($"{config.FilePath}: {(config.Listed ? $"camera {camera.Id}: " : "")}{e.Message}");
            }
        }
        return decoders;
    }

    /// <summary>What a camera decodes with, for its start-up log line ("software decoding (…)").</summary>
    public static string Describe(HwAccel requested, HardwareDecoder decoder) => decoder.Kind switch
    {
        HwAccel.Vaapi => $"VA-API decoding on {decoder.Device}",
        HwAccel.V4l2m2m => $"V4L2 M2M decoding on {decoder.Device}{(decoder.DecoderName is null ? "" : $" ({decoder.DecoderName})")}",
        _ => requested == HwAccel.None ? $"software decoding ({Key}: none)" : "software decoding (no VA-API or V4L2 M2M decoder on this box)",
    };

    /// <summary>The hardware decoders this box has, one line each, for a listing such as <c>smartcam doctor</c>'s.</summary>
    public static IReadOnlyList<string> Available()
    {
        var found = new List<string>();
        if (TryVaapi(out var vaapi, out _)) found.Add($"vaapi on {vaapi.Device}");
        var decoders = CameraCodecs.Where(c => FfmpegHasDecoder(c + "_v4l2m2m")).ToArray();
        if (decoders.Length > 0 && FirstM2mDevice() is { } device) found.Add($"v4l2m2m on {device} ({string.Join(", ", decoders)})");
        return found;
    }

    /// <summary>
    /// What the ffmpeg child (rtsp, http) is told before <c>-i</c> to decode on <paramref name="decoder"/>; nothing for
    /// software. VA-API frames come back to system memory on their own, as the raw BGR pipe needs.
    /// </summary>
    public static IEnumerable<string> FfmpegArguments(HardwareDecoder decoder) => decoder.Kind switch
    {
        HwAccel.Vaapi => ["-hwaccel", "vaapi", "-hwaccel_device", decoder.Device!],
        HwAccel.V4l2m2m when decoder.DecoderName is { } name => ["-c:v", name],
        _ => [],
    };

    private static SourceException Missing(HwAccel requested, string what) =>
        new($"{Key}: {YamlEnums.HwAccel.NameOf(requested)} asked for, but {what}; use auto or none");

    private static bool TryVaapi(out HardwareDecoder decoder, out string missing)
    {
        decoder = HardwareDecoder.Software;
        var node = FirstRenderNode();
        if (node is null)
        {
            missing = $"this box has no VA-API render node ({DriFolder}/{RenderNodePrefix}128)";
            return false;
        }
        if (!FfmpegHasDeviceType("vaapi"))
        {
            missing = "the FFmpeg SmartCam decodes with (in libOpenCvSharpExtern) is built without VA-API";
            return false;
        }
        decoder = new HardwareDecoder(HwAccel.Vaapi, node, null);
        missing = "";
        return true;
    }

    private static bool TryV4l2m2m(string? codecName, out HardwareDecoder decoder, out string missing)
    {
        decoder = HardwareDecoder.Software;
        var device = FirstM2mDevice();
        if (device is null)
        {
            missing = $"this box has no V4L2 memory-to-memory decoder ({DevFolder}/{VideoDevicePrefix}N with V4L2_CAP_VIDEO_M2M)";
            return false;
        }
        var name = (codecName is null ? CameraCodecs : [codecName]).Select(c => c + "_v4l2m2m").FirstOrDefault(FfmpegHasDecoder);
        if (name is null)
        {
            missing = $"the FFmpeg SmartCam decodes with (in libOpenCvSharpExtern) has no {(codecName is null ? "V4L2 M2M" : codecName + "_v4l2m2m")} decoder";
            return false;
        }
        // With the codec not known yet, the decoder is chosen when the stream is opened.
        decoder = new HardwareDecoder(HwAccel.V4l2m2m, device, codecName is null ? null : name);
        missing = "";
        return true;
    }

    private static string? FirstRenderNode() =>
        Listed(DriFolder, RenderNodePrefix).Order(StringComparer.Ordinal).FirstOrDefault();

    /// <summary>The first /dev/videoN that says it is a memory-to-memory device (decoders are; cameras are not).</summary>
    private static string? FirstM2mDevice()
    {
        var devices = Listed(DevFolder, VideoDevicePrefix)
            .Where(d => int.TryParse(Path.GetFileName(d).AsSpan(VideoDevicePrefix.Length), out _))
            .OrderBy(d => int.Parse(Path.GetFileName(d).AsSpan(VideoDevicePrefix.Length)));
        return devices.FirstOrDefault(IsM2mDevice);
    }

    /// <summary>
    /// The device nodes in <paramref name="folder"/> starting with <paramref name="prefix"/>; none where the folder is
    /// missing or may not be listed (a confined service: AppArmor, systemd's DevicePolicy), which is the same as absent.
    /// </summary>
    private static List<string> Listed(string folder, string prefix)
    {
        try
        {
            return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, prefix + "*").ToList() : [];
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return [];
        }
    }

    private static bool IsM2mDevice(string device)
    {
        try
        {
            using var node = V4l2Device.Open(device);
            return (node.Capability().DeviceCaps & (V4l2CapVideoM2m | V4l2CapVideoM2mMplane)) != 0;
        }
        catch (SourceException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the FFmpeg in libOpenCvSharpExtern was built with hardware device type <paramref name="name"/>:
    /// av_hwdevice_find_type_by_name only maps a name to its enum value (vaapi is 3 in every build), so the value is
    /// looked for among the types av_hwdevice_iterate_types lists, which are the ones compiled in.
    /// </summary>
    private static bool FfmpegHasDeviceType(string name)
    {
        if (!NativeLogs.TryLoadOpenCvSharpExtern(out var library)
            || !NativeLibrary.TryGetExport(library, "av_hwdevice_find_type_by_name", out var findType)
            || !NativeLibrary.TryGetExport(library, "av_hwdevice_iterate_types", out var iterateTypes))
            return false;
        var nameZ = Encoding.UTF8.GetBytes(name + "\0");
        int type;
        fixed (byte* p = nameZ) type = ((delegate* unmanaged<byte*, int>)findType)(p);
        if (type == AvHwdeviceTypeNone) return false;
        var next = (delegate* unmanaged<int, int>)iterateTypes;
        for (var t = next(AvHwdeviceTypeNone); t != AvHwdeviceTypeNone; t = next(t))
            if (t == type) return true;
        return false;
    }

    /// <summary>Whether the FFmpeg in libOpenCvSharpExtern has the decoder <paramref name="name"/> (e.g. h264_v4l2m2m).</summary>
    private static bool FfmpegHasDecoder(string name)
    {
        if (!NativeLogs.TryLoadOpenCvSharpExtern(out var library)
            || !NativeLibrary.TryGetExport(library, "avcodec_find_decoder_by_name", out var findDecoder))
            return false;
        var nameZ = Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* p = nameZ) return ((delegate* unmanaged<byte*, nint>)findDecoder)(p) != 0;
    }
}
