namespace SmartCam.Configuration;

/// <summary>
/// The whole service configuration, as loaded from one YAML file. The records' defaults are the key declarations'
/// (<see cref="CameraSection"/>, <see cref="ModelSection"/>, …), which docs/configuration.md lists.
/// </summary>
/// <param name="Cameras">Every camera, in the file's order (a single <c>camera:</c> section is a list of one).</param>
public sealed record SmartCamConfig(
    string FilePath,
    IReadOnlyList<CameraConfig> Cameras,
    ModelConfig Model,
    DetectConfig Detect,
    PublishConfig Publish,
    RealtimeConfig Realtime)
{
    /// <summary>Every camera's outputs, in the order declared; rules name them by their index here, so names and lines are unique box-wide.</summary>
    public IReadOnlyList<OutputDefinition> Outputs { get; init; } = [];

    /// <summary>A camera's outputs go to their safe level when it has processed no frame for this long; 0 disables (<c>actuation.watchdog_ms</c>).</summary>
    public int WatchdogMs { get; init; } = ActuationSection.WatchdogMs.Default;

    /// <summary>The embedded HTTP server (live view, status API, metrics); null when the config has no <c>http:</c> section (off).</summary>
    public HttpConfig? Http { get; init; }

    /// <summary>Events and status off the box to an MQTT broker; null when the config has no <c>mqtt:</c> section (off).</summary>
    public MqttConfig? Mqtt { get; init; }

    /// <summary>A JPEG of each rule event's frame, written off the loop; null when the config has no <c>snapshots:</c> section (off).</summary>
    public SnapshotsConfig? Snapshots { get; init; }

    /// <summary>The cameras came as a <c>cameras:</c> list (even of one), not as the single <c>camera:</c> section.</summary>
    public bool Listed { get; init; }

    /// <summary>The first camera (the only one of a single-camera config).</summary>
    public CameraConfig Camera => Cameras[0];

    /// <summary>The first camera's scene.</summary>
    public SceneConfig Scene => Camera.Scene;

    /// <summary>Per camera, the outputs its rules drive (the output bank's watchdog plan).</summary>
    public IReadOnlyList<IReadOnlyList<int>> OutputsDrivenBy() =>
        Cameras.Select(c => (IReadOnlyList<int>)c.Scene.Rules.Select(r => r.Output).Distinct().ToArray()).ToArray();
}

public enum SourceKind { File, Image, V4l2, Ffmpeg }

public enum Pace { Max, Realtime }

/// <summary><c>camera.hwaccel</c>: the hardware video decoder asked for; <see cref="Auto"/> takes one the box has, else software.</summary>
public enum HwAccel { Auto, None, Vaapi, V4l2m2m }

/// <summary><c>camera.convert</c>: how a decoded frame becomes the model's input.</summary>
public enum ConvertMode
{
    /// <summary><see cref="Model"/> when the source is more than twice the model's input in both directions, else <see cref="Full"/>.</summary>
    Auto,
    /// <summary>Each frame to BGR at its full size, then scaled to the model (bit-identical to OpenCV's own decode).</summary>
    Full,
    /// <summary>The decoder's YUV picture converted and scaled to the model's input size in one pass (swscale).</summary>
    Model,
}

