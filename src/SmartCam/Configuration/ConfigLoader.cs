using System.Globalization;
using YamlDotNet.Core;
using SmartCam.Realtime;
using YamlDotNet.RepresentationModel;

namespace SmartCam.Configuration;

/// <summary>Loads and checks a SmartCam YAML file. Every problem becomes a <see cref="ConfigException"/> naming file, line and key.</summary>
public static class ConfigLoader
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"];

    public static SmartCamConfig Load(string path)
    {
        var fullPath = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the config file: {e.Message}");
        }
        return Parse(text, fullPath);
    }

    public static SmartCamConfig Parse(string yaml, string fullPath)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            var inner = e.InnerException?.Message ?? e.Message;
            throw new ConfigException($"{fullPath}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {inner}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException($"{fullPath}: expected a YAML mapping with the sections camera, model, detect, publish");

        var baseDir = Path.GetDirectoryName(fullPath)!;
        var top = new YamlSection(fullPath, "", root);
        var camera = ReadCamera(Required(top, "camera", fullPath), baseDir);
        var model = ReadModel(Required(top, "model", fullPath), baseDir);
        var detect = ReadDetect(top.Section("detect"));
        var publish = ReadPublish(top.Section("publish"));
        var realtime = ReadRealtime(top.Section("realtime"));
        top.RejectUnknownKeys();
        return new SmartCamConfig(fullPath, camera, model, detect, publish, realtime);
    }

    private static YamlSection Required(YamlSection top, string key, string file) =>
        top.Section(key) ?? throw new ConfigException($"{file}: {key}: section is required (see docs/configuration.md)");

    private static CameraConfig ReadCamera(YamlSection s, string baseDir)
    {
        var id = s.String("id", "cam0");
        if (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw s.Error(s.NodeOf("id")!, "id", $"'{id}' is not a valid camera id; expected 1-64 letters, digits, '_' or '-' (it is used in topic names)");

        var source = s.RequiredString("source");
        var (kind, location) = ParseSource(s, source, baseDir);
        var pace = s.Choice("pace", ["max", "realtime"], [Pace.Max, Pace.Realtime]) ?? Pace.Realtime;
        var pixelFormat = s.String("pixel_format", "MJPG").ToUpperInvariant();
        if (pixelFormat is not ("MJPG" or "YUYV"))
            throw s.Error(s.NodeOf("pixel_format")!, "pixel_format", $"'{pixelFormat}' is not one of: MJPG, YUYV");
        var transport = s.String("rtsp_transport", "tcp").ToLowerInvariant();
        if (transport is not ("tcp" or "udp"))
            throw s.Error(s.NodeOf("rtsp_transport")!, "rtsp_transport", $"'{transport}' is not one of: tcp, udp");

        var reconnect = s.Section("reconnect");
        var camera = new CameraConfig
        {
            Id = id,
            Source = source,
            Kind = kind,
            Location = location,
            Loop = s.Bool("loop", false),
            Pace = pace,
            Width = s.Int("width", 0, 0, 16384),
            Height = s.Int("height", 0, 0, 16384),
            Fps = s.Float("fps", 0, 0, 1000),
            PixelFormat = pixelFormat,
            RtspTransport = transport,
            ReconnectInitialMs = reconnect?.Int("initial_ms", 500, 10, 600_000) ?? 500,
            ReconnectMaxMs = reconnect?.Int("max_ms", 10_000, 10, 600_000) ?? 10_000,
            MaxConsecutiveErrors = s.Int("max_consecutive_errors", 50, 1, 100_000),
        };
        reconnect?.RejectUnknownKeys();
        s.RejectUnknownKeys();
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
            var path = Path.GetFullPath(rest, baseDir);
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
        var path = ExistingFile(s, "model.path", s.RequiredString("path"), baseDir, "path");
        var labelsText = s.String("labels");
        var labels = labelsText is null ? null : ExistingFile(s, "model.labels", labelsText, baseDir, "labels");
        var family = s.Choice("family", ["auto", "yolox", "yolov8", "yolo11", "yolov5"],
            [ModelFamily.Auto, ModelFamily.Yolox, ModelFamily.Yolov8, ModelFamily.Yolov8, ModelFamily.Yolov5]) ?? ModelFamily.Auto;

        int inputW = 640, inputH = 640;
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
            Pad = input?.String("pad") is null ? null : (byte)input.Int("pad", 114, 0, 255),
            Align = input?.Choice("align", ["top-left", "center"], [PadAlign.TopLeft, PadAlign.Center]),
            IntraOpThreads = s.Int("threads", 1, 1, 64),
            Optimization = ReadOptimization(s),
        };
        input?.RejectUnknownKeys();
        s.RejectUnknownKeys();
        return model;
    }

    private static string ReadOptimization(YamlSection s)
    {
        var level = s.String("optimization", "all").ToLowerInvariant();
        if (level is not ("all" or "extended" or "basic" or "none"))
            throw s.Error(s.NodeOf("optimization")!, "optimization", $"'{level}' is not one of: all, extended, basic, none");
        return level;
    }

    private static string ExistingFile(YamlSection s, string qualified, string value, string baseDir, string key)
    {
        var full = Path.GetFullPath(value, baseDir);
        if (!File.Exists(full))
            throw s.Error(s.NodeOf(key)!, key, $"file not found: {full}" + (qualified == "model.path" ? " (scripts/setup.sh puts the sample model in models/)" : ""));
        return full;
    }

    private static DetectConfig ReadDetect(YamlSection? s)
    {
        if (s is null) return new DetectConfig();
        var perClass = new Dictionary<string, ClassFilter>();
        foreach (var (label, c) in s.Entries("per_class"))
        {
            perClass[label] = new ClassFilter(c.Float("min_score", 0, 1), c.Float("min_area", 0, 0, float.MaxValue), c.Float("max_area", 0, 0, float.MaxValue));
            c.RejectUnknownKeys();
        }
        var detect = new DetectConfig
        {
            Score = s.Float("score", 0.3f, 0, 1),
            NmsIou = s.Float("nms_iou", 0.45f, 0, 1),
            MaxDetections = s.Int("max_detections", 100, 1, 10_000),
            Classes = s.StringList("classes"),
            MinArea = s.Float("min_area", 0, 0, float.MaxValue),
            MaxArea = s.Float("max_area", 0, 0, float.MaxValue),
            PerClass = perClass,
        };
        s.RejectUnknownKeys();
        return detect;
    }

    private static PublishConfig ReadPublish(YamlSection? s)
    {
        if (s is null) return new PublishConfig();
        var endpoint = s.String("endpoint", "tcp://127.0.0.1:5556");
        var problem = EndpointProblem(endpoint);
        if (problem is not null) throw s.Error(s.NodeOf("endpoint")!, "endpoint", problem);
        var publish = new PublishConfig
        {
            Endpoint = endpoint,
            SendHighWatermark = s.Int("send_hwm", 64, 1, 100_000),
            StatusIntervalMs = s.Int("status_interval_ms", 1000, 100, 3_600_000),
            WaitForSubscribers = s.Int("wait_for_subscribers", 0, 0, 1000),
            WaitTimeoutMs = s.Int("wait_timeout_ms", 10_000, 0, 3_600_000),
            LingerMs = s.Int("linger_ms", 2000, 0, 60_000),
        };
        s.RejectUnknownKeys();
        return publish;
    }

    private static RealtimeConfig ReadRealtime(YamlSection? s)
    {
        if (s is null) return new RealtimeConfig();
        var lastCpu = Environment.ProcessorCount - 1;
        var threads = s.Section("threads");
        var config = new RealtimeConfig
        {
            Enabled = s.Bool("enabled", true),
            Capture = ReadThreadPlan(threads?.Section("capture"), lastCpu),
            Inference = ReadThreadPlan(threads?.Section("inference"), lastCpu),
            Publish = ReadThreadPlan(threads?.Section("publish"), lastCpu),
            HousekeepingCpus = s.IntList("housekeeping_cpus", 0, lastCpu),
            LockMemory = s.Bool("lock_memory", false),
        };
        threads?.RejectUnknownKeys();
        s.RejectUnknownKeys();
        return config;
    }

    private static ThreadPlan ReadThreadPlan(YamlSection? s, int lastCpu)
    {
        if (s is null) return ThreadPlan.Unchanged;
        var cpus = s.IntList("cpus", 0, lastCpu);
        var policy = s.Choice("policy", ["other", "fifo", "rr"], [SchedPolicy.Other, SchedPolicy.Fifo, SchedPolicy.RoundRobin]) ?? SchedPolicy.Other;
        var priority = policy == SchedPolicy.Other ? s.Int("priority", 0, 0, 0) : s.Int("priority", 50, 1, 99);
        s.RejectUnknownKeys();
        return new ThreadPlan(cpus, policy, priority);
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
