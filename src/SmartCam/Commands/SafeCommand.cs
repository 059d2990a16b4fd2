using System.CommandLine;
using Microsoft.Extensions.Logging;
using SmartCam.Configuration;

namespace SmartCam.Commands;

/// <summary>
/// <c>smartcam safe</c>: drives every configured output to its safe level and exits. The systemd unit runs
/// it as <c>ExecStopPost=</c>, so outputs are safe even when the service was killed (SIGKILL, OOM) and
/// could not do it itself. Needs only the config, not the model, so it is quick and cannot fail on one.
/// </summary>
public static class SafeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = ConfigOption.Create();
        var safe = new Command("safe", "Drive every configured output to its safe level and exit (the systemd unit's ExecStopPost).")
        {
            config,
        };
        safe.SetAction(r => Run(r.GetValue(config)!, output));
        return safe;
    }

    public static int Run(string configPath, TextWriter output)
    {
        SmartCamConfig config;
        try
        {
            config = ConfigLoader.Load(configPath);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"smartcam: {e.Message}");
            return RunCommand.ExitBadInput;
        }
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).AddFilter(level => level >= LogLevel.Warning));
        if (!RunCommand.TryOpenOutputs(config, null, loggers.CreateLogger("SmartCam"), out var outputs)) return RunCommand.ExitBadInput;
        if (outputs is null)
        {
            output.WriteLine($"{config.FilePath}: no outputs configured");
            return RunCommand.ExitOk;
        }
        using (outputs)
        {
            // Open already wrote each safe level; say so per output.
            for (var i = 0; i < outputs.Count; i++)
                output.WriteLine($"{outputs[i].Name}: {outputs.Describe(i)} set to its safe level ({YamlEnums.Level.NameOf(outputs[i].SafeHigh)})");
        }
        return RunCommand.ExitOk;
    }
}