public sealed record CameraConfig
{
    public string Id { get; init; } = CameraSection.Id.Default;
    /// <summary>The source as written in the config (file://, v4l2://, rtsp://, http://, https://).</summary>
    public string Source { get; init; } = "";
    public SourceKind Kind { get; init; }
    /// <summary>Absolute file path (file sources), device path (v4l2) or URL (ffmpeg sources).</summary>
    public string Location { get; init; } = "";
    public bool Loop { get; init; } = CameraSection.Loop.Default;
    public Pace Pace { get; init; } = CameraSection.Pace.Default;
    public int Width { get; init; } = CameraSection.Width.Default;
    public int Height { get; init; } = CameraSection.Height.Default;
    public double Fps { get; init; } = CameraSection.Fps.Default;
    public string PixelFormat { get; init; } = CameraSection.PixelFormat.Default;
    public string RtspTransport { get; init; } = CameraSection.RtspTransport.Default;
    public int ReconnectInitialMs { get; init; } = CameraSection.ReconnectInitialMs.Default;
    public int ReconnectMaxMs { get; init; } = CameraSection.ReconnectMaxMs.Default;
    /// <summary>rtsp/http: a stream that delivers no frame for this long (its connection open or not) is reopened.</summary>
    public int StallMs { get; init; } = CameraSection.StallMs.Default;
    /// <summary>How many unreadable frames in a row end a file source (a live source reconnects instead).</summary>
    public int MaxConsecutiveErrors { get; init; } = CameraSection.MaxConsecutiveErrors.Default;
    /// <summary>The hardware decoder asked for; resolved against the box at start-up (Capture/HardwareDecoding.cs).</summary>
    public HwAccel HwAccel { get; init; } = CameraSection.HwAccel.Default;
    /// <summary>The detector's own stream as written (e.g. a camera's low-resolution sub-stream); null: the detector reads <see cref="Source"/>.</summary>
    public string? DetectSource { get; init; }
    /// <summary><see cref="DetectSource"/>'s kind; null without one.</summary>
    public SourceKind? DetectKind { get; init; }
    /// <summary><see cref="DetectSource"/> as <see cref="Location"/> gives <see cref="Source"/>; null without one.</summary>
    public string? DetectLocation { get; init; }
    /// <summary>The decoder's own frame/slice threads; 0: as many as there are housekeeping CPUs, at most 4; 1: the capture thread only.</summary>
    public int DecoderThreads { get; init; } = CameraSection.DecoderThreads.Default;
    public ConvertMode Convert { get; init; } = CameraSection.Convert.Default;

    public bool IsLive => Kind is SourceKind.V4l2 or SourceKind.Ffmpeg;

    /// <summary>
    /// The decoder threads <see cref="DecoderThreads"/> means: itself when given; for 0, one per housekeeping CPU (where
    /// the decoder's helper threads run, never beside inference), or per CPU the process may use where
    /// <c>realtime.housekeeping_cpus</c> names none, at most <see cref="CameraSection.AutoDecoderThreadsMax"/>. One
    /// housekeeping CPU (a 2-core box: housekeeping on 0, inference on 1) gives 1: decoding on the capture thread.
    /// </summary>
    public int DecoderThreadsFor(IReadOnlyList<int> housekeepingCpus, int processorCount) =>
        DecoderThreads > 0 ? DecoderThreads
            : Math.Clamp(housekeepingCpus.Count > 0 ? housekeepingCpus.Count : processorCount, 1, CameraSection.AutoDecoderThreadsMax);

    /// <summary>
    /// The conversion <see cref="Convert"/> means for a <paramref name="width"/>x<paramref name="height"/> source and a
    /// <paramref name="modelWidth"/>x<paramref name="modelHeight"/> input: auto converts straight to the model's size once
    /// the full-size BGR frame would be more than four times the input (twice in each direction), where making it costs
    /// more than its exact match with OpenCV's decode is worth.
    /// </summary>
    public ConvertMode ConvertFor(int width, int height, int modelWidth, int modelHeight) =>
        Convert != ConvertMode.Auto ? Convert
            : width > 2 * modelWidth && height > 2 * modelHeight ? ConvertMode.Model : ConvertMode.Full;
    /// <summary>
    /// Live sources keep only the freshest frame. Files hand over every frame at any pace, so a replay gives the
    /// same detections, tracks and events however loaded the box is (a late paced frame delays the next one).
    /// </summary>
    public bool KeepsFreshestOnly => IsLive;

    /// <summary>Tracking, zones and rules run on the media clock (files) rather than the capture clock (live sources).</summary>
    public bool OnMediaClock => !IsLive;

