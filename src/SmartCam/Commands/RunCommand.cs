using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SmartCam.Actuation;
using SmartCam.Configuration;
using SmartCam.Hosting;
using SmartCam.Inference;
using SmartCam.Logging;

namespace SmartCam.Commands;

/// <summary>
/// <c>smartcam run</c>: load and check everything first (a user mistake exits 2 with one clear line, no
/// stack trace), then host the pipeline until it ends or SIGINT/SIGTERM arrives (<see cref="ApplianceHost"/>).
/// </summary>
public static class RunCommand
{
    /// <summary>The command line of <c>smartcam run</c> (declared here rather than in Program).</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = ConfigOption.Create();
        var run = new Command("run", "Run the camera pipeline until stopped (SIGINT/SIGTERM) or, for a file with loop: false, until it ends.")
        {
            config,
        };
        run.SetAction(r => Run(r.GetValue(config)!));
        return run;
    }

    public const int ExitOk = ExitCodes.Ok, ExitFailure = ExitCodes.Failure, ExitBadInput = ExitCodes.BadInput;

    public static int Run(string configPath) => ApplianceHost.Run(configPath, ConfigureLogging);

    /// <summary>The service's log: one line per record, UTC time-stamped, on stderr.</summary>
    private static void ConfigureLogging(HostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        // Through the lock-free ring and its drain thread (docs/realtime.md#logging), to stderr (and so to the journal under
        // systemd, in the journal's format as AddSystemd gave the console logger); stdout stays free for tools.
        builder.Logging.AddProvider(ProcessLog.Provider(ProcessLog.ConsoleFormat));
        Program.OnFatal(ProcessLog.Flush);
    }

    /// <inheritdoc cref="Appliance.WithInstances"/>
    public static OnnxDetector[] WithInstances(SmartCamConfig config, OnnxDetector first) => Appliance.WithInstances(config, first);

    /// <inheritdoc cref="Appliance.TryOpenOutputs(SmartCamConfig, Func{int, System.Device.Gpio.GpioDriver}?, ILogger, out OutputBank?)"/>
    public static bool TryOpenOutputs(SmartCamConfig config, Func<int, System.Device.Gpio.GpioDriver>? driverForChip, ILogger log, out OutputBank? outputs) =>
        Appliance.TryOpenOutputs(config, driverForChip, log, out outputs);

    /// <inheritdoc cref="Appliance.Load"/>
    public static (SmartCamConfig, OnnxDetector) Load(string configPath) => Appliance.Load(configPath);

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
}
