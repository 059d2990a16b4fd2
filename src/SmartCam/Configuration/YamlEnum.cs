
namespace SmartCam.Configuration;

/// <summary>
/// The values a key takes, each with the name the YAML file writes for it: the one table both to read a value and to
/// print it (validate, /api/config, logs), so no name is written twice. A value may have several names (an alias, such
/// as yolo11 for yolov8): the first one is the one printed.
/// </summary>
public sealed class YamlEnum<T>(params (string Name, T Value)[] pairs)
{
    /// <summary>Every accepted name, in order, as the error message lists them.</summary>
    public IReadOnlyList<string> Names { get; } = [.. pairs.Select(p => p.Name)];

    /// <summary>The value named <paramref name="name"/> exactly; false when none is.</summary>
    public bool TryParse(string name, out T value)
    {
        foreach (var (n, v) in pairs)
            if (n == name)
            {
                value = v;
                return true;
            }
        value = default!;
        return false;
    }

    public string NameOf(T value)
    {
        foreach (var (n, v) in pairs)
            if (EqualityComparer<T>.Default.Equals(v, value)) return n;
        throw new ArgumentOutOfRangeException(nameof(value), value, "no YAML name");
    }
}

/// <summary>Every enumerated value of the config with its YAML name.</summary>
public static class YamlEnums
{
    /// <summary>Not a key (the source's scheme decides it), but printed by validate and /api/config.</summary>
    public static readonly YamlEnum<SourceKind> SourceKind = new(("file", Configuration.SourceKind.File), ("image", Configuration.SourceKind.Image),
        ("v4l2", Configuration.SourceKind.V4l2), ("ffmpeg", Configuration.SourceKind.Ffmpeg));

    public static readonly YamlEnum<Pace> Pace = new(("max", Configuration.Pace.Max), ("realtime", Configuration.Pace.Realtime));

    public static readonly YamlEnum<string> PixelFormat = new(("auto", "auto"), ("MJPG", "MJPG"), ("YUYV", "YUYV"), ("NV12", "NV12"));

    public static readonly YamlEnum<HwAccel> HwAccel = new(("auto", Configuration.HwAccel.Auto), ("none", Configuration.HwAccel.None),
        ("vaapi", Configuration.HwAccel.Vaapi), ("v4l2m2m", Configuration.HwAccel.V4l2m2m));

    public static readonly YamlEnum<ConvertMode> Convert = new(("auto", ConvertMode.Auto), ("full", ConvertMode.Full), ("model", ConvertMode.Model));

    public static readonly YamlEnum<string> RtspTransport = new(("tcp", "tcp"), ("udp", "udp"));

    public static readonly YamlEnum<ModelFamily> Family = new(("auto", ModelFamily.Auto), ("yolox", ModelFamily.Yolox),
        ("yolov8", ModelFamily.Yolov8), ("yolo11", ModelFamily.Yolov8), ("yolov5", ModelFamily.Yolov5));

    public static readonly YamlEnum<ResizeMode> Resize = new(("linear", ResizeMode.Linear), ("nearest", ResizeMode.Nearest),
        ("area", ResizeMode.Area), ("cubic", ResizeMode.Cubic));

    public static readonly YamlEnum<ChannelOrder> Channels = new(("bgr", ChannelOrder.Bgr), ("rgb", ChannelOrder.Rgb));

    /// <summary><c>model.input.range</c>: the pixel value scale, as the factor applied to 0..255 bytes.</summary>
    public static readonly YamlEnum<float> Range = new(("0-255", 1f), ("0-1", 1f / 255f));

    public static readonly YamlEnum<PadAlign> Align = new(("top-left", PadAlign.TopLeft), ("center", PadAlign.Center));

    public static readonly YamlEnum<string> Optimization = new(("all", "all"), ("extended", "extended"), ("basic", "basic"), ("none", "none"));

    public static readonly YamlEnum<ExecutionProvider> Provider = new(("cpu", ExecutionProvider.Cpu), ("cuda", ExecutionProvider.Cuda),
        ("tensorrt", ExecutionProvider.Tensorrt), ("openvino", ExecutionProvider.OpenVino));

    public static readonly YamlEnum<SchedPolicy> Policy = new(("other", SchedPolicy.Other), ("fifo", SchedPolicy.Fifo), ("rr", SchedPolicy.RoundRobin));

    public static readonly YamlEnum<AnchorPoint> Anchor = new(("bottom_center", AnchorPoint.BottomCenter), ("center", AnchorPoint.Center));

    /// <summary><c>outputs.driver</c>, as whether it is <c>log</c> (no hardware).</summary>
    public static readonly YamlEnum<bool> Driver = new(("gpio", false), ("log", true));

    /// <summary><c>outputs.active</c> and <c>outputs.safe</c>: an electrical level, as whether it is high.</summary>
    public static readonly YamlEnum<bool> Level = new(("high", true), ("low", false));

    /// <summary><c>rules.when.direction</c>; any (null) is either way.</summary>
    public static readonly YamlEnum<LineDirection?> Direction = new(("in", LineDirection.In), ("out", LineDirection.Out), ("any", null));
}