    /// <summary>The camera's tracking, zones, lines and rules.</summary>
    public SceneConfig Scene { get; init; } = new();
}

public enum ModelFamily { Auto, Yolox, Yolov8, Yolov5 }

/// <summary>The ONNX Runtime execution provider a model runs on (<c>model.provider</c>); CPU takes whatever the others cannot run.</summary>
public enum ExecutionProvider { Cpu, Cuda, Tensorrt, OpenVino }

public enum ResizeMode { Linear, Nearest, Area, Cubic }

public enum ChannelOrder { Bgr, Rgb }

public enum PadAlign { TopLeft, Center }

public sealed record InputConfig(ResizeMode Resize, ChannelOrder Channels, float Scale, byte Pad, PadAlign Align)
{
    /// <summary>Each family's reference preprocessing: YOLOX feeds 0..255 BGR padded top-left; Ultralytics feeds 0..1 RGB centred.</summary>
    public static InputConfig DefaultFor(ModelFamily family) => family switch
    {
        ModelFamily.Yolox => new(ModelSection.Resize.Default, ChannelOrder.Bgr, 1f, (byte)ModelSection.Pad.Default, PadAlign.TopLeft),
        _ => new(ModelSection.Resize.Default, ChannelOrder.Rgb, 1f / 255f, (byte)ModelSection.Pad.Default, PadAlign.Center),
    };
}

public sealed record ModelConfig
{
    public string Path { get; init; } = "";
    public string? Labels { get; init; }
    public ModelFamily Family { get; init; } = ModelSection.Family.Default;
    public string Name { get; init; } = "";
    /// <summary>Input size for models whose input dimensions are dynamic.</summary>
    public int InputWidth { get; init; } = ModelSection.InputSize.Default;
    public int InputHeight { get; init; } = ModelSection.InputSize.Default;
    /// <summary>Null where the YAML is silent: the family's default applies once the family is known.</summary>
    public ResizeMode? Resize { get; init; }
    public ChannelOrder? Channels { get; init; }
    public float? Scale { get; init; }
    public byte? Pad { get; init; }
    public PadAlign? Align { get; init; }
    public int IntraOpThreads { get; init; } = ModelSection.Threads.Default;
    /// <summary>Detector instances, each with its own session and inference thread; cameras are shared out among them.</summary>
    public int Instances { get; init; } = ModelSection.Instances.Default;
    public string Optimization { get; init; } = ModelSection.Optimization.Default;
    public ExecutionProvider Provider { get; init; } = ModelSection.Provider.Default;

    public InputConfig InputFor(ModelFamily family)
    {
        var d = InputConfig.DefaultFor(family);
        return new(Resize ?? d.Resize, Channels ?? d.Channels, Scale ?? d.Scale, Pad ?? d.Pad, Align ?? d.Align);
    }
}

public sealed record ClassFilter(float? MinScore, float MinArea, float MaxArea);

public sealed record DetectConfig
{
    public float Score { get; init; } = DetectSection.Score.Default;
    public float NmsIou { get; init; } = DetectSection.NmsIou.Default;
    public int MaxDetections { get; init; } = DetectSection.MaxDetections.Default;
    /// <summary>Labels to keep; empty keeps every class.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];
    public float MinArea { get; init; } = DetectSection.MinArea.Default;
    /// <summary>0 means no upper limit.</summary>
    public float MaxArea { get; init; } = DetectSection.MaxArea.Default;
    public IReadOnlyDictionary<string, ClassFilter> PerClass { get; init; } = new Dictionary<string, ClassFilter>();
}

