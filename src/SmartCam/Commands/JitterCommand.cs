using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NetMQ;
using SmartCam.Capture;
using SmartCam.Configuration;
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
            // No log lines of its own, but FFmpeg's go through the ring too, never straight to stderr from sc-capture.
            ProcessLog.Start(ProcessLog.BenchFormat);
            if (!RunCommand.TryStart(configPath!, x => x with { Cameras = x.Cameras.Select(c => c with { Loop = true }).ToArray(), Publish = x.Publish with { WaitForSubscribers = 0, LingerMs = 0 } },
                    out var loaded, out var detector, out var publisher))
                return RunCommand.ExitBadInput;
            using (detector)
            using (publisher)
            using (var pipeline = new DetectionPipeline(loaded, RunCommand.WithInstances(loaded, detector), publisher, loaded.Cameras.Select(FrameSources.Create).ToArray(), NullLogger.Instance))
            using (var stop = new CancellationTokenSource())
            {
                var loop = new Thread(() => pipeline.Run(stop.Token)) { Name = "sc-infer" };
                loop.Start();
                Thread.Sleep(1000); // past start-up
                results.Add(("with pipeline", JitterMeter.Measure(plan, interval, duration)));
                stop.Cancel();
                loop.Join();
            }
            NetMQConfig.Cleanup(block: false);
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
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream))
        {
            j.WriteStartObject();
            j.WriteNumber("interval_us", intervalUs);
            foreach (var (run, r) in results)
            {
                j.WriteStartObject(run == "idle" ? "idle" : "with_pipeline");
                j.WriteNumber("samples", r.Samples);
                j.WriteNumber("p50_us", r.P50);
                j.WriteNumber("p99_us", r.P99);
                j.WriteNumber("p999_us", r.P999);
                j.WriteNumber("max_us", r.Max);
                j.WriteString("thread", r.Placement);
                j.WriteEndObject();
            }
            j.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
