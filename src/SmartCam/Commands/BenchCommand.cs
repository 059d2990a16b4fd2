using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NetMQ;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Hosting;
using SmartCam.Inference;
using SmartCam.Logging;
using SmartCam.Messaging;
using SmartCam.Viewing;

namespace SmartCam.Commands;

/// <summary>
/// <c>smartcam bench</c>: runs the configured pipeline for a number of frames after a warm-up and
/// reports what users size hardware by: throughput, per-stage and end-to-end latency, the model's
/// bare <c>session.Run</c> time on a fixed input in the same process (the limit), allocations, GCs,
/// peak memory and start-up time. File sources loop so any frame count can be reached.
/// </summary>
public static class BenchCommand
{
    public sealed record Report(
        string Model, string Provider, string[] Providers, string Source, string Pace, long Frames, double Fps,
        (string Stage, long P50, long P99, long Max, long Count)[] Stages,
        long BareP50, long BareP99, double LatencyP50Ratio, double LatencyP99Ratio, double ThroughputRatio,
        double BytesPerFramePipeline, double BytesPerFrameProcess, (long Capture, long Infer, long Publish) ThreadBytes, (int Gen0, int Gen1, int Gen2) Gcs,
        long PeakRssBytes, double StartupSeconds, long Dropped, long Burst,
        long PeriodUs, long DeadlineMisses, (string Loop, long P50, long P99, long P999, long Max)[] Lateness,
        (long Minor, long Major) ProcessFaults, (long Minor, long Major) LoopFaults)
    {
        /// <summary>--viewers: pictures each connected viewer received during the run (empty without viewers).</summary>
        public long[] ViewerPictures { get; init; } = [];
    }

    /// <summary>Which of the options the command line gave, of those that suit only one kind of config.</summary>
    /// <param name="SingleOnly">--frames, --warmup or --viewers given (a single-camera config's options).</param>
    /// <param name="MultiOnly">--seconds, --warmup-seconds, --probe-seconds or --max-cameras given (a config with several cameras).</param>
    public sealed record Given(bool SingleOnly, bool MultiOnly);

    /// <summary>The one-line error when <paramref name="given"/> holds options of the other kind of config; null when they suit.</summary>
    static string? Unsuited(SmartCamConfig config, Given? given)
    {
        var several = config.Cameras.Count > 1;
        if (given is null || !(several ? given.SingleOnly : given.MultiOnly)) return null;
        return several
            ? $"smartcam bench: --frames, --warmup and --viewers are for a single-camera config; {config.FilePath} has {config.Cameras.Count} cameras (use --seconds, --warmup-seconds)"
            : $"smartcam bench: --seconds, --warmup-seconds, --probe-seconds and --max-cameras are for a config with several cameras; {config.FilePath} has one (use --frames, --warmup)";
    }

