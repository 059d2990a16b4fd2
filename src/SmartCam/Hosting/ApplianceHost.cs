using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Realtime;

namespace SmartCam.Hosting;

/// <summary>The process's exit codes: 2 is a user mistake, said in one line naming the file, key or value.</summary>
public static class ExitCodes
{
    public const int Ok = 0, Failure = 1, BadInput = 2;
}

/// <summary>
/// The service's composition root (<c>smartcam run</c>): the appliance is loaded and checked first, then a
/// Microsoft.Extensions.Hosting host gives it logging, SIGINT/SIGTERM handling and systemd's notifications, and runs the
/// pipeline until it ends or is stopped.
/// </summary>
public static class ApplianceHost
{
    /// <param name="configureLogging">The command's log set-up, applied to the host's builder.</param>
    public static int Run(string configPath, Action<HostApplicationBuilder> configureLogging)
    {
        // Declared first, so it is disposed last: after the host, which no longer runs the pipeline then.
        using var appliance = Appliance.TryLoad(configPath);
        if (appliance is null) return ExitCodes.BadInput;

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        configureLogging(builder);
        var outcome = new RunOutcome();
        builder.Services.AddSingleton(outcome);
        // The appliance itself, not a factory over parts of it: PipelineService takes the pipeline when the host starts,
        // by which time TryAssemble below has made it, and the container never disposes an instance it was given.
        builder.Services.AddSingleton(appliance);
        builder.Services.AddHostedService<PipelineService>();
        // Under systemd: journal-friendly log lines, SIGTERM handling (READY/STOPPING: SystemdWatchdog).
        builder.Services.AddSystemd();
        using var host = builder.Build();
        var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("SmartCam");
        var reload = new LiveReload(appliance, log);
        appliance.Reloads = reload.Counters;
        if (!appliance.TryAssemble(log)) return ExitCodes.BadInput;
        if (appliance.Hub is { } hub) hub.Editor = reload;
        // systemctl reload (ExecReload=kill -HUP): the file again, on a pool thread, never the signal's own.
        using var hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true;
            ThreadPool.UnsafeQueueUserWorkItem(_ => ReloadFile(reload, log), null);
        });

        using var watchdog = new SystemdWatchdog(appliance.Pipeline!);
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(watchdog.Ready);
        lifetime.ApplicationStopping.Register(watchdog.Stopping);
        LogStart(appliance, log);
        host.Run();
        return outcome.ExitCode;
    }

    private static void ReloadFile(LiveReload reload, ILogger log)
    {
        try
        {
            reload.ReloadFile();
        }
        catch (Exception e)
        {
            // A bug, not a user mistake (those are refused with one line): keep the trace, keep running the old scene.
            log.LogError(e, "Reload (SIGHUP) failed; still running the previous scene");
        }
    }

    private static void LogStart(Appliance appliance, ILogger log)
    {
        var config = appliance.Config;
        var detector = appliance.Detector;
        foreach (var camera in config.Cameras)
            log.LogInformation("SmartCam {Version}: camera {Camera} ({Source}), model {Model} ({Family}, {W}x{H}, provider {Provider}: {Providers}), publishing on {Endpoint}",
                Program.Version, camera.Id, FfmpegPipeSource.Redact(camera.Source), detector.Name,
                YamlEnums.Family.NameOf(detector.Family), detector.InputWidth, detector.InputHeight,
                YamlEnums.Provider.NameOf(detector.Provider), string.Join(", ", detector.Providers), config.Publish.Endpoint);
        if (appliance.Detectors.Count > 1) log.LogInformation("{Count} detector instances share {Cameras} cameras", appliance.Detectors.Count, config.Cameras.Count);
        // On the appliance image: whether the boot chain was verified (docs/security.md). Off it (a container, a
        // developer's machine) the firmware is not ours to judge; `smartcam doctor` still reports it.
        if (ApplianceImage.Current is { } image) log.LogInformation("{Image}: {BootIntegrity}", image, new HostDoctor("/", null).BootIntegrity());
    }
}
