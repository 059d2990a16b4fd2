using System.CommandLine;
using System.Globalization;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Inference;

namespace SmartCam.Commands;

/// <summary><c>smartcam validate</c>: everything <c>run</c> checks before it starts, plus opening a file source, then a summary.</summary>
public static class ValidateCommand
{
    /// <summary>The command line of <c>smartcam validate</c> (declared here rather than in Program).</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = ConfigOption.Create();
        var configOnly = new Option<bool>("--config-only") { Description = "Check the configuration file only: neither load the model nor open the source" };
        var validate = new Command("validate", "Load the configuration and the model, print a summary, and exit non-zero on any problem.")
        {
            config, configOnly,
        };
        validate.SetAction(r => Run(r.GetValue(config)!, output, error, r.GetValue(configOnly)));
        return validate;
    }

    /// <param name="configOnly">Check the file alone (every key and value, and that the files it names exist): no model load, no source open.</param>
    public static int Run(string configPath, TextWriter output, TextWriter? error = null, bool configOnly = false)
    {
        error ??= Console.Error;
        try
        {
            if (configOnly)
            {
                var checkedConfig = ConfigLoader.Load(configPath);
                output.WriteLine($"config   {checkedConfig.FilePath}: OK (--config-only: the model and the source were not opened)");
                return RunCommand.ExitOk;
            }
            var (config, detector) = RunCommand.Load(configPath);
            using (detector)
            {
                var decoders = HardwareDecoding.ResolveCameras(config);
                foreach (var c in config.Cameras)
                {
                    // A file opens here (with a detect_source, both files: the main one's first frame is read for its size).
                    if (!c.IsLive)
                    {
                        using var source = FrameSources.Create(c);
                        source.Open();
                    }
                }
                var input = config.Model.InputFor(detector.Family);
                var d = config.Detect;
                var single = config.Cameras.Count == 1;
                output.WriteLine($"config   {config.FilePath}: OK");
                for (var i = 0; i < config.Cameras.Count; i++)
                {
                    var c = config.Cameras[i];
                    output.WriteLine($"camera   {c.Id}: {(c.IsLive ? FfmpegPipeSource.Redact(c.Source) : c.Location)} ({YamlEnums.SourceKind.NameOf(c.Kind)}, pace {YamlEnums.Pace.NameOf(c.Pace)}, loop {(c.Loop ? "true" : "false")}{(c.KeepsFreshestOnly ? ", freshest frame" : ", every frame")})");
                    if (DescribeDecoding(c, decoders[i]) is { } decoding) output.WriteLine((single ? "" : "  ") + decoding);
                    // Several cameras: each one's scene right under it; one camera: after the model, as always.
                    if (!single)
                        foreach (var line in DescribeScene(config, c.Scene)) output.WriteLine("  " + line);
                }
                output.WriteLine($"model    {detector.Name}: {config.Model.Path}");
                output.WriteLine($"         family {YamlEnums.Family.NameOf(detector.Family)}, input {detector.InputWidth}x{detector.InputHeight} {YamlEnums.Channels.NameOf(input.Channels).ToUpperInvariant()} {YamlEnums.Range.NameOf(input.Scale)} pad {input.Pad} {YamlEnums.Align.NameOf(input.Align)}, output {ModelShapes.Format(detector.OutputShape)}, {detector.Labels.Length} classes");
                output.WriteLine($"         provider {YamlEnums.Provider.NameOf(detector.Provider)}: session on {DescribeProviders(detector.Providers)}");
                if (!single || config.Model.Instances > 1)
                    output.WriteLine($"         {config.Model.Instances} detector instance{(config.Model.Instances == 1 ? "" : "s")} for {config.Cameras.Count} cameras, batch {(detector.BatchIsDynamic ? "dynamic" : "fixed at 1: frames are inferred one at a time")}");
                output.WriteLine($"detect   score > {d.Score}, NMS IoU {d.NmsIou}, at most {d.MaxDetections}{(d.Classes.Count > 0 ? ", classes " + string.Join(", ", d.Classes) : ", all classes")}");
                var security = config.Publish.CurveSecretKey is { } key ? $"CURVE, server public key {CurveKeys.PublicKeyOf(key)}"
                    : config.Publish.Insecure ? "plain text, insecure: true" : "plain text, loopback only";
                var topics = single
                    ? $"{MessageNames.DetTopic(config.Camera.Id)}, {MessageNames.StatusTopic(config.Camera.Id)}"
                    : $"det., evt. and status. of each camera, {MessageNames.BoxStatusTopic}";
                output.WriteLine($"publish  {config.Publish.Endpoint} ({topics} every {config.Publish.StatusIntervalMs} ms; {security})");
                output.WriteLine(config.Http is { } http
                    ? $"http     {(http.TlsCertificate is null ? "http" : "https")}://{http.Listen}/ (live view at most {http.LiveFps} fps, JPEG quality {http.JpegQuality}; {(http.Token is null ? "no token" : "token from " + http.TokenFile)}; docs/http.md)"
                    : "http     off (add http: { listen: 127.0.0.1:8080 } for the live view and /metrics)");
                foreach (var line in Describe(config)) output.WriteLine(line);
            }
            return RunCommand.ExitOk;
        }
        catch (Exception e) when (e is ConfigException or ModelException or SourceException)
        {
            error.WriteLine($"smartcam: {e.Message}");
            return RunCommand.ExitBadInput;
        }
    }

    /// <summary>
    /// The camera's decoding keys (hwaccel, detect_source, decoder_threads, convert) in one line, when any is not its
    /// default; null otherwise, so a plain camera's summary stays as it was.
    /// </summary>
    internal static string? DescribeDecoding(CameraConfig c, HardwareDecoder decoder)
    {
        var defaults = new CameraConfig();
        if (c.HwAccel == defaults.HwAccel && c.DetectSource is null && c.DecoderThreads == defaults.DecoderThreads && c.Convert == defaults.Convert)
            return null;
        var threads = c.DecoderThreads == 0 ? "auto" : c.DecoderThreads.ToString(CultureInfo.InvariantCulture);
        var detect = c.DetectSource is null ? ""
            : $"; the detector reads {(c.DetectKind is SourceKind.File ? c.DetectLocation : FfmpegPipeSource.Redact(c.DetectSource))} ({YamlEnums.SourceKind.NameOf(c.DetectKind!.Value)})";
        return $"decode   hwaccel {YamlEnums.HwAccel.NameOf(c.HwAccel)}: {HardwareDecoding.Describe(c.HwAccel, decoder)}, decoder threads {threads}, convert {YamlEnums.Convert.NameOf(c.Convert)}{detect}";
    }

    /// <summary>The summary lines after publish: a single camera's scene, then the outputs and the watchdog, then its rules.</summary>
    internal static IEnumerable<string> Describe(SmartCamConfig config)
    {
        var single = config.Cameras.Count == 1;
        if (single)
            foreach (var line in DescribeScene(config, config.Scene, rules: false)) yield return line;
        foreach (var o in config.Outputs)
            yield return $"output   {o.Name}: {(o.IsLog ? o.Driver : $"{o.Driver} chip {o.Chip} line {o.Line}")}, active {Level(o.ActiveHigh)}, safe {Level(o.SafeHigh)}{(single ? "" : $", camera {config.Cameras[o.Owner].Id}")}";
        if (config.Outputs.Count > 0)
            yield return config.WatchdogMs > 0
                ? $"watchdog {config.WatchdogMs} ms: {(single ? "outputs go" : "a camera's outputs go")} to their safe level when no frame has been processed for this long"
                : "watchdog off";
        if (single)
            foreach (var r in config.Scene.Rules)
                yield return $"rule     {r.Name}: {DescribeCondition(config.Scene, r)} → {DescribeAction(config, r)}";
    }

    /// <summary>One camera's tracking, zones, lines and (unless <paramref name="rules"/> is false) rules, in the columns of the lines above.</summary>
    internal static IEnumerable<string> DescribeScene(SmartCamConfig config, SceneConfig scene, bool rules = true)
    {
        var t = scene.Tracker;
        yield return scene.Tracking
            ? $"tracking on, anchor {YamlEnums.Anchor.NameOf(scene.Anchor)}: new track at score ≥ {N(t.NewTrackScore)}, confirmed after {t.MinHits} hit{(t.MinHits == 1 ? "" : "s")}, kept {N(t.MaxLostSeconds * 1000)} ms unseen, at most {t.MaxTracks} tracks"
            : "tracking off (no track ids, zones, lines or rules)";
        foreach (var z in scene.Zones)
        {
            var points = new List<string>();
            foreach (var (x, y) in z.Polygon) points.Add(Point(x, y));
            yield return $"zone     {z.Name}: {string.Join(" ", points)}{(z.LoiterSeconds > 0 ? $", loiter {N(z.LoiterSeconds)} s" : "")}";
        }
        foreach (var l in scene.Lines)
            yield return $"line     {l.Name}: {Point(l.A.X, l.A.Y)} → {Point(l.B.X, l.B.Y)} (\"in\" is left to right, seen with the first point at the top)";
        if (rules)
            foreach (var r in scene.Rules)
                yield return $"rule     {r.Name}: {DescribeCondition(scene, r)} → {DescribeAction(config, r)}";
    }

    private static string DescribeCondition(SceneConfig scene, RuleConfig r)
    {
        var what = r.Labels.Count == 0 ? "any object" : string.Join(" or ", r.Labels);
        var where = r.Zone >= 0 ? $"in zone {scene.Zones[r.Zone].Name}"
            : r.Line >= 0 ? $"crossing line {scene.Lines[r.Line].Name} {(r.Direction is null ? "either way" : YamlEnums.Direction.NameOf(r.Direction))}"
            : "anywhere";
        var extra = new List<string>();
        if (r.MinScore > 0) extra.Add($"score ≥ {N(r.MinScore)}");
        if (r.Timing.MinFrames > 1) extra.Add($"{r.Timing.MinFrames} frames");
        return $"{what} {where}{(extra.Count > 0 ? $" ({string.Join(", ", extra)})" : "")}";
    }

    private static string DescribeAction(SmartCamConfig config, RuleConfig r)
    {
        var t = r.Timing;
        var how = t.HoldMs > 0 ? $"hold {t.HoldMs} ms" : t.PulseMs > 0 ? $"pulse {t.PulseMs} ms" : "while true";
        return $"{config.Outputs[r.Output].Name} {how}{(t.CooldownMs > 0 ? $", cooldown {t.CooldownMs} ms" : "")}";
    }

    /// <summary>"CUDAExecutionProvider, then CPUExecutionProvider for the nodes it cannot run".</summary>
    internal static string DescribeProviders(string[] providers) =>
        providers.Length == 1 ? providers[0] : $"{string.Join(", then ", providers[..^1])}, then {providers[^1]} for the nodes {(providers.Length == 2 ? "it" : "they")} cannot run";

    private static string Point(float x, float y) => $"({N(x)}, {N(y)})";

    private static string Level(bool high) => YamlEnums.Level.NameOf(high);

    private static string N(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
