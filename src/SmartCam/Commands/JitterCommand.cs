using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Hosting;
using SmartCam.Logging;
using SmartCam.Realtime;

namespace SmartCam.Commands;

/// <summary>
/// <c>smartcam jitter</c>: wake-up lateness of an RT thread on the loop CPU, alone and, with
/// <c>--config</c>, again while the configured pipeline runs in this process (docs/realtime.md).
/// </summary>
public static class JitterCommand
{
    /// <summary>The command line of <c>smartcam jitter</c> (declared here rather than in Program).</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = new Option<string?>("--config", "-c") { Description = "Measure on this config's inference CPU, and again while its pipeline runs" };
        var cpu = new Option<int?>("--cpu") { Description = "The CPU to measure on (default: the config's inference CPU, else any)" };
        var priority = new Option<int>("--priority") { Description = "SCHED_FIFO priority of the measuring thread", DefaultValueFactory = _ => 90 };
        var interval = new Option<int>("--interval-us") { Description = "Wake-up period", DefaultValueFactory = _ => 1000 };
        var seconds = new Option<int>("--seconds") { Description = "How long each run lasts", DefaultValueFactory = _ => 10 };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON" };
        var jitter = new Command("jitter", "Measure an RT thread's wake-up lateness like cyclictest, alone and while the configured pipeline runs.")
        {
            config, cpu, priority, interval, seconds, json,
        };
        jitter.SetAction(r =>
        {
            var (p, i, s) = (r.GetValue(priority), r.GetValue(interval), r.GetValue(seconds));
            var chosenCpu = r.GetValue(cpu);
            if (p is < 1 or > 99 || i < 50 || s < 1 || chosenCpu is < 0 || chosenCpu >= Libc.ConfiguredCpus)
            {
                error.WriteLine($"smartcam jitter: --priority must be 1-99, --interval-us at least 50, --seconds at least 1, --cpu 0-{Libc.ConfiguredCpus - 1}");
                return RunCommand.ExitBadInput;
            }
            return Run(r.GetValue(config), chosenCpu, p, i, s, r.GetValue(json), output);
        });
        return jitter;
    }

    public static int Run(string? configPath, int? cpu, int priority, int intervalUs, int seconds, bool json, TextWriter output)
    {
        if (!RunCommand.TryLoadOptional(configPath, out var config)) return RunCommand.ExitBadInput;
        // The CPU the inference loop is placed on, unless given.
        IReadOnlyList<int> cpus = cpu is { } c ? [c] : config?.Realtime.Inference.Cpus ?? [];
        var plan = new ThreadPlan(cpus, SchedPolicy.Fifo, priority);
        var interval = TimeSpan.FromMicroseconds(intervalUs);
        var duration = TimeSpan.FromSeconds(seconds);

        var results = new List<(string Run, JitterResult Result)> { ("idle", JitterMeter.Measure(plan, interval, duration)) };
        if (config is not null)
        {
            // Files loop, so the pipeline runs as long as the measurement. No outputs and no HTTP server: only the loop's load is wanted.
            // No log lines of its own, but FFmpeg's go through the ring too, never straight to stderr from sc-capture.
            ProcessLog.Start(ProcessLog.BenchFormat);
            using var appliance = Appliance.TryLoad(configPath!, new ApplianceOptions(
                Adjust: x => x with { Cameras = x.Cameras.Select(c => c with { Loop = true }).ToArray(), Publish = x.Publish with { WaitForSubscribers = 0, LingerMs = 0 } },
                Http: false, WaitForQueuedMessages: false));
            if (appliance is null) return RunCommand.ExitBadInput;
            var pipeline = appliance.CreatePipeline(NullLogger.Instance);
            using var stop = new CancellationTokenSource();
            var loop = new Thread(() => pipeline.Run(stop.Token)) { Name = "sc-infer" };
            loop.Start();
            Thread.Sleep(1000); // past start-up
            results.Add(("with pipeline", JitterMeter.Measure(plan, interval, duration)));
            stop.Cancel();
            loop.Join();
        }

        if (json) output.WriteLine(ToJson(results, intervalUs));
        else
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wake-up lateness, µs (period {intervalUs} µs, {seconds} s per run)"));
            output.WriteLine("run                samples      p50      p99    p99.9      max   thread");
            foreach (var (run, r) in results)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{run,-16} {r.Samples,9} {r.P50,8} {r.P99,8} {r.P999,8} {r.Max,8}   {r.Placement}"));
        }
        return 0;
    }

    private static string ToJson(List<(string Run, JitterResult Result)> results, int intervalUs)
    {
        static RunJson Run(JitterResult r) => new(r.Samples, r.P50, r.P99, r.P999, r.Max, r.Placement);
        var withPipeline = results.FirstOrDefault(x => x.Run != "idle").Result;
        return JsonSerializer.Serialize(new ReportJson(intervalUs, Run(results.First(x => x.Run == "idle").Result),
            withPipeline is null ? null : Run(withPipeline)), ReportJsonContext.Default.JitterCommandReportJson);
    }

    /// <summary><c>--json</c>'s line: the idle run, and the run beside the pipeline when a config was given.</summary>
    internal sealed record ReportJson(int IntervalUs, RunJson Idle,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RunJson? WithPipeline);

    internal sealed record RunJson(long Samples, long P50Us, long P99Us, long P999Us, long MaxUs, string Thread);
}