public sealed record PublishConfig
{
    public string Endpoint { get; init; } = PublishSection.Endpoint.Default;
    public int SendHighWatermark { get; init; } = PublishSection.SendHighWatermark.Default;
    public int StatusIntervalMs { get; init; } = PublishSection.StatusIntervalMs.Default;
    /// <summary>Start capturing only once this many subscribers have subscribed (ZeroMQ drops what is sent before).</summary>
    public int WaitForSubscribers { get; init; } = PublishSection.WaitForSubscribers.Default;
    public int WaitTimeoutMs { get; init; } = PublishSection.WaitTimeoutMs.Default;
    public int LingerMs { get; init; } = PublishSection.LingerMs.Default;
    /// <summary>SO_SNDBUF per subscriber connection in bytes; 0 leaves it to the kernel's automatic sizing (up to tcp_wmem's maximum).</summary>
    public int SendBufferBytes { get; init; } = PublishSection.SendBufferBytes.Default;
    /// <summary>CURVE: the server's secret key (32 bytes) from <c>curve.secret_key_file</c>; null publishes in plain text.</summary>
    public byte[]? CurveSecretKey { get; init; }
    /// <summary>Plain text on a non-loopback endpoint, chosen explicitly with <c>insecure: true</c>.</summary>
    public bool Insecure { get; init; } = PublishSection.Insecure.Default;
}

/// <summary>The <c>http:</c> section: where the live view, status API and Prometheus metrics are served (docs/http.md).</summary>
public sealed record HttpConfig
{
    /// <summary>host:port as written; the loader also gives it parsed as <see cref="Address"/> and <see cref="Port"/>.</summary>
    public string Listen { get; init; } = HttpSection.Listen.Default;
    public System.Net.IPAddress Address { get; init; } = HttpSection.DefaultListen.Address;
    public int Port { get; init; } = HttpSection.DefaultListen.Port;
    /// <summary>At most this many JPEGs per second per viewer (page and MJPEG).</summary>
    public int LiveFps { get; init; } = HttpSection.LiveFps.Default;
    public int JpegQuality { get; init; } = HttpSection.JpegQuality.Default;
    /// <summary>From <c>auth.token_file</c>: when set, every route but /healthz needs it; null: no authentication.</summary>
    public string? Token { get; init; }
    public string? TokenFile { get; init; }
    /// <summary>From <c>tls.cert_file</c> and <c>tls.key_file</c>: when set, HTTPS with it (and its private key); null: plain HTTP.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? TlsCertificate { get; init; }
    /// <summary>The certificates after the first in <c>tls.cert_file</c> (intermediate CAs), sent with it; null when there are none.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? TlsChain { get; init; }
}

/// <summary>The <c>mqtt:</c> section (docs/mqtt.md): the broker, what goes out, the outbox and Home Assistant discovery.</summary>
public sealed record MqttConfig
{
    public string Url { get; init; } = "";
    public bool Tls { get; init; }
    public string Host { get; init; } = "";
    public int Port { get; init; } = 1883;
    public string ClientId { get; init; } = "smartcam";
    public string TopicPrefix { get; init; } = "smartcam/smartcam";
    public string? Username { get; init; }
    public string? Password { get; init; }
    public int KeepAliveS { get; init; } = MqttSection.KeepAliveS.Default;
    public int SessionExpiryS { get; init; } = MqttSection.SessionExpiryS.Default;
    /// <summary>From <c>tls.ca_file</c>; null: the system's trusted CAs.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? TrustedCas { get; init; }
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; init; }
    public bool Insecure { get; init; } = MqttSection.Insecure.Default;
    public bool Events { get; init; } = MqttSection.Events.Default;
    public int StatusS { get; init; } = MqttSection.StatusS.Default;
    public bool Detections { get; init; } = MqttSection.Detections.Default;
    public int DetectionsFps { get; init; } = MqttSection.DetectionsFps.Default;
    public string OutboxPath { get; init; } = MqttSection.OutboxPath.Default;
    public long OutboxMaxBytes { get; init; } = (long)(MqttSection.OutboxMaxMb.Default * 1024 * 1024);
    public bool Discovery { get; init; } = MqttSection.Discovery.Default;
    public string DiscoveryPrefix { get; init; } = MqttSection.DiscoveryPrefix.Default;
}