    public static int Run(string configPath, int frames, int warmup, int bareRuns, bool jsonOnly, TextWriter output,
        MultiCameraBench.Options? multi = null, Given? given = null, int viewers = 0)
    {
        // File sources loop, so any frame count can be reached; nothing waits at shutdown for a subscriber. Viewers need the
        // HTTP server: the config's http: section, or one on a free loopback port.
        // Options that do not suit the config are refused before anything binds (a busy port must not hide them).
        if (!RunCommand.TryStart(configPath, c => c with
                {
                    Cameras = c.Cameras.Select(x => x with { Loop = true }).ToArray(),
                    Publish = c.Publish with { LingerMs = 0 },
                    Http = viewers > 0 ? (c.Http ?? new HttpConfig()) with { Address = System.Net.IPAddress.Loopback, Port = 0, Listen = "127.0.0.1:0", Token = null } : c.Http,
                },
                out var config, out var detector, out var publisher, c => Unsuited(c, given)))
            return RunCommand.ExitBadInput;
        // Several cameras: measured over time windows, with a capacity search (docs/benchmarks.md#many-cameras).
        var several = config.Cameras.Count > 1;
        if (several)
        {
            int exitCode;
            using (detector)
            using (publisher)
                exitCode = MultiCameraBench.Run(config, detector, publisher, (multi ?? new MultiCameraBench.Options(20, 2, 5, 32, bareRuns, jsonOnly)) with { BareRuns = bareRuns, JsonOnly = jsonOnly }, output);
            NetMQConfig.Cleanup(block: false);
            return exitCode;
        }
        using var loggers = LoggerFactory.Create(b => b.AddProvider(ProcessLog.Provider(ProcessLog.BenchFormat)).AddFilter(level => level >= LogLevel.Warning));
        var log = loggers.CreateLogger("SmartCam");
        if (!RunCommand.TryOpenOutputs(config, null, log, out var outputs))
        {
            detector.Dispose();
            publisher.Dispose();
            return RunCommand.ExitBadInput;
        }

        Report report;
        var frameTaps = viewers > 0 ? new[] { new FrameTap() } : null;
        using var bus = viewers > 0 ? new BusTap() : null;
        var hub = viewers > 0 ? new LiveHub(config, bus!, frameTaps!, log) : null;
        var web = hub is null ? null : new HttpFrontEnd(hub, log);
        System.Diagnostics.Process? watching = null;
        if (web is not null)
        {
            try
            {
                web.Start().GetAwaiter().GetResult();
            }
            catch (HttpBindException e)
            {
                Console.Error.WriteLine($"smartcam bench: {e.Message}");
                return RunCommand.ExitBadInput;
            }
            publisher.Tap = bus;
            hub!.Start();
            // The viewers in a process of their own (smartcam view), as browsers would be: the figures are the box's alone.
            watching = StartViewers(web.Address!, config.Camera.Id, viewers);
            // Every viewer connected before the first frame, so every measured frame is served to all of them.
            if (!ViewersConnected(hub, config.Camera.Id, viewers, watching, TimeSpan.FromSeconds(60)))
            {
                var connected = hub.ViewerCounts.FirstOrDefault(c => c.Id == config.Camera.Id).Viewers;
                Console.Error.WriteLine($"smartcam bench: {connected} of {viewers} live viewers connected to {web.Address} within 60 s{(watching.HasExited ? $" (smartcam view exited with {watching.ExitCode})" : "")}");
                if (!watching.HasExited) watching.Kill(entireProcessTree: true);
                watching.WaitForExit();
                return 1;
            }
        }
        using (detector)
        using (publisher)
        using (outputs)
        using (var pipeline = new DetectionPipeline(config, [detector], publisher, [FrameSources.Create(config.Camera)], log, warmup, warmup + frames, outputs, frameTaps))
        {
            var exit = 0;
            var thread = new Thread(() => exit = pipeline.Run(CancellationToken.None)) { Name = "sc-infer" };
            thread.Start();
            var finished = false;
            while (!pipeline.Publishing.WarmedUp.Wait(100))
                if (!thread.IsAlive) { finished = true; break; }
            var startAlloc = pipeline.AllocatedBytes;
            var startProcess = GC.GetTotalAllocatedBytes(precise: true);
            int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
            var startFaults = Libc.PageFaults(Libc.RusageSelf);
            var startLoopFaults = pipeline.LoopPageFaults;
            thread.Join();
            if (finished || exit != 0 || pipeline.Stats.Processed < warmup + frames)
            {
                Console.Error.WriteLine($"smartcam bench: the pipeline ended after {pipeline.Stats.Processed} of {warmup + frames} frames");
                return 1;
            }

            var endAlloc = pipeline.AllocatedBytes;
            var end = pipeline.EndSnapshot;
            var bare = MeasureBare(detector, pipeline.SampleInput, bareRuns);
            var s = pipeline.Stats;
            var measured = s.Processed - warmup;
            var seconds = (pipeline.Publishing.LastPublishedNs - pipeline.Publishing.WarmedUpAtNs) / 1e9;
            var fps = measured / seconds;
            var pipelineBytes = (endAlloc.Capture - startAlloc.Capture) + (endAlloc.Infer - startAlloc.Infer) + (endAlloc.Publish - startAlloc.Publish);
            var startup = pipeline.Publishing.FirstPublishedNs > 0 ? SecondsSinceProcessStart(pipeline.Publishing.FirstPublishedNs) : double.NaN;
            report = new Report(
                detector.Name, ExecutionProviders.ConfigName(detector.Provider), detector.Providers, FfmpegPipeSource.Redact(config.Camera.Source), config.Camera.Pace.ToString().ToLowerInvariant(), measured, fps,
                s.Stages.Select(x => (x.Name, x.Histogram.Percentile(0.5), x.Histogram.Percentile(0.99), x.Histogram.Max, x.Histogram.Count)).ToArray(),
                bare.P50, bare.P99,
                (double)s.CaptureToPublish.Percentile(0.5) / bare.P50, (double)s.CaptureToPublish.Percentile(0.99) / bare.P99,
                fps / (1e6 / bare.P50),
                (double)pipelineBytes / measured, (double)(end.AllocatedBytes - startProcess) / measured,
                (endAlloc.Capture - startAlloc.Capture, endAlloc.Infer - startAlloc.Infer, endAlloc.Publish - startAlloc.Publish),
                (end.Gen0 - g0, end.Gen1 - g1, end.Gen2 - g2), PeakRss(), startup, s.Dropped, s.Burst,
                s.PeriodUs, s.DeadlineMisses,
                s.Loops.Select(x => (x.Name, x.Histogram.Percentile(0.5), x.Histogram.Percentile(0.99), x.Histogram.Percentile(0.999), x.Histogram.Max)).ToArray(),
                (end.PageFaults.Minor - startFaults.Minor, end.PageFaults.Major - startFaults.Major),
                (pipeline.LoopPageFaults.Minor - startLoopFaults.Minor, pipeline.LoopPageFaults.Major - startLoopFaults.Major));
            if (watching is not null) report = report with { ViewerPictures = StopViewers(watching) };
        }
        // The hub before the taps: its encoder and drawing wrappers refer to the taps' picture buffers.
        hub?.Dispose();
        web?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        foreach (var t in frameTaps ?? []) t.Dispose();
        NetMQConfig.Cleanup(block: false);

        if (!jsonOnly) WriteTable(report, output);
        output.WriteLine(ToJson(report));
        return 0;
    }

