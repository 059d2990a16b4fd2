using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NetMQ;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Hosting;
using SmartCam.Inference;
using SmartCam.Logging;
using SmartCam.Messaging;
using SmartCam.Realtime;
using SmartCam.Viewing;

namespace SmartCam.Commands;

/// <summary>
/// <c>smartcam run</c>: load and check everything first (a user mistake exits 2 with one clear line, no
/// stack trace), then host the pipeline until it ends or SIGINT/SIGTERM arrives.
/// </summary>
public static class RunCommand
{
    public const int ExitOk = 0, ExitFailure = 1, ExitBadInput = 2;

    public static int Run(string configPath)
    {
        if (!TryStart(configPath, c => c, out var config, out var detector, out var publisher)) return ExitBadInput;

        var outcome = new RunOutcome();
        OutputBank? outputs = null;
        var detectors = WithInstances(config, detector);
        // The HTTP server's windows onto the loop (null when http: is off): a copy of the bus, and of frames when asked.
        var bus = config.Http is null ? null : new BusTap();
        var frameTaps = config.Http is null ? null : config.Cameras.Select(_ => new FrameTap()).ToArray();
        LiveHub? hub = null;
        HttpFrontEnd? web = null;
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
            builder.Logging.ClearProviders();
            // Through the lock-free ring and its drain thread (docs/realtime.md#logging), to stderr (and so to the journal under
            // systemd, in the journal's format as AddSystemd gave the console logger); stdout stays free for tools.
            builder.Logging.AddProvider(ProcessLog.Provider(ProcessLog.ConsoleFormat));
            Program.OnFatal(ProcessLog.Flush);
            builder.Services.AddSingleton(outcome);
            builder.Services.AddSingleton(sp => new DetectionPipeline(config, detectors, publisher, config.Cameras.Select(FrameSources.Create).ToArray(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("SmartCam"), outputs: outputs, frameTaps: frameTaps));
            builder.Services.AddHostedService<PipelineService>();
            // Under systemd: journal-friendly log lines, SIGTERM handling (READY/STOPPING: SystemdWatchdog).
            builder.Services.AddSystemd();
            builder.Services.AddSingleton(sp => new SystemdWatchdog(sp.GetRequiredService<DetectionPipeline>()));
            using var host = builder.Build();
            var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SmartCam");
            if (!TryOpenOutputs(config, null, log, out outputs)) return ExitBadInput;
            if (bus is not null)
            {
                hub = new LiveHub(config, bus, frameTaps!, log);
                web = new HttpFrontEnd(hub, log);
                try
                {
                    web.Start().GetAwaiter().GetResult();
                }
                catch (HttpBindException e)
                {
                    Console.Error.WriteLine($"smartcam: {config.FilePath}: {e.Message}");
                    return ExitBadInput;
                }
                publisher.Tap = bus;
                hub.Start();
            }
            using var watchdog = host.Services.GetRequiredService<SystemdWatchdog>();
            var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStarted.Register(watchdog.Ready);
            lifetime.ApplicationStopping.Register(watchdog.Stopping);
            foreach (var camera in config.Cameras)
                log.LogInformation("SmartCam {Version}: camera {Camera} ({Source}), model {Model} ({Family}, {W}x{H}, provider {Provider}: {Providers}), publishing on {Endpoint}",
                    Program.Version, camera.Id, FfmpegPipeSource.Redact(camera.Source), detector.Name,
                    ModelShapes.Name(detector.Family), detector.InputWidth, detector.InputHeight,
                    ExecutionProviders.ConfigName(detector.Provider), string.Join(", ", detector.Providers), config.Publish.Endpoint);
            if (detectors.Length > 1) log.LogInformation("{Count} detector instances share {Cameras} cameras", detectors.Length, config.Cameras.Count);
            // On the appliance image: whether the boot chain was verified (docs/security.md). Off it (a container, a
            // developer's machine) the firmware is not ours to judge; `smartcam doctor` still reports it.
            if (ApplianceImage.Current is { } image) log.LogInformation("{Image}: {BootIntegrity}", image, new HostDoctor("/", null).BootIntegrity());
            host.Run();
        }
        finally
        {
            // The hub first: it ends every viewer's queue, so open pages and MJPEG streams finish and Kestrel stops at once.
            hub?.Dispose();
            web?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            outputs?.Dispose();
            // Disposing with linger set lets queued messages (the last frame, the final status) go out first.
            publisher.Dispose();
            foreach (var d in detectors) d.Dispose();
            bus?.Dispose();
            foreach (var t in frameTaps ?? []) t.Dispose();
            NetMQConfig.Cleanup(block: true);
        }
        return outcome.ExitCode;
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
    /// Loads and checks config and model (<paramref name="adjust"/> may change the config first) and binds
    /// the publisher; on a user mistake prints one line naming it and returns false.
    /// </summary>
    /// <param name="refuse">A command's own check of the loaded config: the one-line error, or null to go on. It runs
    /// before the publisher binds, so a wrong option is reported the same whether or not the endpoint is free.</param>
    public static bool TryStart(string configPath, Func<SmartCamConfig, SmartCamConfig> adjust,
        out SmartCamConfig config, out OnnxDetector detector, out DetectionPublisher publisher,
        Func<SmartCamConfig, string?>? refuse = null)
    {
        config = null!;
        detector = null!;
        publisher = null!;
        try
        {
            (config, detector) = Load(configPath);
        }
        catch (Exception e) when (e is ConfigException or ModelException)
        {
            Console.Error.WriteLine($"smartcam: {e.Message}");
            return false;
        }
        config = adjust(config);
        if (refuse?.Invoke(config) is { } refusal)
        {
            Console.Error.WriteLine(refusal);
            detector.Dispose();
            return false;
        }
        try
        {
            publisher = new DetectionPublisher(config.Publish.Endpoint, config.Publish.SendHighWatermark, config.Publish.LingerMs, config.Publish.CurveSecretKey, config.Publish.SendBufferBytes);
            return true;
        }
        catch (PublishException e)
        {
            Console.Error.WriteLine($"smartcam: {config.FilePath}: {e.Message}");
            detector.Dispose();
            return false;
        }
    }

    /// <summary>
    /// Opens the configured outputs at their safe levels (a missing chip or a taken line is a clear error,
    /// exit 2), and makes sure they go safe again if the process dies of an unhandled exception.
    /// </summary>
    /// <param name="driverForChip">null: the real GPIO chips; tests and benchmarks pass a recording driver.</param>
    public static bool TryOpenOutputs(SmartCamConfig config, Func<int, System.Device.Gpio.GpioDriver>? driverForChip, ILogger log, out OutputBank? outputs)
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
            log.LogInformation("Output {Name}: {Where}, safe level {Level}", opened[i].Name, opened.Describe(i), opened[i].SafeHigh ? "high" : "low");
        return true;
    }

    public static bool TryLoadOptional(string? configPath, out SmartCamConfig? config)
    {
        config = null;
        if (configPath is null) return true;
        try
        {
            config = ConfigLoader.Load(configPath);
            return true;
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"smartcam: {e.Message}");
            return false;
        }
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
        var modelLabels = $"the model's labels are: {string.Join(", ", detector.Labels.Take(12))}{(detector.Labels.Length > 12 ? ", …" : "")}";
        var unknown = DetectionPostprocessor.UnknownLabels(config.Detect, detector.Labels).ToList();
        if (unknown.Count > 0)
        {
            detector.Dispose();
            throw new ConfigException($"{config.FilePath}: detect: unknown class label(s) {string.Join(", ", unknown.Select(l => $"'{l}'"))}; {modelLabels}");
        }
        var unknownInRules = ConfigLoader.UnknownRuleLabels(config, detector.Labels).ToList();
        if (unknownInRules.Count > 0)
        {
            detector.Dispose();
            throw new ConfigException($"{config.FilePath}: {string.Join("; ", unknownInRules)}; {modelLabels}");
        }
        return (config, detector);
    }
}
