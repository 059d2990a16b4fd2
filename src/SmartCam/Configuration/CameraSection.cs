namespace SmartCam.Configuration;

/// <summary>The <c>camera:</c> section (or one item of <c>cameras:</c>): its keys and their reader.</summary>
public static class CameraSection
{
    public static readonly Setting<string> Id = Setting.Text("camera.id", "cam0", "1-64 letters, digits, _ or -; names the camera's topics (cameras: list: cam0, cam1, … by position).");
    public static readonly ConfigKey Source = Setting.Required("camera.source", "file://PATH, v4l2:///dev/videoN, rtsp(s)://… or http(s)://…");
    public static readonly Setting<bool> Loop = Setting.Bool("camera.loop", false, "Files: start again at the end.");
    public static readonly Setting<Pace> Pace = Setting.Choice("camera.pace", YamlEnums.Pace, Configuration.Pace.Realtime, "Files: realtime plays at the file's rate, max as fast as inference takes frames.");
    public static readonly Setting<int> Width = Setting.Int("camera.width", 0, 0, 16384, "V4L2: the requested capture width; rtsp/http: ffmpeg scales to it; 0: the source's own.");
    public static readonly Setting<int> Height = Setting.Int("camera.height", 0, 0, 16384, "V4L2: the requested capture height; rtsp/http: ffmpeg scales to it; 0: the source's own.");
    public static readonly Setting<float> Fps = Setting.Float("camera.fps", 0, 0, 1000, "V4L2: the requested rate; files: overrides the container's rate; 0: the source's own.");
    public static readonly Setting<string> PixelFormat = Setting.Choice("camera.pixel_format", YamlEnums.PixelFormat, "auto", "V4L2: MJPG, YUYV or NV12; auto: of those the camera offers at the size and rate asked, the fastest, raw before MJPG.");
    public static readonly Setting<string> RtspTransport = Setting.Choice("camera.rtsp_transport", YamlEnums.RtspTransport, "tcp", "rtsp: the transport ffmpeg uses.");
    public static readonly Setting<int> ReconnectInitialMs = Setting.Int("camera.reconnect.initial_ms", 500, 10, 600_000, "Live sources: first wait before reopening.");
    public static readonly Setting<int> ReconnectMaxMs = Setting.Int("camera.reconnect.max_ms", 10_000, 10, 600_000, "Live sources: the wait doubles up to this.");
    public static readonly Setting<int> StallMs = Setting.Int("camera.stall_ms", 2000, 100, 600_000, "rtsp/http: a stream that delivers no frame for this long is reopened.");
    public static readonly Setting<int> MaxConsecutiveErrors = Setting.Int("camera.max_consecutive_errors", 50, 1, 100_000, "Unreadable frames in a row that end a file.");
    public static readonly Setting<HwAccel> HwAccel = Setting.Choice("camera.hwaccel", YamlEnums.HwAccel, Configuration.HwAccel.Auto, "Hardware video decoding: auto uses VA-API (Intel/AMD) or V4L2 M2M (arm64 boards) when the box has it, else software; naming one that the box lacks stops start-up with one line saying what is missing.");
    public static readonly ConfigKey DetectSource = Setting.Without("camera.detect_source", "none", "The stream the detector reads (e.g. the camera's low-resolution sub-stream), same forms as source; source then feeds the live view and snapshots.");
    public static readonly Setting<int> DecoderThreads = Setting.Int("camera.decoder_threads", 0, 0, 16, "The decoder's own frame/slice threads, on the housekeeping CPUs; 0: as many as there are of them, at most 4; 1: decode on the capture thread only.");
    public static readonly Setting<ConvertMode> Convert = Setting.Choice("camera.convert", YamlEnums.Convert, ConvertMode.Auto, "full: BGR at full size, then scaled; model: YUV converted and scaled to the model's input in one pass; auto: model when the source is over twice the model's input both ways.");

    /// <summary><c>decoder_threads: 0</c> takes at most this many: past it a decoder's threads gain little and cost memory and latency.</summary>
    public const int AutoDecoderThreadsMax = 4;

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"];