    /// <summary><c>smartcam view</c> with one MJPEG client and the rest live pages, run from this binary (or, under <c>dotnet</c>, this assembly).</summary>
    private static Process StartViewers(Uri server, string camera, int count)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smartcam.dll"));
        foreach (var a in new[] { "view", "--url", server.ToString(), "--camera", camera, "--mjpeg", "1", "--pages", (count - 1).ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    /// <summary>Waits until <paramref name="count"/> viewers are connected to <paramref name="camera"/>; false when the viewers' process ended or the time ran out.</summary>
    private static bool ViewersConnected(LiveHub hub, string camera, int count, Process viewers, TimeSpan patience)
    {
        var until = Stopwatch.GetTimestamp() + (long)(patience.TotalSeconds * Stopwatch.Frequency);
        while (!viewers.HasExited && Stopwatch.GetTimestamp() < until)
        {
            if (hub.ViewerCounts.FirstOrDefault(c => c.Id == camera).Viewers >= count) return true;
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Ends the viewers (their standard input closes) and reads what each received.</summary>
    private static long[] StopViewers(Process viewers)
    {
        viewers.StandardInput.Close();
        var line = viewers.StandardOutput.ReadToEnd();
        viewers.WaitForExit();
        viewers.Dispose();
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.GetProperty("pictures").EnumerateArray().Select(p => p.GetInt64()).ToArray();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The bare model on a fixed input, nothing else running: the limit the pipeline is judged against.</summary>
    internal static (long P50, long P99) MeasureBare(OnnxDetector detector, DetectorInput input, int runs)
    {
        for (var i = 0; i < 10; i++) detector.Run(input);
        var times = new long[runs];
        for (var i = 0; i < runs; i++)
        {
            var t0 = MonotonicClock.NowNs();
            detector.Run(input);
            times[i] = (MonotonicClock.NowNs() - t0) / 1000;
        }
        Array.Sort(times);
        return (Percentile(times, 0.5), Percentile(times, 0.99));
    }

    /// <summary>
    /// Seconds from this process's start to <paramref name="monotonicNs"/> (CLOCK_MONOTONIC), on the kernel's own clocks:
    /// the start time in /proc/self/stat counts clock ticks on CLOCK_BOOTTIME. <c>Process.StartTime</c> is wall-clock
    /// based, so an NTP step during a run made start-up negative (−1.46 s seen on 2026-12-03).
    /// </summary>
    internal static double SecondsSinceProcessStart(long monotonicNs)
    {
        var stat = File.ReadAllText("/proc/self/stat");
        // Fields after the command name, which is in parentheses and may itself hold spaces or parentheses.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var startTicks = long.Parse(fields[19], CultureInfo.InvariantCulture); // field 22, starttime
        var bootMinusMonotonicNs = MonotonicClock.BoottimeNs() - MonotonicClock.NowNs();
        return (monotonicNs + bootMinusMonotonicNs - startTicks * (1e9 / Libc.ClockTicksPerSecond)) / 1e9;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static long Percentile(long[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>VmHWM: the most resident memory the process has had.</summary>
    public static long PeakRss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    private static void WriteTable(Report r, TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"model {r.Model}, source {r.Source}, pace {r.Pace}: {r.Frames} frames measured after warm-up"));
        o.WriteLine($"provider {r.Provider}: session on {ValidateCommand.DescribeProviders(r.Providers)}");
        o.WriteLine();
        o.WriteLine("stage                    p50 µs     p99 µs     max µs    samples");
        foreach (var (stage, p50, p99, max, count) in r.Stages)
            o.WriteLine(string.Create(c, $"{stage,-20} {p50,10} {p99,10} {max,10} {count,10}"));
        o.WriteLine(string.Create(c, $"{"bare session.Run",-20} {r.BareP50,10} {r.BareP99,10}"));
        o.WriteLine();
        o.WriteLine(string.Create(c, $"throughput             {r.Fps:0.0} fps = {r.ThroughputRatio:0.000} × the bare model's 1/p50 ({1e6 / r.BareP50:0.0} fps)"));
        o.WriteLine(string.Create(c, $"capture→publish p50    {r.LatencyP50Ratio:0.000} × bare p50;  p99 {r.LatencyP99Ratio:0.000} × bare p99"));
        o.WriteLine(string.Create(c, $"allocated per frame    {r.BytesPerFramePipeline:0.###} B on the pipeline threads, {r.BytesPerFrameProcess:0.###} B process-wide"));
        o.WriteLine(string.Create(c, $"allocated in total     capture {r.ThreadBytes.Capture} B, infer {r.ThreadBytes.Infer} B, publish {r.ThreadBytes.Publish} B"));
        o.WriteLine(string.Create(c, $"GCs during the run     gen0 {r.Gcs.Gen0}, gen1 {r.Gcs.Gen1}, gen2 {r.Gcs.Gen2}"));
        o.WriteLine(string.Create(c, $"peak RSS               {r.PeakRssBytes / 1048576.0:0.0} MB"));
        o.WriteLine(string.Create(c, $"start-up to first det. {r.StartupSeconds:0.000} s"));
        o.WriteLine(string.Create(c, $"frames dropped         {r.Dropped} (and {r.Burst} replaced in a burst from a live source)"));
        o.WriteLine(string.Create(c, $"deadline               period {r.PeriodUs} µs, {r.DeadlineMisses} frames published later than one period after capture"));
        o.WriteLine(string.Create(c, $"page faults            process {r.ProcessFaults.Minor} minor, {r.ProcessFaults.Major} major; loop threads {r.LoopFaults.Minor} minor, {r.LoopFaults.Major} major"));
        if (r.ViewerPictures.Length > 0)
            o.WriteLine(string.Create(c, $"live viewers           {r.ViewerPictures.Length} (MJPEG, then pages): pictures received {string.Join(", ", r.ViewerPictures)}"));
        o.WriteLine();
        o.WriteLine("loop lateness            p50 µs     p99 µs   p99.9 µs     max µs");
        foreach (var (loop, p50, p99, p999, max) in r.Lateness)
            o.WriteLine(string.Create(c, $"{loop,-20} {p50,10} {p99,10} {p999,10} {max,10}"));
        o.WriteLine();
    }

    public static string ToJson(Report r)
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream))
        {
            j.WriteStartObject();
            j.WriteString("model", r.Model);
            j.WriteString("provider", r.Provider);
            j.WriteStartArray("providers");
            foreach (var p in r.Providers) j.WriteStringValue(p);
            j.WriteEndArray();
            j.WriteString("source", r.Source);
            j.WriteString("pace", r.Pace);
            j.WriteNumber("frames", r.Frames);
            j.WriteNumber("fps", Math.Round(r.Fps, 2));
            j.WriteStartObject("latency_us");
            foreach (var (stage, p50, p99, max, count) in r.Stages)
            {
                j.WriteStartObject(stage);
                j.WriteNumber("p50", p50);
                j.WriteNumber("p99", p99);
                j.WriteNumber("max", max);
                j.WriteNumber("count", count);
                j.WriteEndObject();
            }
            j.WriteStartObject("bare_session_run");
            j.WriteNumber("p50", r.BareP50);
            j.WriteNumber("p99", r.BareP99);
            j.WriteEndObject();
            j.WriteEndObject();
            j.WriteNumber("latency_p50_ratio", Math.Round(r.LatencyP50Ratio, 4));
            j.WriteNumber("latency_p99_ratio", Math.Round(r.LatencyP99Ratio, 4));
            j.WriteNumber("throughput_ratio", Math.Round(r.ThroughputRatio, 4));
            j.WriteNumber("bytes_per_frame_pipeline", Math.Round(r.BytesPerFramePipeline, 3));
            j.WriteNumber("bytes_per_frame_process", Math.Round(r.BytesPerFrameProcess, 3));
            j.WriteStartObject("bytes_allocated");
            j.WriteNumber("capture", r.ThreadBytes.Capture);
            j.WriteNumber("infer", r.ThreadBytes.Infer);
            j.WriteNumber("publish", r.ThreadBytes.Publish);
            j.WriteEndObject();
            j.WriteStartObject("gc");
            j.WriteNumber("gen0", r.Gcs.Gen0);
            j.WriteNumber("gen1", r.Gcs.Gen1);
            j.WriteNumber("gen2", r.Gcs.Gen2);
            j.WriteEndObject();
            j.WriteNumber("peak_rss_bytes", r.PeakRssBytes);
            j.WriteNumber("startup_s", double.IsNaN(r.StartupSeconds) ? -1 : Math.Round(r.StartupSeconds, 4));
            j.WriteNumber("dropped", r.Dropped);
            j.WriteNumber("burst", r.Burst);
            j.WriteStartObject("deadline");
            j.WriteNumber("period_us", r.PeriodUs);
            j.WriteNumber("misses", r.DeadlineMisses);
            j.WriteEndObject();
            j.WriteStartObject("lateness_us");
            foreach (var (loop, p50, p99, p999, max) in r.Lateness)
            {
                j.WriteStartObject(loop);
                j.WriteNumber("p50", p50);
                j.WriteNumber("p99", p99);
                j.WriteNumber("p999", p999);
                j.WriteNumber("max", max);
                j.WriteEndObject();
            }
            j.WriteEndObject();
            j.WriteStartObject("page_faults");
            j.WriteNumber("minor", r.ProcessFaults.Minor);
            j.WriteNumber("major", r.ProcessFaults.Major);
            j.WriteNumber("loop_minor", r.LoopFaults.Minor);
            j.WriteNumber("loop_major", r.LoopFaults.Major);
            j.WriteEndObject();
            j.WriteStartArray("viewer_pictures");
            foreach (var n in r.ViewerPictures) j.WriteNumberValue(n);
            j.WriteEndArray();
            j.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
