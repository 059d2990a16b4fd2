using System.CommandLine;
using SmartCam.Commands.Bench;
using SmartCam.Configuration;
using SmartCam.Hosting;

namespace SmartCam.Commands;

/// <summary>
/// <c>smartcam bench</c>: measures the configured pipeline. One camera: <see cref="SingleCameraBench"/> (frames after a
/// warm-up); several: <see cref="MultiCameraBench"/> (time windows and a capacity search). Both print through
/// <see cref="BenchReportWriter"/>. File sources loop so any frame count or window can be reached.
/// </summary>
public static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = ConfigOption.Create();
        var frames = new Option<int>("--frames", "-n") { Description = "Frames to measure after the warm-up", DefaultValueFactory = _ => 1000 };
        var warmup = new Option<int>("--warmup") { Description = "Frames to run before measuring", DefaultValueFactory = _ => 100 };
        var bare = new Option<int>("--bare") { Description = "Bare session.Run calls to time on a fixed input", DefaultValueFactory = _ => 300 };
        var json = new Option<bool>("--json") { Description = "Print only the JSON line" };
        var seconds = new Option<int>("--seconds") { Description = "Several cameras: the measured window of each run, after the warm-up", DefaultValueFactory = _ => 20 };
        var warmupSeconds = new Option<int>("--warmup-seconds") { Description = "Several cameras: seconds each run goes before measuring", DefaultValueFactory = _ => 2 };
        var probeSeconds = new Option<int>("--probe-seconds") { Description = "Several cameras: the window of each capacity probe (at most --seconds)", DefaultValueFactory = _ => 5 };
        var maxCameras = new Option<int>("--max-cameras") { Description = "Several cameras: the capacity search stops at this many cameras", DefaultValueFactory = _ => 32 };
        var plot = new Option<string?>("--plot") { Description = "After the run, draw the capture→publish latency distribution (CDF, log time axis, one curve per camera, the bare model's p50 and p99 marked) to this SVG file" };
        var decodeOnly = new Option<bool>("--decode-only") { Description = "Only decode each camera's source (its decoder threads and hardware decoder; no conversion, no model) for --frames frames after --warmup: the decoder's own rate, the most the capture side can give the detector" };
        var viewers = new Option<int>("--viewers") { Description = "Single camera: run the HTTP server with this many live viewers connected (one MJPEG client, the rest live pages over WebSocket)", DefaultValueFactory = _ => 0 };
        var reloadEvery = new Option<int>("--reload-every-ms") { Description = "Single camera: during the measured frames, reload the scene this often (a zone added, then taken away again), as `systemctl reload` or the scene editor would; 0: never", DefaultValueFactory = _ => 0 };
        var noSnapshots = new Option<bool>("--no-snapshots") { Description = "Leave the config's snapshots: section out: the same run without event pictures, to compare (docs/benchmarks.md#snapshots)" };
        var bench = new Command("bench", "Measure the configured pipeline: fps, per-stage and capture→publish latency against the bare model, allocations, GCs, memory, start-up. With several cameras: per camera, the capacity, fairness under overload and one camera dying.")
        {
            config, frames, warmup, bare, json, seconds, warmupSeconds, probeSeconds, maxCameras, viewers, plot, decodeOnly, reloadEvery, noSnapshots,
        };
        bench.SetAction(r =>
        {
            var (n, w, b) = (r.GetValue(frames), r.GetValue(warmup), r.GetValue(bare));
            if (n < 1 || w < 1 || b < 10 || r.GetValue(viewers) is < 0 or > 64 || r.GetValue(reloadEvery) is < 0 or > 3_600_000)
            {
                error.WriteLine("smartcam bench: --frames and --warmup must be at least 1, --bare at least 10, --viewers 0-64, --reload-every-ms 0-3600000");
                return RunCommand.ExitBadInput;
            }
            var (s, ws, ps, mc) = (r.GetValue(seconds), r.GetValue(warmupSeconds), r.GetValue(probeSeconds), r.GetValue(maxCameras));
            if (s is < 1 or > 3600 || ws is < 0 or > 600 || ps is < 1 or > 3600 || mc is < 1 or > 64)
            {
                error.WriteLine("smartcam bench: --seconds and --probe-seconds must be 1-3600, --warmup-seconds 0-600, --max-cameras 1-64");
                return RunCommand.ExitBadInput;
            }
            // The bench is long: a plot that could not be written is said before it starts.
            if (r.GetValue(plot) is { } plotPath && BenchPlot.Unwritable(plotPath) is { } unwritable)
            {
                error.WriteLine(unwritable);
                return RunCommand.ExitBadInput;
            }
            if (r.GetValue(decodeOnly))
                return RunDecodeOnly(r.GetValue(config)!, n, w, r.GetValue(json), output);
            static bool Given(ParseResult p, Option o) => p.GetResult(o) is { Implicit: false };
            var given = new Given(Given(r, frames) || Given(r, warmup) || Given(r, viewers) || Given(r, reloadEvery),
                Given(r, seconds) || Given(r, warmupSeconds) || Given(r, probeSeconds) || Given(r, maxCameras));
            return Run(r.GetValue(config)!, new SingleCameraBench.Options(n, w, r.GetValue(viewers), b, r.GetValue(plot), r.GetValue(reloadEvery)),
                new MultiCameraBench.Options(s, ws, ps, mc, b, r.GetValue(plot)), r.GetValue(json), given, output, r.GetValue(noSnapshots));
        });
        return bench;
    }

    private static int RunDecodeOnly(string configPath, int frames, int warmup, bool jsonOnly, TextWriter output)
    {
        using var appliance = Appliance.TryLoad(configPath, new ApplianceOptions(c => c with { Cameras = c.Cameras.Select(x => x with { Loop = true }).ToArray() },
            _ => null, 0, 0, Http: false, WaitForQueuedMessages: false));
        return appliance is null ? RunCommand.ExitBadInput : DecodeOnlyBench.Run(appliance, frames, warmup, jsonOnly, output);
    }

    /// <summary>Which of the options the command line gave, of those that suit only one kind of config.</summary>
    /// <param name="SingleOnly">--frames, --warmup or --viewers given (a single-camera config's options).</param>
    /// <param name="MultiOnly">--seconds, --warmup-seconds, --probe-seconds or --max-cameras given (a config with several cameras).</param>
    public sealed record Given(bool SingleOnly, bool MultiOnly);

    /// <summary>The one-line error when <paramref name="given"/> holds options of the other kind of config; null when they suit.</summary>
    private static string? Unsuited(SmartCamConfig config, Given given)
    {
        var several = config.Cameras.Count > 1;
        if (!(several ? given.SingleOnly : given.MultiOnly)) return null;
        return several
            ? $"smartcam bench: --frames, --warmup, --viewers and --reload-every-ms are for a single-camera config; {config.FilePath} has {config.Cameras.Count} cameras (use --seconds, --warmup-seconds)"
            : $"smartcam bench: --seconds, --warmup-seconds, --probe-seconds and --max-cameras are for a config with several cameras; {config.FilePath} has one (use --frames, --warmup)";
    }

    private static int Run(string configPath, SingleCameraBench.Options single, MultiCameraBench.Options multi, bool jsonOnly, Given given, TextWriter output,
        bool noSnapshots = false)
    {
        var viewers = single.Viewers;
        // File sources loop, so any frame count can be reached; nothing waits at shutdown for a subscriber. Viewers need the
        // HTTP server: the config's http: section, or one on a free loopback port.
        // Options that do not suit the config are refused before anything binds (a busy port must not hide them).
        using var appliance = Appliance.TryLoad(configPath, new ApplianceOptions(c => c with
                {
                    Cameras = c.Cameras.Select(x => x with { Loop = true }).ToArray(),
                    Publish = c.Publish with { LingerMs = 0 },
                    Snapshots = noSnapshots ? null : c.Snapshots,
                    Http = viewers > 0 ? (c.Http ?? new HttpConfig()) with { Address = System.Net.IPAddress.Loopback, Port = 0, Listen = "127.0.0.1:0", Token = null, TlsCertificate = null, TlsChain = null } : c.Http,
                },
                c => Unsuited(c, given), single.Warmup, single.Warmup + single.Frames, Http: viewers > 0, WaitForQueuedMessages: false));
        if (appliance is null)
            return RunCommand.ExitBadInput;
        // Several cameras: measured over time windows, with a capacity search (docs/benchmarks.md#many-cameras).
        if (appliance.Config.Cameras.Count > 1)
            return MultiCameraBench.Run(appliance, multi, jsonOnly, output);
        return SingleCameraBench.Run(appliance, single, jsonOnly, output);
    }
}
