using System.Device.Gpio;
using Microsoft.Extensions.Logging;
using NetMQ;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Inference;
using SmartCam.Messaging;
using SmartCam.Mqtt;
using SmartCam.Snapshots;
using SmartCam.Viewing;

namespace SmartCam.Hosting;

/// <summary>What a command asks of the appliance it assembles; the defaults are <c>smartcam run</c>'s.</summary>
/// <param name="Adjust">Changes the loaded config before anything uses it (a benchmark loops its files, for one).</param>
/// <param name="Refuse">A command's own check of the adjusted config: the one-line error, or null to go on. It runs before
/// the publisher binds, so a wrong option is reported the same whether or not the endpoint is free.</param>
/// <param name="WarmupFrames">Latency statistics start after this many frames in all (benchmarks); 0 counts from the first.</param>
/// <param name="StopAfterFrames">End after this many frames were inferred in all (benchmarks); 0 runs until every source ends or a stop.</param>
/// <param name="DriverForChip">null: the real GPIO chips; tests and benchmarks pass a recording driver.</param>
/// <param name="Http">Whether the HTTP server runs when the config has an <c>http:</c> section.</param>
/// <param name="WaitForQueuedMessages">At the end, wait until the publisher's queued messages went out (the config's
/// linger: the last frame, the final status); a measuring command has nobody to deliver them to.</param>
public sealed record ApplianceOptions(
    Func<SmartCamConfig, SmartCamConfig>? Adjust = null, Func<SmartCamConfig, string?>? Refuse = null,
    long WarmupFrames = 0, long StopAfterFrames = 0, Func<int, GpioDriver>? DriverForChip = null,
    bool Http = true, bool WaitForQueuedMessages = true);

/// <summary>
/// The one place a pipeline is assembled, for <c>run</c>, <c>bench</c> (one camera or several) and <c>jitter</c>: config
/// and model, checked (<see cref="TryLoad"/>), then what logs while it opens (<see cref="TryAssemble"/>: the outputs, the
/// HTTP server and its taps, the <see cref="DetectionPipeline"/>). A user mistake is one line on stderr and a false or
/// null return, for exit code 2. It owns all of it and closes it in the one order that works (<see cref="Dispose"/>).
/// </summary>
public sealed class Appliance : IDisposable
{
    private readonly ApplianceOptions _options;
    private readonly OnnxDetector[] _detectors;

    private Appliance(SmartCamConfig config, OnnxDetector[] detectors, DetectionPublisher publisher, ApplianceOptions options, HardwareDecoder[] decoders)
    {
        Config = config;
        Decoders = decoders;
        _detectors = detectors;
        Publisher = publisher;
        _options = options;
    }

    public SmartCamConfig Config { get; }

    /// <summary>Each camera's video decoder (<c>camera.hwaccel</c> resolved on this box), in the config's order.</summary>
    public IReadOnlyList<HardwareDecoder> Decoders { get; }

    /// <summary>One per detector instance (<c>model.instances</c>), each with its own session.</summary>
    public IReadOnlyList<OnnxDetector> Detectors => _detectors;

    /// <summary>The first instance: the model as loaded and checked.</summary>
    public OnnxDetector Detector => _detectors[0];

    public DetectionPublisher Publisher { get; }

    /// <summary>The opened outputs (null before <see cref="TryOpenOutputs(ILogger)"/>, or with none configured).</summary>
    public OutputBank? Outputs { get; private set; }

    /// <summary>The live view and its HTTP front end (null unless the HTTP server runs).</summary>
    public LiveHub? Hub { get; private set; }

    public HttpFrontEnd? Web { get; private set; }

    /// <summary>The MQTT client (null unless the config has <c>mqtt:</c>).</summary>
    public MqttBridge? Mqtt { get; private set; }

    /// <summary>Live reloads' counters for status.box: set by the command that reloads (smartcam run, the bench) before <see cref="TryAssemble"/>.</summary>
    public ConfigReloads? Reloads { get; set; }