/// <summary>
/// One camera's tracking, zones, lines and rules: everything after detection. Zones and lines are in
/// normalised image coordinates (0..1, y down). Indexes in <see cref="RuleConfig"/> refer to the lists here.
/// </summary>
public sealed record SceneConfig
{
    /// <summary>Track objects (stable track_id in det messages). Zones, lines and rules need it; on by default.</summary>
    public bool Tracking { get; init; } = TrackingSection.Enabled.Default;
    public TrackerOptions Tracker { get; init; } = new();
    /// <summary>Which point of a box decides zone membership and line crossings.</summary>
    public AnchorPoint Anchor { get; init; } = TrackingSection.Anchor.Default;
    public IReadOnlyList<ZoneDefinition> Zones { get; init; } = [];
    public IReadOnlyList<LineDefinition> Lines { get; init; } = [];
    /// <summary>Rules name their output by its index among every camera's outputs (<see cref="SmartCamConfig.Outputs"/>).</summary>
    public IReadOnlyList<RuleConfig> Rules { get; init; } = [];

    /// <summary>
    /// Per rule of this scene, the rule of <paramref name="running"/> it continues at a live reload, or -1: the same name,
    /// labels, score, zone or line (by name: indexes move when zones are added), direction, output and timing. Written
    /// into <paramref name="into"/> without allocating: it runs on the inference thread at the switch.
    /// </summary>
    public void RunningRuleOf(SceneConfig running, Span<int> into)
    {
        for (var n = 0; n < Rules.Count; n++)
        {
            into[n] = -1;
            var rule = Rules[n];
            for (var i = 0; i < running.Rules.Count; i++)
            {
                var r = running.Rules[i];
                if (r.Name == rule.Name && SameLabels(r.Labels, rule.Labels) && r.MinScore == rule.MinScore
                    && ZoneName(running, r.Zone) == ZoneName(this, rule.Zone) && LineName(running, r.Line) == LineName(this, rule.Line)
                    && r.Direction == rule.Direction && r.Output == rule.Output && r.Timing == rule.Timing)
                {
                    into[n] = i;
                    break;
                }
            }
        }
    }

    private static bool SameLabels(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
            if (a[i] != b[i]) return false;
        return true;
    }

    private static string? ZoneName(SceneConfig scene, int zone) => zone >= 0 ? scene.Zones[zone].Name : null;
    private static string? LineName(SceneConfig scene, int line) => line >= 0 ? scene.Lines[line].Name : null;
}

/// <summary>
/// One rule: <c>when</c> a tracked object with one of <see cref="Labels"/> (empty: any) and score at least
/// <see cref="MinScore"/> is in zone <see cref="Zone"/>, or crosses line <see cref="Line"/> (in
/// <see cref="Direction"/>, null: either way), or is anywhere in the frame when neither is given, for
/// <c>min_frames</c> frames in a row, <c>then</c> drive output <see cref="Output"/> as <see cref="Timing"/> says.
/// </summary>
public sealed record RuleConfig(
    string Name,
    IReadOnlyList<string> Labels,
    float MinScore,
    int Zone,
    int Line,
    LineDirection? Direction,
    int Output,
    RuleTiming Timing)
{
    /// <summary><c>snapshot: true</c>: with <c>snapshots:</c>, the rule's enter (zone) or cross (line) events get a snapshot too, not only its firings.</summary>
    public bool Snapshot { get; init; }
}

/// <summary>The <c>snapshots:</c> section (docs/actuation.md#snapshots): where the event pictures go and how many are kept.</summary>
public sealed record SnapshotsConfig(string Path, float MaxMb, int MaxDays)
{
    /// <summary>The whole snapshots folder's bound, in bytes.</summary>
    public long MaxBytes => (long)(MaxMb * 1024 * 1024);
}
