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
        var configOption = new Option<string>("--config", "-c")
        {
            Description = "The YAML configuration file, e.g. configs/demo.yaml",
            Required = true,
        };

        var run = new Command("run", "Run the camera pipeline until stopped (SIGINT/SIGTERM) or, for a file with loop: false, until it ends.")
        {
            configOption,
        };
        run.SetAction(r => RunCommand.Run(r.GetValue(configOption)!));

        var validate = new Command("validate", "Load the configuration and the model, print a summary, and exit non-zero on any problem.")
        {
            configOption,
        };
        var configOnly = new Option<bool>("--config-only") { Description = "Check the configuration file only: neither load the model nor open the source" };
        validate.Add(configOnly);
        validate.SetAction(r => ValidateCommand.Run(r.GetValue(configOption)!, output, error, r.GetValue(configOnly)));

        var safe = new Command("safe", "Drive every configured output to its safe level and exit (the systemd unit's ExecStopPost).")
        {
            configOption,
        };
        safe.SetAction(r => SafeCommand.Run(r.GetValue(configOption)!, output));

        var endpoint = new Option<string>("--endpoint", "-e")
        {
            Description = "The service's publish endpoint",
            DefaultValueFactory = _ => "tcp://127.0.0.1:5556",
        };
        var topic = new Option<string>("--topic", "-t")
        {
            Description = "Topic prefix to subscribe to, e.g. det. or status.cam0 (default: everything)",
            DefaultValueFactory = _ => "",
        };
        var count = new Option<int>("--count", "-n") { Description = "Exit after this many messages (default: run until Ctrl-C)" };
        var json = new Option<bool>("--json") { Description = "Print each message's JSON as received instead of a summary line" };
        var serverKey = new Option<string?>("--server-key") { Description = "The service's CURVE public key (Z85, 40 characters) when its bus is encrypted (publish.curve)" };
        var watch = new Command("watch", "Subscribe to a running service and print its messages live, one line each.")
        {
            endpoint, topic, count, json, serverKey,
        };
        watch.SetAction(r =>
        {
            if (r.GetValue(count) < 0)
            {
                error.WriteLine($"smartcam watch: --count {r.GetValue(count)}: expected a number of messages, at least 1 (or 0: run until Ctrl-C)");
                return RunCommand.ExitBadInput;
            }
            return WatchCommand.Run(r.GetValue(endpoint)!, r.GetValue(topic) ?? "", r.GetValue(count), r.GetValue(json), r.GetValue(serverKey));
        });

        var keyFile = new Argument<string>("secret-key-file") { Description = "Where to write the new secret key, e.g. /etc/smartcam/bus.key (never overwritten)" };
        var keygen = new Command("keygen", "Make a CURVE key pair for an encrypted bus: writes the secret key file (mode 600) and prints the public key subscribers need.")
        {
            keyFile,
        };
        keygen.SetAction(r => KeygenCommand.Run(r.GetValue(keyFile)!, output));

        var frames = new Option<int>("--frames", "-n") { Description = "Frames to measure after the warm-up", DefaultValueFactory = _ => 1000 };
        var warmup = new Option<int>("--warmup") { Description = "Frames to run before measuring", DefaultValueFactory = _ => 100 };
        var bare = new Option<int>("--bare") { Description = "Bare session.Run calls to time on a fixed input", DefaultValueFactory = _ => 300 };
        var benchJson = new Option<bool>("--json") { Description = "Print only the JSON line" };
        var seconds = new Option<int>("--seconds") { Description = "Several cameras: the measured window of each run, after the warm-up", DefaultValueFactory = _ => 20 };
        var warmupSeconds = new Option<int>("--warmup-seconds") { Description = "Several cameras: seconds each run goes before measuring", DefaultValueFactory = _ => 2 };
        var probeSeconds = new Option<int>("--probe-seconds") { Description = "Several cameras: the window of each capacity probe (at most --seconds)", DefaultValueFactory = _ => 5 };
        var maxCameras = new Option<int>("--max-cameras") { Description = "Several cameras: the capacity search stops at this many cameras", DefaultValueFactory = _ => 32 };
        var viewers = new Option<int>("--viewers") { Description = "Single camera: run the HTTP server with this many live viewers connected (one MJPEG client, the rest live pages over WebSocket)", DefaultValueFactory = _ => 0 };
        var bench = new Command("bench", "Measure the configured pipeline: fps, per-stage and capture→publish latency against the bare model, allocations, GCs, memory, start-up. With several cameras: per camera, the capacity, fairness under overload and one camera dying.")
        {
            configOption, frames, warmup, bare, benchJson, seconds, warmupSeconds, probeSeconds, maxCameras, viewers,
        };
        bench.SetAction(r =>
        {
            var (n, w, b) = (r.GetValue(frames), r.GetValue(warmup), r.GetValue(bare));
            if (n < 1 || w < 1 || b < 10 || r.GetValue(viewers) is < 0 or > 64)
            {
                error.WriteLine("smartcam bench: --frames and --warmup must be at least 1, --bare at least 10, --viewers 0-64");
                return 2;
            }
            var (s, ws, ps, mc) = (r.GetValue(seconds), r.GetValue(warmupSeconds), r.GetValue(probeSeconds), r.GetValue(maxCameras));
            if (s is < 1 or > 3600 || ws is < 0 or > 600 || ps is < 1 or > 3600 || mc is < 1 or > 64)
            {
                error.WriteLine("smartcam bench: --seconds and --probe-seconds must be 1-3600, --warmup-seconds 0-600, --max-cameras 1-64");
                return 2;
            }
            static bool Given(ParseResult p, Option o) => p.GetResult(o) is { Implicit: false };
            var given = new BenchCommand.Given(Given(r, frames) || Given(r, warmup) || Given(r, viewers),
                Given(r, seconds) || Given(r, warmupSeconds) || Given(r, probeSeconds) || Given(r, maxCameras));
            return BenchCommand.Run(r.GetValue(configOption)!, n, w, b, r.GetValue(benchJson), output,
                new MultiCameraBench.Options(s, ws, ps, mc, b, r.GetValue(benchJson)), given, r.GetValue(viewers));
        });

        var doctorConfig = new Option<string?>("--config", "-c") { Description = "Also check this config's loop CPUs and camera device" };
        var doctorJson = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var doctorRoot = new Option<string>("--root") { Description = "Read /sys and /proc under this folder instead of / (for testing)", DefaultValueFactory = _ => "/" };
        var doctor = new Command("doctor", "Check this host for real-time readiness (PREEMPT_RT, isolated CPUs, IRQs, limits, capabilities, camera); exit 1 on any failure.")
        {
            doctorConfig, doctorJson, doctorRoot,
        };
        doctor.SetAction(r =>
        {
            var rootFolder = r.GetValue(doctorRoot)!;
            if (!Directory.Exists(rootFolder))
            {
                error.WriteLine($"smartcam doctor: --root '{rootFolder}' is not a folder; expected the folder holding proc/ and sys/ (default /)");
                return RunCommand.ExitBadInput;
            }
            return DoctorCommand.Run(r.GetValue(doctorConfig), r.GetValue(doctorJson), rootFolder, output);
        });

        var jitterConfig = new Option<string?>("--config", "-c") { Description = "Measure on this config's inference CPU, and again while its pipeline runs" };
        var jitterCpu = new Option<int?>("--cpu") { Description = "The CPU to measure on (default: the config's inference CPU, else any)" };
        var jitterPriority = new Option<int>("--priority") { Description = "SCHED_FIFO priority of the measuring thread", DefaultValueFactory = _ => 90 };
        var jitterInterval = new Option<int>("--interval-us") { Description = "Wake-up period", DefaultValueFactory = _ => 1000 };
        var jitterSeconds = new Option<int>("--seconds") { Description = "How long each run lasts", DefaultValueFactory = _ => 10 };
        var jitterJson = new Option<bool>("--json") { Description = "Print the figures as JSON" };
        var jitter = new Command("jitter", "Measure an RT thread's wake-up lateness like cyclictest, alone and while the configured pipeline runs.")
        {
            jitterConfig, jitterCpu, jitterPriority, jitterInterval, jitterSeconds, jitterJson,
        };
        jitter.SetAction(r =>
        {
            var (p, i, s) = (r.GetValue(jitterPriority), r.GetValue(jitterInterval), r.GetValue(jitterSeconds));
            var cpu = r.GetValue(jitterCpu);
            if (p is < 1 or > 99 || i < 50 || s < 1 || cpu is < 0 || cpu >= Libc.ConfiguredCpus)
            {
                error.WriteLine($"smartcam jitter: --priority must be 1-99, --interval-us at least 50, --seconds at least 1, --cpu 0-{Libc.ConfiguredCpus - 1}");
                return 2;
            }
            return JitterCommand.Run(r.GetValue(jitterConfig), r.GetValue(jitterCpu), p, i, s, r.GetValue(jitterJson), output);
        });

        var viewUrl = new Option<string>("--url") { Description = "The box's HTTP address, e.g. http://127.0.0.1:8080/", Required = true };
        var viewCamera = new Option<string>("--camera") { Description = "The camera to watch", DefaultValueFactory = _ => "cam0" };
        var viewMjpeg = new Option<int>("--mjpeg") { Description = "MJPEG clients", DefaultValueFactory = _ => 1 };
        var viewPages = new Option<int>("--pages") { Description = "Live pages (one WebSocket each)", DefaultValueFactory = _ => 2 };
        var viewToken = new Option<string?>("--token") { Description = "The box's http.auth token, if it has one" };
        var view = new Command("view", "Connect to a box's HTTP server as live viewers until standard input ends, then print the pictures each received (JSON). The viewers of smartcam bench --viewers.")
        {
            viewUrl, viewCamera, viewMjpeg, viewPages, viewToken,
        };
        view.SetAction(r =>
        {
            var (m, p) = (r.GetValue(viewMjpeg), r.GetValue(viewPages));
            if (m is < 0 or > 64 || p is < 0 or > 64)
            {
                error.WriteLine("smartcam view: --mjpeg and --pages must be 0-64");
                return 2;
            }
            return ViewCommand.Run(r.GetValue(viewUrl)!, r.GetValue(viewCamera)!, m, p, r.GetValue(viewToken), output);
        });

        var root = new RootCommand("SmartCam: camera → detector → ZeroMQ detections. See README.md and docs/.")
        {
            run, validate, safe, watch, keygen, bench, doctor, jitter, view,
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