    /// <param name="defaultId">The id when the section gives none: cam{i} in a cameras: list, else <see cref="Id"/>'s default.</param>
    /// <param name="rejectUnknown">False in a cameras: list, where the camera's scene keys share its section and are checked once read.</param>
    internal static CameraConfig Read(YamlSection s, string baseDir, string? defaultId, bool rejectUnknown)
    {
        var id = s.String(Id.Key, defaultId ?? Id.Default);
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw s.Error(s.NodeOf(Id.Key)!, Id.Key, $"'{id}' is not a valid camera id; expected 1-64 letters, digits, '_' or '-' (it is used in topic names)");

        var source = s.RequiredString(Source.Key);
        var (kind, location) = ParseSource(s, Source.Key, source, baseDir);
        var (detectSource, detectKind, detectLocation) = ReadDetectSource(s, kind, location, baseDir);
        var pace = s.Choice(Pace);
        var pixelFormat = s.OneOf(PixelFormat, upper: true);
        var transport = s.OneOf(RtspTransport);

        var reconnect = s.Section("reconnect");
        var camera = new CameraConfig
        {
            Id = id,
            Source = source,
            Kind = kind,
            Location = location,
            Loop = s.Bool(Loop),
            Pace = pace,
            Width = s.Int(Width),
            Height = s.Int(Height),
            Fps = s.Float(Fps),
            PixelFormat = pixelFormat,
            RtspTransport = transport,
            ReconnectInitialMs = reconnect?.Int(ReconnectInitialMs) ?? ReconnectInitialMs.Default,
            ReconnectMaxMs = reconnect?.Int(ReconnectMaxMs) ?? ReconnectMaxMs.Default,
            MaxConsecutiveErrors = s.Int(MaxConsecutiveErrors),
            StallMs = s.Int(StallMs),
            HwAccel = s.Choice(HwAccel),
            DetectSource = detectSource,
            DetectKind = detectKind,
            DetectLocation = detectLocation,
            DecoderThreads = s.Int(DecoderThreads),
            Convert = s.Choice(Convert),
        };
        reconnect?.RejectUnknownKeys();
        if (rejectUnknown) s.RejectUnknownKeys();
        if ((camera.Width == 0) != (camera.Height == 0))
        {
            var given = camera.Width == 0 ? Height.Key : Width.Key;
            throw s.Error(s.NodeOf(given)!, given, "width and height go together: give both or neither");
        }
        return camera;
    }

    /// <summary>
    /// <c>detect_source</c>: a second stream of the same scene for the detector. A still image is no stream, and the
    /// source itself again would decode every frame twice for nothing.
    /// </summary>
    private static (string?, SourceKind?, string?) ReadDetectSource(YamlSection s, SourceKind sourceKind, string sourceLocation, string baseDir)
    {
        var detectSource = s.String(DetectSource.Key);
        if (detectSource is null) return (null, null, null);
        var at = s.NodeOf(DetectSource.Key)!;
        if (detectSource.Trim().Length == 0) throw s.Error(at, DetectSource.Key, "is empty; expected file://PATH, v4l2:///dev/videoN, rtsp://… or http(s)://…, or no detect_source");
        var (kind, location) = ParseSource(s, DetectSource.Key, detectSource, baseDir);
        if (kind == SourceKind.Image)
            throw s.Error(at, DetectSource.Key, $"'{detectSource}' is a still image; expected a video stream or file of the same scene as source");
        if (kind == SourceKind.V4l2)
            throw s.Error(at, DetectSource.Key, $"'{detectSource}' is a V4L2 device; expected a video file or an rtsp/http stream (a V4L2 camera's own picture is scaled with pixel_format and width/height)");
        if (kind == sourceKind && location == sourceLocation)
            throw s.Error(at, DetectSource.Key, $"'{detectSource}' is the source itself, which is pointless; give the camera's other (smaller) stream, or no detect_source");
        // The two are matched by time: a file's media time, or a live stream's arrival. The two clocks do not mix.
        if ((kind == SourceKind.File) != (sourceKind == SourceKind.File) || sourceKind == SourceKind.Image)
            throw s.Error(at, DetectSource.Key, $"'{detectSource}' and source must both be video files or both live streams (their frames are matched by time)");
        return (detectSource, kind, location);
    }

    /// <param name="key">The key <paramref name="source"/> was given as (<c>source</c>, <c>detect_source</c>), for the error.</param>
    private static (SourceKind, string) ParseSource(YamlSection s, string key, string source, string baseDir)
    {
        var at = s.NodeOf(key)!;
        if (source.StartsWith("file://", StringComparison.Ordinal))
        {
            var rest = source["file://".Length..];
            if (rest.Length == 0) throw s.Error(at, key, "file:// needs a path, e.g. file://../media/vtest.avi");
            var path = s.FullPath(key, rest, baseDir);
            var ext = System.IO.Path.GetExtension(path).ToLowerInvariant();
            return (ImageExtensions.Contains(ext) ? SourceKind.Image : SourceKind.File, path);
        }
        if (source.StartsWith("v4l2://", StringComparison.Ordinal))
        {
            var device = source["v4l2://".Length..];
            if (!device.StartsWith("/dev/", StringComparison.Ordinal))
                throw s.Error(at, key, $"'{source}' names no device; expected v4l2:///dev/videoN");
            return (SourceKind.V4l2, device);
        }
        foreach (var scheme in (string[])["rtsp://", "rtsps://", "http://", "https://"])
            if (source.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                if (source.Length == scheme.Length) throw s.Error(at, key, $"'{source}' has no host");
                return (SourceKind.Ffmpeg, source);
            }
        throw s.Error(at, key, $"'{source}' is not a supported source; expected file://PATH, v4l2:///dev/videoN, rtsp://… or http(s)://…");
    }
}