    /// <summary>sc-snapshot, the event pictures (null unless the config has <c>snapshots:</c>).</summary>
    public SnapshotWriter? Snapshots { get; private set; }

    /// <summary>Null until <see cref="CreatePipeline(ILogger)"/>; disposed with the appliance.</summary>
    public DetectionPipeline? Pipeline { get; private set; }

    // The HTTP server's windows onto the loop: a copy of the bus, and of each camera's frames when a page asks.
    private BusTap? _bus;
    private FrameTap[]? _frameTaps;
    private bool _disposed;

    /// <summary>
    /// Loads and checks config and model (<see cref="ApplianceOptions.Adjust"/> may change the config first), binds the
    /// publisher and loads the further detector instances; on a user mistake prints one line naming it and returns null.
    /// </summary>
    public static Appliance? TryLoad(string configPath, ApplianceOptions? options = null)
    {
        options ??= new ApplianceOptions();
        SmartCamConfig config;
        OnnxDetector detector;
        try
        {
            (config, detector) = Load(configPath);
        }
        catch (Exception e) when (e is ConfigException or ModelException)
        {
            Console.Error.WriteLine($"smartcam: {e.Message}");
            return null;
        }
        if (options.Adjust is { } adjust) config = adjust(config);
        if (options.Refuse?.Invoke(config) is { } refusal)
        {
            Console.Error.WriteLine(refusal);
            detector.Dispose();
            return null;
        }
        HardwareDecoder[] decoders;
        try
        {
            decoders = HardwareDecoding.ResolveCameras(config);
        }
        catch (SourceException e)
        {
            Console.Error.WriteLine($"smartcam: {e.Message}");
            detector.Dispose();
            return null;
        }
        DetectionPublisher publisher;
        try
        {
            var p = config.Publish;
            publisher = new DetectionPublisher(p.Endpoint, p.SendHighWatermark, p.LingerMs, p.CurveSecretKey, p.SendBufferBytes);
        }
        catch (PublishException e)
        {
            Console.Error.WriteLine($"smartcam: {config.FilePath}: {e.Message}");
            detector.Dispose();
            return null;
        }
        return new Appliance(config, WithInstances(config, detector), publisher, options, decoders);
    }

    /// <summary>
    /// The outputs, the HTTP server and the pipeline, on the log the command runs with (they log while they open). False on
    /// a user mistake, said in one line; whatever had opened is closed by <see cref="Dispose"/>.
    /// </summary>
    public bool TryAssemble(ILogger log)
    {
        if (!TryOpenOutputs(log) || !TryStartHttp(log) || !TryStartMqtt(log) || !TryStartSnapshots(log)) return false;
        for (var i = 0; i < Decoders.Count; i++)
            log.LogInformation("Camera {Id}: {Decoding}", Config.Cameras[i].Id, HardwareDecoding.Describe(Config.Cameras[i].HwAccel, Decoders[i]));
        CreatePipeline(log);
        return true;
    }

    /// <summary>The configured outputs at their safe levels (see <see cref="TryOpenOutputs(SmartCamConfig, Func{int, GpioDriver}?, ILogger, out OutputBank?)"/>).</summary>
    public bool TryOpenOutputs(ILogger log)
    {
        if (!TryOpenOutputs(Config, _options.DriverForChip, log, out var outputs)) return false;
        Outputs = outputs;
        return true;
    }

    /// <summary>The live view and its HTTP front end, when the config has <c>http:</c> and the command wants them; a port
    /// that cannot be bound is a user mistake.</summary>
    public bool TryStartHttp(ILogger log)
    {
        if (!_options.Http || Config.Http is null) return true;
        _bus = new BusTap();
        _frameTaps = Config.Cameras.Select(_ => new FrameTap()).ToArray();
        Hub = new LiveHub(Config, _bus, _frameTaps, log) { Labels = Detector.Labels };
        Web = new HttpFrontEnd(Hub, log);
        try
        {
            Web.Start().GetAwaiter().GetResult();
        }
        catch (HttpBindException e)
        {
            Console.Error.WriteLine($"smartcam: {Config.FilePath}: {e.Message}");
            return false;
        }
        Publisher.Taps = [.. Publisher.Taps, _bus];
        Hub.Start();
        return true;
    }

