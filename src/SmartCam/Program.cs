using System.CommandLine;
using System.Reflection;
using SmartCam.Hosting;
using SmartCam.Messaging;

namespace SmartCam;

public static class Program
{
    public static int Main(string[] args)
    {
        NativeLibraries.Register();
        if (args is ["--version"])
        {
            Console.WriteLine(VersionLine());
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
        validate.SetAction(r => ValidateCommand.Run(r.GetValue(configOption)!, Console.Out));

        var safe = new Command("safe", "Drive every configured output to its safe level and exit (the systemd unit's ExecStopPost).")
        {
            configOption,
        };
        safe.SetAction(r => SafeCommand.Run(r.GetValue(configOption)!, Console.Out));

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
        watch.SetAction(r => WatchCommand.Run(r.GetValue(endpoint)!, r.GetValue(topic) ?? "", r.GetValue(count), r.GetValue(json), r.GetValue(serverKey)));

        var keyFile = new Argument<string>("secret-key-file") { Description = "Where to write the new secret key, e.g. /etc/smartcam/bus.key (never overwritten)" };
        var keygen = new Command("keygen", "Make a CURVE key pair for an encrypted bus: writes the secret key file (mode 600) and prints the public key subscribers need.")
        {
            keyFile,
        };
        keygen.SetAction(r => KeygenCommand.Run(r.GetValue(keyFile)!, Console.Out));

        var frames = new Option<int>("--frames", "-n") { Description = "Frames to measure after the warm-up", DefaultValueFactory = _ => 1000 };
        var warmup = new Option<int>("--warmup") { Description = "Frames to run before measuring", DefaultValueFactory = _ => 100 };
        var bare = new Option<int>("--bare") { Description = "Bare session.Run calls to time on a fixed input", DefaultValueFactory = _ => 300 };
        var benchJson = new Option<bool>("--json") { Description = "Print only the JSON line" };
        var bench = new Command("bench", "Measure the configured pipeline: fps, per-stage and capture→publish latency against the bare model, allocations, GCs, memory, start-up.")
        {
            configOption, frames, warmup, bare, benchJson,
        };
        bench.SetAction(r =>
        {
            var (n, w, b) = (r.GetValue(frames), r.GetValue(warmup), r.GetValue(bare));
            if (n < 1 || w < 1 || b < 10)
            {
                Console.Error.WriteLine("smartcam bench: --frames and --warmup must be at least 1, --bare at least 10");
                return 2;
            }
            return BenchCommand.Run(r.GetValue(configOption)!, n, w, b, r.GetValue(benchJson), Console.Out);
        });

        var doctorConfig = new Option<string?>("--config", "-c") { Description = "Also check this config's loop CPUs and camera device" };
        var doctorJson = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var doctorRoot = new Option<string>("--root") { Description = "Read /sys and /proc under this folder instead of / (for testing)", DefaultValueFactory = _ => "/" };
        var doctor = new Command("doctor", "Check this host for real-time readiness (PREEMPT_RT, isolated CPUs, IRQs, limits, capabilities, camera); exit 1 on any failure.")
        {
            doctorConfig, doctorJson, doctorRoot,
        };
        doctor.SetAction(r => DoctorCommand.Run(r.GetValue(doctorConfig), r.GetValue(doctorJson), r.GetValue(doctorRoot)!, Console.Out));

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
            if (p is < 1 or > 99 || i < 50 || s < 1 || cpu is < 0 || cpu >= SmartCam.Realtime.Libc.ConfiguredCpus)
            {
                Console.Error.WriteLine($"smartcam jitter: --priority must be 1-99, --interval-us at least 50, --seconds at least 1, --cpu 0-{SmartCam.Realtime.Libc.ConfiguredCpus - 1}");
                return 2;
            }
            return JitterCommand.Run(r.GetValue(jitterConfig), r.GetValue(jitterCpu), p, i, s, r.GetValue(jitterJson), Console.Out);
        });

        var root = new RootCommand("SmartCam: camera → detector → ZeroMQ detections. See README.md and docs/.")
        {
            run, validate, safe, watch, keygen, bench, doctor, jitter,
        };
        return root.Parse(args).Invoke();
    }

    /// <summary>The image's version file, when running on the appliance image.</summary>
    public const string ReleaseFile = "/etc/smartcam-release";

    /// <summary>"smartcam 0.1.0", plus the image version on the appliance ("image 0.1.0+20261124.abc1234").</summary>
    public static string VersionLine()
    {
        var line = "smartcam " + Version;
        try
        {
            foreach (var l in File.ReadLines(ReleaseFile))
                if (l.StartsWith("IMAGE_VERSION=", StringComparison.Ordinal)) line += " (image " + l["IMAGE_VERSION=".Length..].Trim('"') + ")";
        }
        catch (IOException)
        {
            // Not the appliance image: the binary's own version is all there is.
        }
        return line;
    }

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
