using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using SmartCam.Commands;
using SmartCam.Core;
using SmartCam.Hosting;

namespace SmartCam;

public static partial class Program
{
    public static int Main(string[] args)
    {
        NativeLibraries.Register();
        // A fault on a loop thread: cleanups first (outputs to their safe levels), then one line, never the trace.
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            Action[] cleanups;
            lock (FatalCleanups) cleanups = [.. FatalCleanups];
            foreach (var cleanup in cleanups)
            {
                try
                {
                    cleanup();
                }
                catch (Exception)
                {
                    // The process is going down; the other cleanups still run.
                }
            }
            Console.Error.WriteLine(InternalError(e.ExceptionObject as Exception));
            // At once, as the runtime would have: Environment.Exit would run the host's shutdown, which can wait on the dead thread.
            ExitNow(RunCommand.ExitFailure);
        };
        return Run(args, Console.Out, Console.Error);
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void ExitNow(int status);

    private static readonly List<Action> FatalCleanups = [];

    /// <summary>Runs <paramref name="cleanup"/> if the process dies of an unhandled exception on any thread, before it exits.</summary>
    public static void OnFatal(Action cleanup)
    {
        lock (FatalCleanups) FatalCleanups.Add(cleanup);
    }

    /// <summary>The last-resort line for an exception nobody expected: the message, never the stack trace.</summary>
    public static string InternalError(Exception? e) =>
        $"smartcam: internal error: {UserError.OneLine(e?.Message ?? "unknown")} (please report)";

    /// <summary>
    /// The command line, in-process: <paramref name="output"/> and <paramref name="error"/> take what the commands print
    /// (the commands that run the pipeline still log to the console). Bad arguments: one line on <paramref name="error"/>, exit 2.
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            return Dispatch(args, output, error);
        }
        catch (Exception e)
        {
            error.WriteLine(InternalError(e));
            return RunCommand.ExitFailure;
        }
    }

    private static int Dispatch(string[] args, TextWriter output, TextWriter error)
    {
        if (args is ["--version"])
        {
            output.WriteLine(VersionLine(ApplianceImage.Current));
            return 0;
        }
        // Each command declares its own options, their checks and its action.
        var root = new RootCommand("SmartCam: camera → detector → ZeroMQ detections. See README.md and docs/.")
        {
            RunCommand.Create(output, error), ValidateCommand.Create(output, error), SafeCommand.Create(output, error),
            WatchCommand.Create(output, error), KeygenCommand.Create(output, error), BenchCommand.Create(output, error),
            DoctorCommand.Create(output, error), JitterCommand.Create(output, error), ViewCommand.Create(output, error),
            CamerasCommand.Create(output, error), EgressCommand.Create(output, error),
        };
        var parsed = root.Parse(args);
        // Help prints, even beside other mistakes; any other parse error is one line, not the help text.
        if (parsed.Errors.Count > 0 && parsed.Action is not { ClearsParseErrors: true })
        {
            var command = parsed.CommandResult.Command;
            var name = command == root ? "smartcam" : "smartcam " + command.Name;
            // A stray word is the mistake to name, rather than the command it left missing.
            var first = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parsed.Errors[0];
            error.WriteLine($"{name}: {UserError.OneLine(Explain(first.Message))} (see {name} --help)");
            return RunCommand.ExitBadInput;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    /// <summary>System.CommandLine's message for a value of the wrong type names a .NET type; say what a user would type instead.</summary>
    private static string Explain(string message)
    {
        var m = CannotParse().Match(message);
        if (!m.Success) return message;
        var expected = m.Groups["type"].Value switch
        {
            "System.Int32" or "System.Nullable`1[System.Int32]" => "a whole number",
            "System.Boolean" => "true or false",
            var other => other,
        };
        return $"{m.Groups["option"].Value} '{m.Groups["value"].Value}': expected {expected}";
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']*)' as expected type '(?<type>[^']*)'")]
    private static partial Regex CannotParse();

    /// <summary>"smartcam 0.1.0", plus the image version and booted slot on the appliance ("(image 0.1.0+20261124.abc1234, slot A)").</summary>
    public static string VersionLine(ApplianceImage? image) => image is null ? "smartcam " + Version : $"smartcam {Version} ({image})";

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