    /// <summary>
    /// The MQTT client, when the config has <c>mqtt:</c>: its outbox opened and the broker tried once. A refused login, a
    /// broker certificate not accepted or an outbox folder that cannot be used is a user mistake; an unreachable broker is not.
    /// </summary>
    public bool TryStartMqtt(ILogger log)
    {
        if (Config.Mqtt is null) return true;
        try
        {
            Mqtt = MqttBridge.Start(Config.Mqtt, Config, log);
        }
        catch (MqttStartException e)
        {
            Console.Error.WriteLine($"smartcam: {Config.FilePath}: {e.Message}");
            return false;
        }
        Publisher.Taps = [.. Publisher.Taps, Mqtt.Tap];
        return true;
    }

    /// <summary>sc-snapshot, when the config has <c>snapshots:</c>; a folder that cannot be made is a user mistake.</summary>
    public bool TryStartSnapshots(ILogger log)
    {
        if (Config.Snapshots is null) return true;
        try
        {
            Snapshots = SnapshotWriter.Start(Config, Detector.Labels, log);
        }
        catch (SnapshotStartException e)
        {
            Console.Error.WriteLine($"smartcam: {Config.FilePath}: {e.Message}");
            return false;
        }
        Publisher.Taps = [.. Publisher.Taps, Snapshots.Events];
        return true;
    }

    /// <summary>
    /// Camera <paramref name="index"/>'s source, with the hardware decoder it resolved to and its decoder threads: by
    /// default as many as the housekeeping CPUs (where the sweeper keeps them, off the loop CPUs), at most 4.
    /// </summary>
    public IFrameSource CreateSource(CameraConfig camera, int index, ILogger log) =>
        FrameSources.Create(camera, camera.DecoderThreadsFor(Config.Realtime.Enabled ? Config.Realtime.HousekeepingCpus : [], Environment.ProcessorCount),
            index < Decoders.Count ? Decoders[index] : HardwareDecoder.Software, log);

    /// <summary>The pipeline over the config's cameras, driving the outputs and feeding the taps opened so far.</summary>
    public DetectionPipeline CreatePipeline(ILogger log)
    {
        if (Pipeline is not null) throw new InvalidOperationException("The appliance's pipeline is already made");
        var sources = Config.Cameras.Select((camera, i) => CreateSource(camera, i, log)).ToArray();
        return Pipeline = new DetectionPipeline(Config, _detectors, Publisher, sources, log,
            new PipelineOptions(_options.WarmupFrames, _options.StopAfterFrames, Outputs, _frameTaps, Mqtt is { } mqtt ? () => mqtt.Counters : null, Reloads, Snapshots));
    }

    /// <summary>
    /// A further pipeline on this appliance's detectors and publisher, over other cameras (<paramref name="runConfig"/>'s)
    /// and sources: the multi-camera bench's runs. The caller disposes it, and the <paramref name="outputs"/> it opened.
    /// </summary>
    public DetectionPipeline CreatePipeline(SmartCamConfig runConfig, IReadOnlyList<IFrameSource> sources, OutputBank? outputs, ILogger log) =>
        new(runConfig, _detectors, Publisher, sources, log, new PipelineOptions(Outputs: outputs));

