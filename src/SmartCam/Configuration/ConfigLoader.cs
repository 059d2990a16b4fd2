using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using SmartCam.Actuation;
using SmartCam.Core;
using SmartCam.Messaging;
using SmartCam.Realtime;
using SmartCam.Tracking;
using YamlDotNet.RepresentationModel;

namespace SmartCam.Configuration;

/// <summary>Loads and checks a SmartCam YAML file. Every problem becomes a <see cref="ConfigException"/> naming file, line and key.</summary>
public static partial class ConfigLoader
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"];

    /// <summary>A config is a few kilobytes; anything this big is the wrong file (a video, a model) and is not read whole.</summary>
    public const int MaxFileBytes = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static SmartCamConfig Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
            throw new ConfigException($"{fullPath}: is a folder; expected a YAML config file, e.g. configs/demo.yaml");
        byte[] bytes;
        try
        {
            bytes = ReadAtMost(fullPath, MaxFileBytes)
                ?? throw new ConfigException($"{fullPath}: more than {MaxFileBytes} bytes is too big for a config file; is this the right file?");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{fullPath}: cannot read the config file: {e.Message}");
        }
        return Parse(Decode(bytes, fullPath), fullPath);
    }

    /// <summary>
    /// The file's bytes, or null past <paramref name="limit"/>. Read rather than sized first: a device such as
    /// /dev/zero has no length and no end.
    /// </summary>
    private static byte[]? ReadAtMost(string path, int limit)
    {
        using var file = File.OpenRead(path);
        using var bytes = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = file.Read(chunk)) > 0)
        {
            if (bytes.Length + n > limit) return null;
            bytes.Write(chunk, 0, n);
        }
        return bytes.ToArray();
    }

    /// <summary>The file as text; bytes that are not UTF-8 are named by line and column rather than read as U+FFFD.</summary>
    private static string Decode(byte[] bytes, string fullPath)
    {
        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0; // a byte-order mark is allowed
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            var at = start + Math.Max(e.Index, 0);
            var line = 1 + bytes.AsSpan(0, at).Count((byte)'\n');
            var lineStart = bytes.AsSpan(0, at).LastIndexOf((byte)'\n') + 1;
            var column = 1 + StrictUtf8.GetCharCount(bytes, lineStart, at - lineStart);
            throw new ConfigException($"{fullPath}:{line}:{column}: byte 0x{bytes[at]:X2} is not UTF-8 text; expected a UTF-8 YAML file (save it as UTF-8)");
        }
    }

    public static SmartCamConfig Parse(string yaml, string fullPath)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            stream.Load(new DepthLimitedParser(new Parser(scanner), fullPath));
        }
        catch (AnchorNotFoundException e) when (AnchorName().Match(e.Message) is { Success: true } m)
        {
            // YamlDotNet places this at the document's start; the alias itself is where the mistake is.
            var alias = "*" + m.Groups[1].Value;
            var (line, column) = LineColumn(yaml, Math.Max(yaml.IndexOf(alias, StringComparison.Ordinal), 0));
            throw new ConfigException($"{fullPath}:{line}:{column}: not valid YAML: the alias {alias} refers to no anchor; expected &{m.Groups[1].Value} on a value before it");
        }
        catch (YamlException e)
        {
            var inner = e.InnerException?.Message ?? e.Message;
            throw new ConfigException($"{fullPath}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {inner}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException or EndOfStreamException)
        {
            // YamlDotNet's own faults on some malformed input, without a position: the scanner knows where it stopped.
            var at = scanner.CurrentPosition;
            var what = e is InvalidOperationException && e.Message == new InvalidOperationException().Message
                ? UnclosedBracket(yaml, at.Index) is var (line, column, bracket)
                    ? $"the {bracket} opened on line {line}, column {column} is not closed; expected {(bracket == '{' ? '}' : ']')} before this line"
                    : "a [ or { is still open, and this line is indented less than the block it is in; expected ] or } first"
                : e.Message;
            throw new ConfigException($"{fullPath}:{at.Line}:{at.Column}: not valid YAML: {what}");
        }
        if (stream.Documents.Count == 0)
            throw new ConfigException($"{fullPath}: the file holds no settings (it is empty or only comments); expected a YAML mapping with the sections camera, model, detect, publish");
        if (stream.Documents.Count > 1)
            throw new ConfigException($"{fullPath}:{stream.Documents[1].RootNode.Start.Line}:{stream.Documents[1].RootNode.Start.Column}: a second YAML document (after ---); expected one");
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var found = stream.Documents[0].RootNode;
            var what = found is YamlSequenceNode ? "a list" : "a single value";
            throw new ConfigException($"{fullPath}:{found.Start.Line}:{found.Start.Column}: the file holds {what}; expected a YAML mapping with the sections camera, model, detect, publish");
        }

        RejectMergeKeys(root, "", fullPath);

        var baseDir = Path.GetDirectoryName(fullPath)!;
        var top = new YamlSection(fullPath, "", root);
        var sections = CameraSections(top, fullPath);
        // Each camera's own keys first (a mistake there is the one to name, as it always was), then the shared sections.
        var cameras = new List<CameraConfig>();
        for (var i = 0; i < sections.Count; i++)
        {
            var listed = sections[i].Camera == sections[i].Scene;
            cameras.Add(ReadCamera(sections[i].Camera, baseDir, listed ? $"cam{i}" : null, rejectUnknown: !listed));
        }
        var model = ReadModel(Required(top, "model", fullPath), baseDir);
        var detect = ReadDetect(top.Section("detect"));
        var publish = ReadPublish(top.Section("publish"), baseDir);
        var realtime = ReadRealtime(top.Section("realtime"));
        var http = ReadHttp(top.Section("http"), baseDir);
        CheckInstances(top, model, realtime, sections.Count);
        var actuation = top.Section("actuation");
        var watchdogMs = actuation?.Int("watchdog_ms", SmartCamConfig.DefaultWatchdogMs, 0, 3_600_000) ?? SmartCamConfig.DefaultWatchdogMs;
        actuation?.RejectUnknownKeys();

        // Every camera's outputs first: a rule may name another camera's output (two cameras driving one line, on purpose).
        var outputs = new List<OutputDefinition>();
        var parts = new List<(bool Tracking, TrackerOptions Tracker, AnchorPoint Anchor, List<ZoneDefinition> Zones, List<LineDefinition> Lines)>();
        for (var i = 0; i < sections.Count; i++)
        {
            var sceneSection = sections[i].Scene;
            var (enabled, tracker, anchor) = ReadTracking(sceneSection.Section("tracking"));
            parts.Add((enabled, tracker, anchor, ReadZones(sceneSection), ReadLines(sceneSection)));
            ReadOutputs(sceneSection, outputs, i);
        }
        for (var i = 0; i < sections.Count; i++)
        {
            var (cameraSection, sceneSection) = sections[i];
            var p = parts[i];
            var rules = ReadRules(sceneSection, p.Zones, p.Lines, outputs, detect);
            if (!p.Tracking) RejectSceneWithoutTracking(sceneSection, rules.Count, p.Zones.Count, p.Lines.Count);
            if (cameraSection == sceneSection) cameraSection.RejectUnknownKeys();
            cameras[i] = cameras[i] with
            {
                Scene = new SceneConfig { Tracking = p.Tracking, Tracker = p.Tracker, Anchor = p.Anchor, Zones = p.Zones, Lines = p.Lines, Rules = rules },
            };
        }
        CheckCameraIds(sections, cameras);
        top.RejectUnknownKeys();
        return new SmartCamConfig(fullPath, cameras, model, detect, publish, realtime)
        {
            Outputs = outputs,
            WatchdogMs = watchdogMs,
            Http = http,
            Listed = sections[0].Camera == sections[0].Scene,
        };
    }

    /// <summary>Keys that describe one camera's scene: at the top level beside <c>camera:</c>, inside each camera of a <c>cameras:</c> list.</summary>
    private static readonly string[] SceneKeys = ["tracking", "zones", "lines", "outputs", "rules"];

    /// <summary>
    /// Per camera, the section holding its own keys and the one holding its scene: the same item of a <c>cameras:</c>
    /// list, or the single <c>camera:</c> section with the scene at the top level (the single-camera form).
    /// </summary>
    private static List<(YamlSection Camera, YamlSection Scene)> CameraSections(YamlSection top, string file)
    {
        var list = top.NodeOf("cameras");
        if (list is null)
        {
            var single = top.Section("camera")
                ?? throw new ConfigException($"{file}: camera: section is required, or a cameras: list for several cameras (see docs/configuration.md)");
            return [(single, top)];
        }
        if (top.KeyOf("camera") is { } both)
            throw top.Error(both, "camera", "give camera (one camera) or cameras (a list of cameras), not both");
        foreach (var key in SceneKeys)
            if (top.KeyOf(key) is { } misplaced && top.NodeOf(key) is not null)
                throw top.Error(misplaced, key, $"with a cameras: list, each camera has its own {key}; move it under the camera it belongs to");
        var sections = top.Items("cameras", "- { id: gate, source: rtsp://10.0.0.5/stream }").Select(i => (i.Section, i.Section)).ToList();
        if (sections.Count == 0)
            throw top.Error(list, "cameras", "is empty; expected at least one camera, e.g. - { id: gate, source: rtsp://10.0.0.5/stream }");
        return sections;
    }

    /// <summary>Camera ids name topics: unique, and never the box's own status topic.</summary>
    private static void CheckCameraIds(List<(YamlSection Camera, YamlSection Scene)> sections, List<CameraConfig> cameras)
    {
        for (var i = 0; i < cameras.Count; i++)
        {
            var s = sections[i].Camera;
            var at = s.NodeOf("id") ?? s.Node;
            if (cameras[i].Id == BoxStatus.Id)
                throw s.Error(at, "id", $"'{BoxStatus.Id}' is reserved for the box's own status topic ({MessageNames.BoxStatusTopic}); choose another camera id");
            var first = cameras.FindIndex(c => c.Id == cameras[i].Id);
            if (first < i)
                throw s.Error(at, "id", $"'{cameras[i].Id}' is already the id of cameras[{first}]; each camera needs its own id (it names the camera's topics)");
        }
    }

    /// <summary>More detector instances than CPUs for their threads (or than cameras to feed them) only adds contention.</summary>
    private static void CheckInstances(YamlSection top, ModelConfig model, RealtimeConfig realtime, int cameras)
    {
        if (model.Instances == 1) return;
        var s = top.Section("model")!;
        var at = s.NodeOf("instances")!;
        var pinned = realtime.Enabled && realtime.Inference.Cpus.Count > 0;
        var cpus = pinned ? realtime.Inference.Cpus.Count : Environment.ProcessorCount;
        if (model.Instances * model.IntraOpThreads > cpus)
            throw s.Error(at, "instances",
                $"{model.Instances} instances of {model.IntraOpThreads} thread{(model.IntraOpThreads == 1 ? "" : "s")} each need {model.Instances * model.IntraOpThreads} CPUs, and {(pinned ? $"realtime.threads.inference.cpus gives {cpus}" : $"this machine has {cpus}")}; expected at most {Math.Max(1, cpus / model.IntraOpThreads)}");
        if (model.Instances > cameras)
            throw s.Error(at, "instances", $"{model.Instances} instances for {cameras} camera{(cameras == 1 ? "" : "s")}: an instance serves whole cameras, so the extra ones would idle; expected at most {cameras}");
    }

    private static void RejectSceneWithoutTracking(YamlSection s, int rules, int zones, int lines)
    {
        var off = s.Section("tracking")!.NodeOf("enabled")!;
        foreach (var (key, count) in (ReadOnlySpan<(string, int)>)[("rules", rules), ("zones", zones), ("lines", lines)])
            if (count > 0)
                throw s.Error(s.KeyOf(key)!, key, $"{key} need tracking (they follow tracked objects), but tracking.enabled is false on line {off.Start.Line}; remove 'enabled: false' or the {key}");
    }

    /// <summary>
    /// YAML merge keys (<c>&lt;&lt;: *base</c>) are not applied by YamlDotNet's node model; named up front, before a key
    /// they were meant to bring in is reported missing.
    /// </summary>
    private static void RejectMergeKeys(YamlNode node, string path, string file)
    {
        if (node is YamlSequenceNode seq)
            for (var i = 0; i < seq.Children.Count; i++) RejectMergeKeys(seq.Children[i], $"{path}[{i}]", file);
        if (node is not YamlMappingNode map) return;
        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            var qualified = path.Length == 0 ? name : path + "." + name;
            if (name == "<<" && k is YamlScalarNode { Style: ScalarStyle.Plain })
                throw new ConfigException($"{file}:{k.Start.Line}:{k.Start.Column}: {qualified}: merge keys (<<) are not supported; write the keys out in full");
            RejectMergeKeys(v, qualified, file);
        }
    }

    /// <summary>
    /// The innermost [ or { still open at <paramref name="end"/>, skipping quoted strings and comments; null when none.
    /// Only for the message: YamlDotNet has already said the text is wrong.
    /// </summary>
    private static (int Line, int Column, char Bracket)? UnclosedBracket(string text, long end)
    {
        var open = new Stack<int>();
        var quote = '\0';
        for (var i = 0; i < Math.Min(end, text.Length); i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == '\\' && quote == '"') i++;
                else if (c == quote || c == '\n') quote = '\0';
            }
            else if (c is '"' or '\'') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(text[i - 1]))) i = Math.Max(text.IndexOf('\n', i), i + 1) - 1;
            else if (c is '[' or '{') open.Push(i);
            else if (c is ']' or '}' && open.Count > 0) open.Pop();
        }
        if (open.Count == 0) return null;
        var at = open.Peek();
        var (line, column) = LineColumn(text, at);
        return (line, column, text[at]);
    }

    private static (int Line, int Column) LineColumn(string text, int index)
    {
        var before = text.AsSpan(0, index);
        var lineStart = before.LastIndexOf('\n') + 1;
        return (1 + before.Count('\n'), 1 + index - lineStart);
    }

    [System.Text.RegularExpressions.GeneratedRegex("anchor '([^']*)'")]
    private static partial System.Text.RegularExpressions.Regex AnchorName();

    private static YamlSection Required(YamlSection top, string key, string file) =>
        top.Section(key) ?? throw new ConfigException($"{file}: {key}: section is required (see docs/configuration.md)");

    private static CameraConfig ReadCamera(YamlSection s, string baseDir, string? defaultId, bool rejectUnknown)
    {
        var d = new CameraConfig(); // the defaults
        var id = s.String("id", defaultId ?? d.Id);
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw s.Error(s.NodeOf("id")!, "id", $"'{id}' is not a valid camera id; expected 1-64 letters, digits, '_' or '-' (it is used in topic names)");

        var source = s.RequiredString("source");
        var (kind, location) = ParseSource(s, source, baseDir);
        var pace = s.Choice("pace", ["max", "realtime"], [Pace.Max, Pace.Realtime]) ?? d.Pace;
        var pixelFormat = s.String("pixel_format", d.PixelFormat).ToUpperInvariant();
        if (pixelFormat is not ("MJPG" or "YUYV"))
            throw s.Error(s.NodeOf("pixel_format")!, "pixel_format", $"'{pixelFormat}' is not one of: MJPG, YUYV");
        var transport = s.String("rtsp_transport", d.RtspTransport).ToLowerInvariant();
        if (transport is not ("tcp" or "udp"))
            throw s.Error(s.NodeOf("rtsp_transport")!, "rtsp_transport", $"'{transport}' is not one of: tcp, udp");

        var reconnect = s.Section("reconnect");
        var camera = new CameraConfig
        {
            Id = id,
            Source = source,
            Kind = kind,
            Location = location,
            Loop = s.Bool("loop", d.Loop),
            Pace = pace,
            Width = s.Int("width", d.Width, 0, 16384),
            Height = s.Int("height", d.Height, 0, 16384),
            Fps = s.Float("fps", (float)d.Fps, 0, 1000),
            PixelFormat = pixelFormat,
            RtspTransport = transport,
            ReconnectInitialMs = reconnect?.Int("initial_ms", d.ReconnectInitialMs, 10, 600_000) ?? d.ReconnectInitialMs,
            ReconnectMaxMs = reconnect?.Int("max_ms", d.ReconnectMaxMs, 10, 600_000) ?? d.ReconnectMaxMs,
            MaxConsecutiveErrors = s.Int("max_consecutive_errors", d.MaxConsecutiveErrors, 1, 100_000),
            StallMs = s.Int("stall_ms", d.StallMs, 100, 600_000),
        };
        reconnect?.RejectUnknownKeys();
        // In a cameras: list the camera's scene keys share its section: they are checked once read.
        if (rejectUnknown) s.RejectUnknownKeys();
        if ((camera.Width == 0) != (camera.Height == 0))
            throw s.Error(s.NodeOf(camera.Width == 0 ? "height" : "width")!, camera.Width == 0 ? "height" : "width", "width and height go together: give both or neither");
        return camera;
    }

    private static (SourceKind, string) ParseSource(YamlSection s, string source, string baseDir)
    {
        var at = s.NodeOf("source")!;
        if (source.StartsWith("file://", StringComparison.Ordinal))
        {
            var rest = source["file://".Length..];
            if (rest.Length == 0) throw s.Error(at, "source", "file:// needs a path, e.g. file://../media/vtest.avi");
            var path = FullPath(s, "source", rest, baseDir);
            var ext = Path.GetExtension(path).ToLowerInvariant();
            return (ImageExtensions.Contains(ext) ? SourceKind.Image : SourceKind.File, path);
        }
        if (source.StartsWith("v4l2://", StringComparison.Ordinal))
        {
            var device = source["v4l2://".Length..];
            if (!device.StartsWith("/dev/", StringComparison.Ordinal))
                throw s.Error(at, "source", $"'{source}' names no device; expected v4l2:///dev/videoN");
            return (SourceKind.V4l2, device);
        }
        foreach (var scheme in (string[])["rtsp://", "rtsps://", "http://", "https://"])
            if (source.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                if (source.Length == scheme.Length) throw s.Error(at, "source", $"'{source}' has no host");
                return (SourceKind.Ffmpeg, source);
            }
        throw s.Error(at, "source", $"'{source}' is not a supported source; expected file://PATH, v4l2:///dev/videoN, rtsp://… or http(s)://…");
    }

    private static ModelConfig ReadModel(YamlSection s, string baseDir)
    {
        var d = new ModelConfig(); // the defaults
        var path = ExistingFile(s, "model.path", s.RequiredString("path"), baseDir, "path");
        var labelsText = s.String("labels");
        var labels = labelsText is null ? null : ExistingFile(s, "model.labels", labelsText, baseDir, "labels");
        var family = s.Choice("family", ["auto", "yolox", "yolov8", "yolo11", "yolov5"],
            [ModelFamily.Auto, ModelFamily.Yolox, ModelFamily.Yolov8, ModelFamily.Yolov8, ModelFamily.Yolov5]) ?? d.Family;

        int inputW = d.InputWidth, inputH = d.InputHeight;
        var size = s.NodeOf("input_size");
        if (size is not null)
        {
            if (size is not YamlSequenceNode { Children.Count: 2 } seq
                || !int.TryParse(seq.Children[0].ToString(), CultureInfo.InvariantCulture, out inputW)
                || !int.TryParse(seq.Children[1].ToString(), CultureInfo.InvariantCulture, out inputH)
                || inputW is < 32 or > 8192 || inputH is < 32 or > 8192)
                throw s.Error(size, "input_size", "expected [width, height] in pixels, 32 to 8192, e.g. [640, 640]");
        }

        var input = s.Section("input");
        var model = new ModelConfig
        {
            Path = path,
            Labels = labels,
            Family = family,
            Name = s.String("name", Path.GetFileNameWithoutExtension(path)),
            InputWidth = inputW,
            InputHeight = inputH,
            Resize = input?.Choice("resize", ["linear", "nearest", "area", "cubic"],
                [ResizeMode.Linear, ResizeMode.Nearest, ResizeMode.Area, ResizeMode.Cubic]),
            Channels = input?.Choice("channels", ["bgr", "rgb"], [ChannelOrder.Bgr, ChannelOrder.Rgb]),
            Scale = input?.Choice("range", ["0-255", "0-1"], [1f, 1f / 255f]),
            Pad = input?.String("pad") is null ? null : (byte)input.Int("pad", InputConfig.DefaultFor(family).Pad, 0, 255), // given: the fallback is never used
            Align = input?.Choice("align", ["top-left", "center"], [PadAlign.TopLeft, PadAlign.Center]),
            IntraOpThreads = s.Int("threads", d.IntraOpThreads, 1, 64),
            Instances = s.Int("instances", d.Instances, 1, 64),
            Optimization = ReadOptimization(s),
            Provider = s.Choice("provider", ["cpu", "cuda", "tensorrt", "openvino"],
                [ExecutionProvider.Cpu, ExecutionProvider.Cuda, ExecutionProvider.Tensorrt, ExecutionProvider.OpenVino]) ?? ExecutionProvider.Cpu,
        };
        input?.RejectUnknownKeys();
        s.RejectUnknownKeys();
        return model;
    }

    private static string ReadOptimization(YamlSection s)
    {
        var level = s.String("optimization", new ModelConfig().Optimization).ToLowerInvariant();
        if (level is not ("all" or "extended" or "basic" or "none"))
            throw s.Error(s.NodeOf("optimization")!, "optimization", $"'{level}' is not one of: all, extended, basic, none");
        return level;
    }

    private static string ExistingFile(YamlSection s, string qualified, string value, string baseDir, string key)
    {
        var full = FullPath(s, key, value, baseDir);
        if (!File.Exists(full))
            throw s.Error(s.NodeOf(key)!, key, $"file not found: {full}" + (qualified == "model.path" ? " (scripts/setup.sh puts the sample model in models/)" : ""));
        return full;
    }

    /// <summary><paramref name="value"/> relative to the config's folder; a NUL character (possible in a quoted YAML string) is no path.</summary>
    private static string FullPath(YamlSection s, string key, string value, string baseDir)
    {
        if (value.Contains('\0'))
            throw s.Error(s.NodeOf(key)!, key, "contains a NUL character (\\0); expected a file path");
        return Path.GetFullPath(value, baseDir);
    }

    private static DetectConfig ReadDetect(YamlSection? s)
    {
        var d = new DetectConfig(); // the defaults
        if (s is null) return d;
        var perClass = new Dictionary<string, ClassFilter>();
        foreach (var (label, c) in s.Entries("per_class"))
        {
            perClass[label] = new ClassFilter(c.Float("min_score", 0, 1), c.Float("min_area", 0, 0, float.MaxValue), c.Float("max_area", 0, 0, float.MaxValue));
            c.RejectUnknownKeys();
        }
        var detect = new DetectConfig
        {
            Score = s.Float("score", d.Score, 0, 1),
            NmsIou = s.Float("nms_iou", d.NmsIou, 0, 1),
            MaxDetections = s.Int("max_detections", d.MaxDetections, 1, 10_000),
            Classes = s.StringList("classes"),
            MinArea = s.Float("min_area", d.MinArea, 0, float.MaxValue),
            MaxArea = s.Float("max_area", d.MaxArea, 0, float.MaxValue),
            PerClass = perClass,
        };
        s.RejectUnknownKeys();
        return detect;
    }

    private static PublishConfig ReadPublish(YamlSection? s, string baseDir)
    {
        var d = new PublishConfig(); // the defaults
        if (s is null) return d;
        var endpoint = s.String("endpoint", d.Endpoint);
        var problem = EndpointProblem(endpoint);
        if (problem is not null) throw s.Error(s.NodeOf("endpoint")!, "endpoint", problem);
        var insecure = s.Bool("insecure", d.Insecure);
        var curveSecretKey = ReadCurve(s.Section("curve"), baseDir);
        // Off loopback, anyone who can reach the port would read every detection: encrypt or say so explicitly.
        if (!IsLoopback(endpoint) && curveSecretKey is null && !insecure)
            throw s.Error(s.NodeOf("endpoint")!, "endpoint",
                $"'{endpoint}' is reachable from other machines and would publish in plain text; set publish.curve.secret_key_file (encrypted, see docs/messages.md#security), or publish.insecure: true to accept plain text, or bind tcp://127.0.0.1:PORT");
        var publish = new PublishConfig
        {
            Endpoint = endpoint,
            SendHighWatermark = s.Int("send_hwm", d.SendHighWatermark, 1, 100_000),
            StatusIntervalMs = s.Int("status_interval_ms", d.StatusIntervalMs, 100, 3_600_000),
            WaitForSubscribers = s.Int("wait_for_subscribers", d.WaitForSubscribers, 0, 1000),
            WaitTimeoutMs = s.Int("wait_timeout_ms", d.WaitTimeoutMs, 0, 3_600_000),
            LingerMs = s.Int("linger_ms", d.LingerMs, 0, 60_000),
            SendBufferBytes = s.Int("send_buffer_bytes", d.SendBufferBytes, 0, 64 * 1024 * 1024),
            CurveSecretKey = curveSecretKey,
            Insecure = insecure,
        };
        s.RejectUnknownKeys();
        return publish;
    }

    private static HttpConfig? ReadHttp(YamlSection? s, string baseDir)
    {
        if (s is null) return null;
        var d = new HttpConfig(); // the defaults
        var listen = s.String("listen", d.Listen);
        if (ParseListen(listen) is not var (address, port))
            throw s.Error(s.NodeOf("listen")!, "listen",
                $"'{listen}' is not host:port; expected an IP address and a port 0-65535, e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080");
        string? token = null, tokenFile = null;
        if (s.Section("auth") is { } auth)
        {
            tokenFile = Path.GetFullPath(auth.RequiredString("token_file"), baseDir);
            var at = auth.NodeOf("token_file")!;
            try
            {
                token = File.ReadAllText(tokenFile).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw auth.Error(at, "token_file", $"cannot read '{tokenFile}': {e.Message}; expected a file holding the token (e.g. made with: openssl rand -hex 32 > {tokenFile})");
            }
            if (token.Length < 16 || token.Any(char.IsWhiteSpace))
                throw auth.Error(at, "token_file", $"'{tokenFile}' holds {(token.Length == 0 ? "nothing" : "a token shorter than 16 characters or with spaces")}; expected one token of 16 or more characters (openssl rand -hex 32)");
            auth.RejectUnknownKeys();
        }
        // Off loopback, anyone who can reach the port would see the cameras and the config: require the token.
        if (!System.Net.IPAddress.IsLoopback(address) && token is null)
            throw s.Error(s.NodeOf("listen")!, "listen",
                $"'{listen}' is reachable from other machines; set http.auth.token_file (every route but /healthz then needs the token), or listen on 127.0.0.1:PORT (docs/http.md#security)");
        var http = new HttpConfig
        {
            Listen = listen,
            Address = address,
            Port = port,
            LiveFps = s.Int("live_fps", d.LiveFps, 1, 60),
            JpegQuality = s.Int("jpeg_quality", d.JpegQuality, 1, 100),
            Token = token,
            TokenFile = tokenFile,
        };
        s.RejectUnknownKeys();
        return http;
    }

    /// <summary><c>http.listen</c>: an IPv4 address and port, or [IPv6]:port; null when it is neither.</summary>
    public static (System.Net.IPAddress Address, int Port)? ParseListen(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon <= 0) return null;
        var host = listen[..colon];
        if (host.StartsWith('[') != host.EndsWith(']')) return null;
        var bracketed = host.StartsWith('[');
        if (bracketed) host = host[1..^1];
        else if (host.Contains(':')) return null; // an IPv6 address needs its brackets
        if (!int.TryParse(listen[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
            return null;
        if (host == "localhost") return (System.Net.IPAddress.Loopback, port);
        // IPAddress also takes "1" or "10.1" (old inet_aton forms); nobody means those here.
        var wellFormed = bracketed ? host.Contains(':') : host.Count(c => c == '.') == 3;
        return wellFormed && System.Net.IPAddress.TryParse(host, out var address) ? (address, port) : null;
    }

    /// <summary>The CURVE server secret key from <c>publish.curve</c>, checked now so a bad key is a config error, not a runtime one.</summary>
    private static byte[]? ReadCurve(YamlSection? s, string baseDir)
    {
        if (s is null) return null;
        // NetMQ 4.0 has no ZAP handler, so the server cannot check client keys; refuse rather than pretend.
        if (s.NodeOf("allowed_clients") is { } allowed)
            throw s.Error(allowed, "allowed_clients",
                "not supported: NetMQ 4.0 does not implement ZAP, so the publisher cannot check client keys; CURVE encrypts the bus and only clients that know the server's public key can subscribe (remove the key; see docs/messages.md#security)");
        var file = s.RequiredString("secret_key_file");
        var key = CurveKeys.ReadSecretKey(Path.GetFullPath(file, baseDir), out var problem);
        if (key is null) throw s.Error(s.NodeOf("secret_key_file")!, "secret_key_file", problem!);
        s.RejectUnknownKeys();
        return key;
    }

    /// <summary>True when the endpoint's host is a loopback address (127.0.0.0/8, ::1, localhost): unreachable from other machines.</summary>
    public static bool IsLoopback(string endpoint)
    {
        var rest = endpoint["tcp://".Length..];
        var host = rest[..rest.LastIndexOf(':')].Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address);
    }

    private static RealtimeConfig ReadRealtime(YamlSection? s)
    {
        var d = new RealtimeConfig(); // the defaults: no section leaves every thread as it is
        if (s is null) return d;
        var lastCpu = Libc.ConfiguredCpus - 1;
        var threads = s.Section("threads");
        var config = new RealtimeConfig
        {
            Enabled = s.Bool("enabled", true), // a realtime: section is written to be used: on unless it says otherwise
            Capture = ReadThreadPlan(threads?.Section("capture"), lastCpu),
            Inference = ReadThreadPlan(threads?.Section("inference"), lastCpu),
            Publish = ReadThreadPlan(threads?.Section("publish"), lastCpu),
            HousekeepingCpus = s.IntList("housekeeping_cpus", 0, lastCpu),
            LockMemory = s.Bool("lock_memory", d.LockMemory),
        };
        threads?.RejectUnknownKeys();
        s.RejectUnknownKeys();
        return config;
    }

    private static ThreadPlan ReadThreadPlan(YamlSection? s, int lastCpu)
    {
        if (s is null) return ThreadPlan.Unchanged;
        var cpus = s.IntList("cpus", 0, lastCpu);
        var policy = s.Choice("policy", ["other", "fifo", "rr"], [SchedPolicy.Other, SchedPolicy.Fifo, SchedPolicy.RoundRobin]) ?? ThreadPlan.Unchanged.Policy;
        var priority = policy == SchedPolicy.Other ? s.Int("priority", 0, 0, 0) : s.Int("priority", 50, 1, 99);
        s.RejectUnknownKeys();
        return new ThreadPlan(cpus, policy, priority);
    }

    // ---- tracking, zones, lines, outputs, actuation, rules ----

    private const int MaxMs = 86_400_000; // a day: the longest hold, pulse or cooldown

    private static (bool Enabled, TrackerOptions Tracker, AnchorPoint Anchor) ReadTracking(YamlSection? s)
    {
        var scene = new SceneConfig(); // the defaults
        var d = scene.Tracker;
        if (s is null) return (scene.Tracking, d, scene.Anchor);
        var enabled = s.Bool("enabled", scene.Tracking);
        var anchor = s.Choice("anchor", ["bottom_center", "center"], [AnchorPoint.BottomCenter, AnchorPoint.Center]) ?? scene.Anchor;
        var tracker = new TrackerOptions
        {
            HighScore = s.Float("high_score", d.HighScore, 0, 1),
            LowScore = s.Float("low_score", d.LowScore, 0, 1),
            NewTrackScore = s.Float("new_track_score", d.NewTrackScore, 0, 1),
            MatchIou = PositiveFraction(s, "match_iou", d.MatchIou),
            LowMatchIou = PositiveFraction(s, "low_match_iou", d.LowMatchIou),
            MinHits = s.Int("min_hits", d.MinHits, 1, 1000),
            MaxLostSeconds = s.Int("max_lost_ms", (int)(d.MaxLostSeconds * 1000), 0, 600_000) / 1000.0,
            MaxTracks = s.Int("max_tracks", d.MaxTracks, 1, TrackerOptions.CapacityLimit),
        };
        s.RejectUnknownKeys();
        if (tracker.LowScore > tracker.HighScore)
            throw s.Error(s.NodeOf("low_score") ?? s.NodeOf("high_score")!, s.NodeOf("low_score") is null ? "high_score" : "low_score",
                $"low_score {Num(tracker.LowScore)} is above high_score {Num(tracker.HighScore)}; expected low_score ≤ high_score (detections between the two only continue existing tracks)");
        try
        {
            tracker.Validate(); // every rule it checks is checked above with a better message; this keeps the two in step
        }
        catch (ArgumentException e)
        {
            throw s.SectionError(s.Node, e.Message);
        }
        return (enabled, tracker, anchor);
    }

    private static float PositiveFraction(YamlSection s, string key, float fallback)
    {
        var value = s.Float(key, fallback, 0, 1);
        if (value <= 0) throw s.Error(s.NodeOf(key)!, key, "0 would match boxes that do not overlap at all; expected an IoU above 0, up to 1");
        return value;
    }

    private static List<ZoneDefinition> ReadZones(YamlSection top)
    {
        var zones = new List<ZoneDefinition>();
        foreach (var (name, keyNode, z) in top.NamedEntries("zones", "a zone name"))
        {
            CheckName(z, keyNode, name, "zone");
            var points = z.Points("polygon");
            var loiter = z.Float("loiter_s", 0, 0, 86_400);
            z.RejectUnknownKeys(); // first, so that a misspelt key is named as such rather than as a missing one
            if (points is null)
                throw z.Error(z.Node, "polygon", "is required: the zone's outline as [x, y] points, at least 3, e.g. [[0.1, 0.5], [0.4, 0.5], [0.4, 1.0]]");
            var polygon = points.Select(p => (p.X, p.Y)).ToArray();
            if (ZoneDefinition.Validate(polygon, loiter) is { } problem)
            {
                var bad = polygon.Length >= 3 ? Array.FindIndex(polygon, p => ZoneGeometry.CheckPoint(p, "") is not null) : -1;
                throw bad >= 0 ? z.Error(points[bad].Node, $"polygon[{bad}]", problem) : z.Error(z.NodeOf("polygon")!, "polygon", problem);
            }
            zones.Add(new ZoneDefinition(name, polygon, loiter));
        }
        return zones;
    }

    private static List<LineDefinition> ReadLines(YamlSection top)
    {
        var lines = new List<LineDefinition>();
        foreach (var (name, keyNode, l) in top.NamedEntries("lines", "a line name"))
        {
            CheckName(l, keyNode, name, "line");
            var points = l.Points("points");
            var margin = l.Float("margin", 0.005f, 0, 0.25f);
            l.RejectUnknownKeys();
            if (points is null)
                throw l.Error(l.Node, "points", "is required: the line's two ends [[x1, y1], [x2, y2]], e.g. [[0.5, 0.0], [0.5, 1.0]]");
            if (points.Count != 2)
                throw l.Error(l.NodeOf("points")!, "points", $"expected exactly two points [[x1, y1], [x2, y2]], got {points.Count}");
            (float X, float Y) a = (points[0].X, points[0].Y), b = (points[1].X, points[1].Y);
            if (LineDefinition.Validate(a, b) is { } problem)
            {
                var bad = ZoneGeometry.CheckPoint(a, "") is not null ? 0 : ZoneGeometry.CheckPoint(b, "") is not null ? 1 : -1;
                throw bad >= 0 ? l.Error(points[bad].Node, $"points[{bad}]", problem) : l.Error(l.NodeOf("points")!, "points", problem);
            }
            lines.Add(new LineDefinition(name, a, b, margin));
        }
        return lines;
    }

    /// <summary>Adds camera <paramref name="owner"/>'s outputs to <paramref name="outputs"/> (every camera's so far): names and GPIO lines are unique box-wide.</summary>
    private static void ReadOutputs(YamlSection top, List<OutputDefinition> outputs, int owner)
    {
        foreach (var (name, keyNode, o) in top.NamedEntries("outputs", "an output name"))
        {
            CheckName(o, keyNode, name, "output");
            if (outputs.FindIndex(p => p.Name == name) is var taken and >= 0)
                throw o.SectionError(keyNode, $"'{name}' is already an output{(outputs[taken].Owner != owner ? " of another camera" : "")}; output names are unique on the box (a rule of any camera may name any output)");
            var driver = o.Choice("driver", ["gpio", "log"], [false, true]);
            var activeHigh = o.Choice("active", ["high", "low"], [true, false]) ?? true;
            var safeHigh = o.Choice("safe", ["high", "low"], [true, false]) ?? !activeHigh; // default: the inactive level
            _ = o.NodeOf("chip"); // known keys, read below once the driver is known
            _ = o.NodeOf("line");
            o.RejectUnknownKeys();
            var isLog = driver
                ?? throw o.Error(o.Node, "driver", "is required; expected gpio (a GPIO line through libgpiod) or log (no hardware, transitions are logged)");
            int chip = 0, line = 0;
            if (isLog)
            {
                foreach (var key in (string[])["chip", "line"])
                    if (o.NodeOf(key) is { } given)
                        throw o.Error(given, key, "is not used by driver log, which drives no hardware; remove it, or use driver: gpio");
            }
            else
            {
                if (o.String("line") is null)
                    throw o.Error(o.Node, "line", "is required for driver gpio: the line number (offset) on the chip, as gpioinfo lists it");
                chip = o.Int("chip", 0, 0, 255);
                line = o.Int("line", 0, 0, 65_535);
                var same = outputs.FindIndex(p => !p.IsLog && p.Chip == chip && p.Line == line);
                if (same >= 0)
                    throw o.Error(o.NodeOf("line")!, "line", $"chip {chip} line {line} is already output {outputs[same].Name}; give each output its own line");
            }
            outputs.Add(new OutputDefinition(name, isLog ? "log" : "gpio", chip, line, activeHigh, safeHigh) { Owner = owner });
        }
    }

    private static List<RuleConfig> ReadRules(YamlSection top, List<ZoneDefinition> zones, List<LineDefinition> lines, List<OutputDefinition> outputs, DetectConfig detect)
    {
        var rules = new List<RuleConfig>();
        foreach (var (_, r) in top.Items("rules", "- { name: person-at-door, when: { labels: [person], zone: door }, then: { output: door_relay } }"))
        {
            // Each mapping's keys are checked before anything is required of it, so a misspelt key is named as such.
            var name = r.String("name");
            var when = r.Section("when");
            var then = r.Section("then");
            r.RejectUnknownKeys();
            if (string.IsNullOrWhiteSpace(name))
                throw r.Error(r.NodeOf("name") ?? r.Node, "name", "is required: a non-empty name for the rule (it names the rule in logs and status)");
            var first = rules.FindIndex(p => p.Name == name);
            if (first >= 0) throw r.Error(r.NodeOf("name")!, "name", $"'{name}' is already the name of rules[{first}]; rule names must be unique");

            var labels = when?.StringList("labels") ?? [];
            var zoneName = when?.String("zone");
            var lineName = when?.String("line");
            var direction = when?.Choice("direction", ["in", "out", "any"], [0, 1, 2]);
            var minScore = when?.Float("min_score", 0, 0, 1) ?? 0;
            var minFrames = when?.Int("min_frames", 1, 1, 100_000) ?? 1;
            when?.RejectUnknownKeys();
            if (detect.Classes.Count > 0 && labels.FirstOrDefault(l => !detect.Classes.Contains(l)) is { } dropped)
                throw when!.Error(when.NodeOf("labels")!, "labels", $"'{dropped}' is never detected: detect.classes keeps only {string.Join(", ", detect.Classes)}; add it there or remove it here");
            var zone = Resolve(when, "zone", zoneName, zones.Select(z => z.Name).ToList());
            var line = Resolve(when, "line", lineName, lines.Select(l => l.Name).ToList());
            if (zone >= 0 && line >= 0)
                throw when!.Error(when.NodeOf("line")!, "line", "give zone or line, not both: a rule watches one zone or one line (write two rules to watch both)");
            if (direction is not null && line < 0)
                throw when!.Error(when.NodeOf("direction")!, "direction", "only applies to a line crossing; add line: NAME or remove direction");

            if (then is null) throw r.Error(r.Node, "then", "is required: what the rule does, e.g. then: { output: door_relay, hold_ms: 2000 }");
            var outputName = then.String("output");
            var holdMs = then.Int("hold_ms", 0, 0, MaxMs);
            var pulseMs = then.Int("pulse_ms", 0, 0, MaxMs);
            var cooldownMs = then.Int("cooldown_ms", 0, 0, MaxMs);
            then.RejectUnknownKeys();
            var outputNames = outputs.Select(o => o.Name).ToList();
            var output = Resolve(then, "output", outputName, outputNames);
            if (output < 0) throw then.Error(then.Node, "output", $"is required: the output this rule drives; {Known("output", outputNames)}");
            if (then.NodeOf("hold_ms") is not null && then.NodeOf("pulse_ms") is { } pulse)
                throw then.Error(pulse, "pulse_ms", "hold_ms and pulse_ms exclude each other: hold keeps the output on for a while after the condition clears, pulse turns it on for a fixed time per rising edge; use one");

            rules.Add(new RuleConfig(name, labels, minScore, zone, line,
                direction switch { 0 => LineDirection.In, 1 => LineDirection.Out, _ => null },
                output, new RuleTiming(minFrames, holdMs, pulseMs, cooldownMs)));
        }
        return rules;
    }

    /// <summary>The index of the zone, line or output <paramref name="name"/> (given as <paramref name="key"/>); -1 when none is given.</summary>
    private static int Resolve(YamlSection? s, string key, string? name, List<string> names)
    {
        if (name is null) return -1;
        var index = names.IndexOf(name);
        if (index < 0) throw s!.Error(s.NodeOf(key)!, key, $"'{name}' is not a{(key == "output" ? "n" : "")} {key}; {Known(key, names)}");
        return index;
    }

    private static string Known(string what, List<string> names) =>
        names.Count == 0 ? $"no {what}s are defined (add a top-level {what}s: section)" : $"the {what}s are: {string.Join(", ", names)}";

    private static void CheckName(YamlSection entry, YamlNode keyNode, string name, string what)
    {
        if (name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw entry.SectionError(keyNode, $"'{name}' is not a valid {what} name; expected 1-64 letters, digits, '_' or '-'");
    }

    private static string Num(float v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Rule labels the model does not have, as "rules[i].when.labels: 'x' is not a label of the model" (the loader
    /// cannot check them: the labels come with the model). Each rule's missing label is named once.
    /// </summary>
    public static IEnumerable<string> UnknownRuleLabels(SmartCamConfig config, string[] labels)
    {
        for (var c = 0; c < config.Cameras.Count; c++)
        {
            // The rules' path as the file has it: top-level rules for a single camera: section, cameras[c].rules in a list.
            var prefix = config.Cameras.Count == 1 && !config.Listed ? "" : $"cameras[{c}].";
            var rules = config.Cameras[c].Scene.Rules;
            for (var i = 0; i < rules.Count; i++)
                foreach (var label in rules[i].Labels.Distinct())
                    if (Array.IndexOf(labels, label) < 0)
                    {
                        var near = Array.Find(labels, l => string.Equals(l, label, StringComparison.OrdinalIgnoreCase));
                        yield return $"{prefix}rules[{i}].when.labels: '{label}' is not a label of the model" + (near is null ? "" : $" (labels are case-sensitive: '{near}')");
                    }
        }
    }

    /// <summary>Null when the endpoint is a bindable tcp:// address, else why not.</summary>
    public static string? EndpointProblem(string endpoint)
    {
        if (endpoint.StartsWith("ipc://", StringComparison.Ordinal))
            return $"'{endpoint}': ipc:// is not supported: NetMQ implements ipc:// over TCP loopback, so libzmq subscribers (pyzmq, czmq, …) cannot connect to it; use tcp://127.0.0.1:PORT instead";
        if (!endpoint.StartsWith("tcp://", StringComparison.Ordinal))
            return $"'{endpoint}' is not a tcp:// endpoint; expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:5556";
        var rest = endpoint["tcp://".Length..];
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest[(colon + 1)..], CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            return $"'{endpoint}' has no valid port; expected tcp://HOST:PORT with PORT 1-65535";
        return null;
    }
}

/// <summary>
/// Hands YamlDotNet's events on, refusing nesting deeper than any config needs: YamlDotNet builds nodes
/// recursively, and some 30 000 nested brackets overflow the stack, which no handler can catch.
/// </summary>
internal sealed class DepthLimitedParser(IParser inner, string file) : IParser
{
    public const int MaxDepth = 64;

    private int _depth;

    public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        switch (inner.Current)
        {
            case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                if (++_depth > MaxDepth)
                    throw new ConfigException($"{file}:{inner.Current.Start.Line}:{inner.Current.Start.Column}: lists and mappings nested more than {MaxDepth} deep; expected a config's few levels (an unclosed [ or {{?)");
                break;
            case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                _depth--;
                break;
        }
        return true;
    }
}