    public void Dispose()
    {
        // A command may close it early (before writing its report) and again as its using ends.
        if (_disposed) return;
        _disposed = true;
        Pipeline?.Dispose();
        // After the pipeline: its last events and final status are in the MQTT client's copy of the bus, to go out first.
        Mqtt?.Dispose();
        // After the pipeline too: the last frames and events handed over are written before it ends.
        Snapshots?.Dispose();
        // The hub first: it ends every viewer's queue, so open pages and MJPEG streams finish and Kestrel stops at once.
        Hub?.Dispose();
        Web?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Outputs?.Dispose();
        // Disposing with linger set lets queued messages (the last frame, the final status) go out first.
        Publisher.Dispose();
        foreach (var d in _detectors) d.Dispose();
        _bus?.Dispose();
        // After the hub: its encoder and drawing wrappers refer to the taps' picture buffers.
        foreach (var t in _frameTaps ?? []) t.Dispose();
        NetMQConfig.Cleanup(block: _options.WaitForQueuedMessages);
    }

    /// <summary>Config, model and the config's references to the model's labels, all checked.</summary>
    public static (SmartCamConfig, OnnxDetector) Load(string configPath)
    {
        var config = ConfigLoader.Load(configPath);
        OnnxDetector detector;
        try
        {
            detector = OnnxDetector.Load(config.Model);
        }
        catch (ModelException e)
        {
            throw new ModelException(e.Key is null ? $"{config.FilePath}: model: {e.Message}" : $"{config.FilePath}: {e.Message}", e.Key);
        }
        if (LabelProblem(config, detector.Labels) is { } problem)
        {
            detector.Dispose();
            throw new ConfigException(problem);
        }
        return (config, detector);
    }

    /// <summary>The config's labels (detect:, rules) the model does not have, as one line naming them; null when all are the model's.</summary>
    public static string? LabelProblem(SmartCamConfig config, string[] labels)
    {
        var modelLabels = $"the model's labels are: {string.Join(", ", labels.Take(12))}{(labels.Length > 12 ? ", …" : "")}";
        var unknown = DetectionPostprocessor.UnknownLabels(config.Detect, labels).ToList();
        if (unknown.Count > 0)
            return $"{config.FilePath}: detect: unknown class label(s) {string.Join(", ", unknown.Select(l => $"'{l}'"))}; {modelLabels}";
        var unknownInRules = ConfigLoader.UnknownRuleLabels(config, labels).ToList();
        return unknownInRules.Count > 0 ? $"{config.FilePath}: {string.Join("; ", unknownInRules)}; {modelLabels}" : null;
    }

    /// <summary><paramref name="first"/> and the further sessions <c>model.instances</c> asks for (one per inference thread).</summary>
    public static OnnxDetector[] WithInstances(SmartCamConfig config, OnnxDetector first)
    {
        var detectors = new OnnxDetector[config.Model.Instances];
        detectors[0] = first;
        for (var i = 1; i < detectors.Length; i++) detectors[i] = OnnxDetector.Load(config.Model);
        return detectors;
    }

    /// <summary>
    /// Opens the configured outputs at their safe levels (a missing chip or a taken line is a clear error,
    /// exit 2), and makes sure they go safe again if the process dies of an unhandled exception.
    /// </summary>
    /// <param name="driverForChip">null: the real GPIO chips; tests and benchmarks pass a recording driver.</param>
    public static bool TryOpenOutputs(SmartCamConfig config, Func<int, GpioDriver>? driverForChip, ILogger log, out OutputBank? outputs)
    {
        outputs = null;
        if (config.Outputs.Count == 0) return true;
        try
        {
            outputs = OutputBank.Open(config.Outputs, driverForChip, log, TimeSpan.FromMilliseconds(config.WatchdogMs), config.OutputsDrivenBy());
        }
        catch (OutputException e)
        {
            Console.Error.WriteLine($"smartcam: {config.FilePath}: {e.Message}");
            return false;
        }
        var opened = outputs;
        Program.OnFatal(opened.SetAllSafe);
        for (var i = 0; i < opened.Count; i++)
            log.LogInformation("Output {Name}: {Where}, safe level {Level}", opened[i].Name, opened.Describe(i), YamlEnums.Level.NameOf(opened[i].SafeHigh));
        return true;
    }
}
