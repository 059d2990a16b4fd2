using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mat = OpenCvSharp.Mat;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Hosting;
using SmartCam.Inference;
using SmartCam.Logging;
using SmartCam.Messaging;

namespace SmartCam.Commands;

/// <summary>
/// <c>smartcam bench</c> for a config with several cameras (docs/benchmarks.md#many-cameras): the configured cameras over a
/// measured window; the capacity (the most copies of the first camera that all keep ≥ 95 % of their frames); fairness with
/// twice that many; and the others' latency when one camera's source goes away. Every run is the real pipeline
/// (<see cref="DetectionPipeline"/>) with file sources looped; windows are marked on the publish thread, which owns the
/// statistics (<see cref="PublishLoop.RunBetweenMessages"/>).
/// </summary>
public static class MultiCameraBench
{
    /// <param name="Seconds">The measured window of the configured run, the overload run and each half of the dying run.</param>
    /// <param name="ProbeSeconds">Each capacity probe's window (never longer than <paramref name="Seconds"/>).</param>
    /// <param name="MaxCameras">The capacity search stops here (the capacity is then "at least").</param>
    public sealed record Options(int Seconds, int WarmupSeconds, int ProbeSeconds, int MaxCameras, int BareRuns, bool JsonOnly);

    /// <summary>A camera must keep this share of its frames for the box to count as keeping up with it.</summary>
    public const double KeepShare = 0.95;

    /// <param name="Dropped">Files: frames it fell behind its nominal rate over the window (files lose no frame, they play late);
    /// live cameras: frames replaced unread (<c>status.dropped</c>).</param>
    public readonly record struct CameraFigures(string Id, string State, double NominalFps, double Fps, long Processed, long Dropped, long P50, long P99, long Max);

    /// <summary>One loop thread's allocations over a window and the frames (or messages) it handled.</summary>
    public readonly record struct ThreadFigures(string Thread, long Bytes, long Frames)
    {
        public double BytesPerFrame => Frames > 0 ? (double)Bytes / Frames : Bytes;
    }

    /// <summary>One measured window; <paramref name="Others"/>: capture→publish pooled over every camera but the excluded one.</summary>
    public sealed record Window(double Seconds, CameraFigures[] Cameras, double[] DetectorLoad, ThreadFigures[] Threads, (int Gen0, int Gen1, int Gen2) Gcs,
        (long P50, long P99, long Max, long Count) Others)
    {
        public double MinFps => Cameras.Min(c => c.Fps);
        public double MaxFps => Cameras.Max(c => c.Fps);
        public bool KeepsUp => Cameras.All(c => c.Fps >= KeepShare * c.NominalFps);
        public long MaxThreadBytes => Threads.Max(t => t.Bytes);
    }

    public readonly record struct Probe(int Cameras, double MinFps, bool Kept);

    public sealed record Report(string Model, string Provider, string Source, int Instances, int ConfiguredCameras, int WarmupSeconds,
        long BareP50, long BareP99, double NominalFps, Window Configured,
        Probe[] Probes, int ProbeSeconds, int Capacity, bool CapacityLimited, double CapacityTarget,
        int OverloadCameras, Window Overload, int DyingCameras, string DyingCamera, Window DyingBefore, Window DyingAfter,
        long ConfiguredPeakRssBytes, long PeakRssBytes)
    {
        public double Fairness => Overload.MaxFps > 0 ? Overload.MinFps / Overload.MaxFps : 0;
        public double DyingP99Change => DyingBefore.Others.P99 > 0 ? (double)(DyingAfter.Others.P99 - DyingBefore.Others.P99) / DyingBefore.Others.P99 : 0;
    }

    /// <summary>Runs the whole benchmark on an already loaded config, detector and bound publisher (all disposed by the caller).</summary>
    public static int Run(SmartCamConfig config, OnnxDetector detector, DetectionPublisher publisher, Options options, TextWriter output)
    {
        using var loggers = LoggerFactory.Create(b => b.AddProvider(ProcessLog.Provider(ProcessLog.BenchFormat)).AddFilter(level => level >= LogLevel.Warning));
        var log = loggers.CreateLogger("SmartCam");
        var instances = config.Model.Instances;
        if (instances > options.MaxCameras)
        {
            Console.Error.WriteLine($"smartcam bench: --max-cameras {options.MaxCameras} is below model.instances ({instances}) of {config.FilePath}: there cannot be more instances than cameras");
            return RunCommand.ExitBadInput;
        }
        var detectors = RunCommand.WithInstances(config, detector);
        try
        {
            var context = new Context(config, detectors, publisher, log, options.WarmupSeconds);

            // 1. The configured cameras, as configured; then the bare model with nothing else running.
            (long P50, long P99) bare = default;
            long configuredRss = 0;
            var configured = context.Measure(config.Cameras.ToArray(), options.Seconds, windows: 1, dying: -1, afterRun: p =>
            {
                configuredRss = BenchCommand.PeakRss();
                bare = BenchCommand.MeasureBare(detectors[0], p.SampleInput, options.BareRuns);
            });
            if (configured is null) return 1;
            var nominal = configured[0].Cameras[0].NominalFps;

            // 2. Capacity: copies of the first camera, galloping up from the fewest the instances allow, then halving the bracket.
            var probeSeconds = Math.Min(options.ProbeSeconds, options.Seconds);
            var probes = new List<Probe>();
            bool Keeps(int n)
            {
                var w = context.Measure(Copies(config, n), probeSeconds, 1, -1);
                if (w is null) return false;
                probes.Add(new Probe(n, w[0].MinFps, w[0].KeepsUp));
                return w[0].KeepsUp;
            }
            int kept = instances - 1, failed = -1;
            for (var n = instances; ; n = Math.Min(n * 2, options.MaxCameras))
            {
                if (!Keeps(n)) { failed = n; break; }
                kept = n;
                if (n == options.MaxCameras) break;
            }
            while (failed > 0 && failed - kept > 1)
            {
                var mid = (kept + failed) / 2;
                if (Keeps(mid)) kept = mid;
                else failed = mid;
            }
            var capacity = kept;

            // 3. Fairness under 2× overload.
            var overloadCameras = Math.Max(Math.Max(2, instances), 2 * capacity);
            var overload = context.Measure(Copies(config, overloadCameras), options.Seconds, 1, -1);
            if (overload is null) return 1;

            // 4. One camera dying: the last copy's file goes away at the end of the first window; the second window starts then.
            // capacity − 1 cameras: at the capacity itself a noisy machine tips the "before" window into overload, and the
            // change would measure that rather than the death.
            var dyingCameras = Math.Max(Math.Max(2, instances), capacity - 1);
            var dying = context.Measure(Copies(config, dyingCameras), options.Seconds, 2, dying: dyingCameras - 1);
            if (dying is null) return 1;

            var report = new Report(detector.Name, ExecutionProviders.ConfigName(detector.Provider), FfmpegPipeSource.Redact(config.Camera.Source), instances,
                config.Cameras.Count, options.WarmupSeconds, bare.P50, bare.P99, nominal, configured[0],
                probes.ToArray(), probeSeconds, capacity, failed < 0, nominal > 0 ? 0.9 * (1e6 / bare.P50) / nominal : 0,
                overloadCameras, overload[0], dyingCameras, $"cam{dyingCameras - 1}", dying[0], dying[1], configuredRss, BenchCommand.PeakRss());
            if (!options.JsonOnly) WriteTable(report, output);
            output.WriteLine(ToJson(report));
            return 0;
        }
        finally
        {
            for (var i = 1; i < detectors.Length; i++) detectors[i].Dispose();
        }
    }

    /// <summary>N cameras made by repeating the first camera (its source and scene), with ids cam0..camN-1.</summary>
    private static CameraConfig[] Copies(SmartCamConfig config, int n) =>
        Enumerable.Range(0, n).Select(i => config.Camera with { Id = $"cam{i}" }).ToArray();

    private sealed class Context(SmartCamConfig config, OnnxDetector[] detectors, DetectionPublisher publisher, ILogger log, int warmupSeconds)
    {
        /// <summary>
        /// Runs <paramref name="cameras"/> through the pipeline: a warm-up, then <paramref name="windows"/> windows of
        /// <paramref name="seconds"/> back to back. With <paramref name="dying"/> ≥ 0 that camera's source goes away as the
        /// first window ends, and <see cref="Window.Others"/> leaves it out. Null when the pipeline could not run (said on stderr).
        /// </summary>
        public Window[]? Measure(CameraConfig[] cameras, int seconds, int windows, int dying, Action<DetectionPipeline>? afterRun = null)
        {
            var runConfig = config with { Cameras = cameras };
            if (!RunCommand.TryOpenOutputs(runConfig, null, log, out var outputs)) return null;
            using var closeOutputs = outputs;
            var sources = cameras.Select(FrameSources.Create).ToArray();
            GoneSource? gone = null;
            if (dying >= 0) sources[dying] = gone = new GoneSource(sources[dying], cameras[dying].Location);
            var result = new Window[windows];
            using (var pipeline = new DetectionPipeline(runConfig, detectors, publisher, sources, log, outputs: outputs))
            {
                using var stop = new CancellationTokenSource();
                var thread = new Thread(() => pipeline.Run(stop.Token)) { Name = "sc-infer" };
                thread.Start();
                var marks = new Marks();
                stop.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(warmupSeconds));
                var begin = marks.Take(pipeline, reset: true, excluded: dying);
                for (var w = 0; w < windows; w++)
                {
                    Thread.Sleep(TimeSpan.FromSeconds(seconds));
                    var end = marks.Take(pipeline, reset: false, excluded: dying);
                    if (w == 0) gone?.Go();
                    // The next window starts at once, with fresh latencies.
                    var next = w + 1 < windows ? marks.Take(pipeline, reset: true, excluded: dying) : null;
                    result[w] = Figures(pipeline, cameras, begin, end);
                    if (next is not null) begin = next;
                }
                var running = thread.IsAlive;
                stop.Cancel();
                thread.Join();
                if (!running)
                {
                    Console.Error.WriteLine($"smartcam bench: the pipeline with {cameras.Length} cameras ended before its window did (see the log above)");
                    return null;
                }
                // Closed before the bare model is timed: their watchdog would only report the stopped cameras.
                outputs?.Dispose();
                afterRun?.Invoke(pipeline);
            }
            return result;
        }
    }

    /// <summary>What a window needs at its edges, taken on the publish thread into arrays made beforehand (no allocation there).</summary>
    private sealed class Marks
    {
        private readonly LatencyHistogram _others = new();

        public Snapshot Take(DetectionPipeline p, bool reset, int excluded)
        {
            var s = new Snapshot(p.Cameras.Count, p.Inference.Count);
            p.Publishing.RunBetweenMessages(() => s.Fill(p, reset, excluded, _others));
            return s;
        }
    }

    private sealed class Snapshot(int cameras, int instances)
    {
        public long Ns;
        public readonly long[] Processed = new long[cameras], Frames = new long[cameras], Dropped = new long[cameras], CaptureBytes = new long[cameras];
        public readonly long[] P50 = new long[cameras], P99 = new long[cameras], Max = new long[cameras];
        public readonly long[] Inferred = new long[instances], BusyNs = new long[instances], InferBytes = new long[instances];
        public long PublishBytes, Published;
        public int Gen0, Gen1, Gen2;
        public (long P50, long P99, long Max, long Count) Others;

        /// <summary>On the publish thread: the counters, the latencies so far, and (<paramref name="reset"/>) a fresh start for them.</summary>
        public void Fill(DetectionPipeline p, bool reset, int excluded, LatencyHistogram others)
        {
            Ns = MonotonicClock.NowNs();
            others.Reset();
            for (var i = 0; i < p.Cameras.Count; i++)
            {
                var camera = p.Cameras[i];
                var stats = camera.Stats;
                Processed[i] = stats.Processed;
                Frames[i] = camera.Capture.Frames;
                Dropped[i] = camera.Capture.Dropped;
                CaptureBytes[i] = camera.Capture.AllocatedBytes;
                var h = stats.CaptureToPublish;
                (P50[i], P99[i], Max[i]) = (h.Percentile(0.5), h.Percentile(0.99), h.Max);
                if (i != excluded) others.Add(h);
                if (reset) stats.ResetLatencies();
            }
            Others = (others.Percentile(0.5), others.Percentile(0.99), others.Max, others.Count);
            for (var i = 0; i < p.Inference.Count; i++)
            {
                var c = p.Inference[i].Counters;
                (Inferred[i], BusyNs[i], InferBytes[i]) = (c.Frames, c.BusyNs, p.Inference[i].AllocatedBytes);
            }
            (PublishBytes, Published) = (p.Publishing.AllocatedBytes, p.Publishing.Processed);
            (Gen0, Gen1, Gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        }
    }

    private static Window Figures(DetectionPipeline p, CameraConfig[] cameras, Snapshot b, Snapshot e)
    {
        var seconds = (e.Ns - b.Ns) / 1e9;
        var figures = new CameraFigures[cameras.Length];
        var threads = new List<ThreadFigures>();
        for (var i = 0; i < cameras.Length; i++)
        {
            var period = p.Cameras[i].Capture.PeriodNs;
            var nominal = period > 0 ? 1e9 / period : 0;
            var processed = e.Processed[i] - b.Processed[i];
            var dropped = cameras[i].IsLive || nominal == 0
                ? e.Dropped[i] - b.Dropped[i]
                : Math.Max(0, (long)Math.Round(nominal * seconds) - processed);
            figures[i] = new CameraFigures(cameras[i].Id, p.Cameras[i].Capture.State, nominal, processed / seconds, processed, dropped, e.P50[i], e.P99[i], e.Max[i]);
            threads.Add(new ThreadFigures($"capture.{cameras[i].Id}", e.CaptureBytes[i] - b.CaptureBytes[i], e.Frames[i] - b.Frames[i]));
        }
        var load = new double[b.Inferred.Length];
        for (var i = 0; i < load.Length; i++)
        {
            load[i] = (e.BusyNs[i] - b.BusyNs[i]) / (e.Ns - (double)b.Ns);
            threads.Add(new ThreadFigures(load.Length == 1 ? "infer" : $"infer.{i}", e.InferBytes[i] - b.InferBytes[i], e.Inferred[i] - b.Inferred[i]));
        }
        threads.Add(new ThreadFigures("publish", e.PublishBytes - b.PublishBytes, e.Published - b.Published));
        return new Window(seconds, figures, load, threads.ToArray(), (e.Gen0 - b.Gen0, e.Gen1 - b.Gen1, e.Gen2 - b.Gen2), e.Others);
    }

    /// <summary>
    /// A file camera whose file goes away: once <see cref="Go"/> was called, the next read is the end of the file and the
    /// file cannot be opened again, so the capture loop's next pass (loop: true) fails to reopen it, as when the file was
    /// deleted: the camera is then <c>failed</c>, its lane drains, and the other cameras run on.
    /// </summary>
    private sealed class GoneSource(IFrameSource inner, string path) : IFrameSource
    {
        private volatile bool _gone;

        public void Go() => _gone = true;

        public void Open()
        {
            if (_gone) throw new SourceException($"{path}: no such file (smartcam bench removed this camera's file)");
            inner.Open();
        }

        public ReadResult Read(Mat into) => _gone ? ReadResult.End : inner.Read(into);
        public bool TryRewind() => !_gone && inner.TryRewind();
        public long LastWaitNs => inner.LastWaitNs;
        public long DamagedFrames => inner.DamagedFrames;
        public double Fps => inner.Fps;
        public long PositionNs => inner.PositionNs;
        public void Interrupt() => inner.Interrupt();
        public void Dispose() => inner.Dispose();
    }

    private static string Ms(long us) => (us / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static void WriteTable(Report r, TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"model {r.Model}, provider {r.Provider}, {r.Instances} detector instance(s); bare session.Run p50 {Ms(r.BareP50)} ms, p99 {Ms(r.BareP99)} ms ({1e6 / r.BareP50:0.0} fps)"));
        o.WriteLine(string.Create(c, $"{r.ConfiguredCameras} configured cameras, {r.Configured.Seconds:0.0} s measured after {r.WarmupSeconds} s warm-up:"));
        o.WriteLine();
        WriteCameras(r.Configured, o);
        o.WriteLine(string.Create(c, $"detector load          {string.Join(", ", r.Configured.DetectorLoad.Select(l => (l * 100).ToString("0.0", c) + " %"))}"));
        o.WriteLine(string.Create(c, $"bytes per frame        {string.Join(", ", r.Configured.Threads.Select(t => $"{t.Thread} {t.BytesPerFrame.ToString("0.###", c)}"))}"));
        o.WriteLine(string.Create(c, $"GCs in the window      gen0 {r.Configured.Gcs.Gen0}, gen1 {r.Configured.Gcs.Gen1}, gen2 {r.Configured.Gcs.Gen2}"));
        o.WriteLine(string.Create(c, $"peak RSS               {r.ConfiguredPeakRssBytes / 1048576.0:0.0} MB with the configured cameras ({r.PeakRssBytes / 1048576.0:0.0} MB over the whole bench)"));
        o.WriteLine("dropped: files lose no frame, they play late: nominal fps × window − processed; live cameras: frames replaced unread");
        o.WriteLine();
        o.WriteLine(string.Create(c, $"capacity               {(r.CapacityLimited ? "at least " : "")}{r.Capacity} cameras like the first keep ≥ {KeepShare * 100:0} % of their {r.NominalFps:0.##} fps ({r.ProbeSeconds} s probes: {string.Join(", ", r.Probes.Select(p => $"{p.Cameras} {(p.Kept ? "kept" : "not")} min {p.MinFps.ToString("0.00", c)}"))})"));
        o.WriteLine(string.Create(c, $"  target               ≥ 0.9 × {1e6 / r.BareP50:0.0} fps / {r.NominalFps:0.##} fps = {r.CapacityTarget:0.00}: {(r.Capacity >= r.CapacityTarget ? "met" : "not met")}"));
        o.WriteLine(string.Create(c, $"fairness at 2×         {r.OverloadCameras} cameras, {r.Overload.Seconds:0.0} s: min {r.Overload.MinFps:0.00} fps, max {r.Overload.MaxFps:0.00} fps, min/max {r.Fairness:0.000} (target ≥ 0.9: {(r.Fairness >= 0.9 ? "met" : "not met")}); detector load {r.Overload.DetectorLoad.Sum() * 100:0.0} %"));
        o.WriteLine(string.Create(c, $"one camera dying       {r.DyingCameras} cameras, {r.DyingCamera}'s file removed: the others' capture→publish p99 {Ms(r.DyingBefore.Others.P99)} → {Ms(r.DyingAfter.Others.P99)} ms ({r.DyingP99Change * 100:+0.0;-0.0;0.0} %, target within ±10 %: {(Math.Abs(r.DyingP99Change) < 0.1 ? "met" : "not met")}), p50 {Ms(r.DyingBefore.Others.P50)} → {Ms(r.DyingAfter.Others.P50)} ms, max {Ms(r.DyingBefore.Others.Max)} → {Ms(r.DyingAfter.Others.Max)} ms; {r.DyingCamera} {r.DyingAfter.Cameras[^1].State}"));
        o.WriteLine(string.Create(c, $"  others' fps          before min {MinOthers(r.DyingBefore):0.00}, after min {MinOthers(r.DyingAfter):0.00}"));
        o.WriteLine();
    }

    private static double MinOthers(Window w) => w.Cameras[..^1].Min(c => c.Fps);

    private static void WriteCameras(Window w, TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine("camera           fps  processed  dropped   c→p p50 ms   p99 ms   max ms  state");
        foreach (var x in w.Cameras)
            o.WriteLine(string.Create(c, $"{x.Id,-12} {x.Fps,7:0.00} {x.Processed,10} {x.Dropped,8} {Ms(x.P50),12} {Ms(x.P99),8} {Ms(x.Max),8}  {x.State}"));
    }

    public static string ToJson(Report r)
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream))
        {
            j.WriteStartObject();
            j.WriteString("model", r.Model);
            j.WriteString("provider", r.Provider);
            j.WriteString("source", r.Source);
            j.WriteNumber("instances", r.Instances);
            j.WriteStartObject("bare_session_run_us");
            j.WriteNumber("p50", r.BareP50);
            j.WriteNumber("p99", r.BareP99);
            j.WriteEndObject();
            j.WriteNumber("nominal_fps", Math.Round(r.NominalFps, 3));
            j.WriteNumber("warmup_s", r.WarmupSeconds);
            j.WriteNumber("peak_rss_bytes_configured", r.ConfiguredPeakRssBytes);
            j.WriteNumber("peak_rss_bytes", r.PeakRssBytes);
            j.WritePropertyName("configured");
            WriteWindow(j, r.Configured);
            j.WriteStartObject("capacity");
            j.WriteNumber("cameras", r.Capacity);
            j.WriteBoolean("limited", r.CapacityLimited);
            j.WriteNumber("target", Math.Round(r.CapacityTarget, 3));
            j.WriteBoolean("met", r.Capacity >= r.CapacityTarget);
            j.WriteNumber("probe_s", r.ProbeSeconds);
            j.WriteStartArray("probes");
            foreach (var p in r.Probes)
            {
                j.WriteStartObject();
                j.WriteNumber("cameras", p.Cameras);
                j.WriteNumber("min_fps", Math.Round(p.MinFps, 3));
                j.WriteBoolean("kept", p.Kept);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
            j.WriteStartObject("overload");
            j.WriteNumber("cameras", r.OverloadCameras);
            j.WriteNumber("min_fps", Math.Round(r.Overload.MinFps, 3));
            j.WriteNumber("max_fps", Math.Round(r.Overload.MaxFps, 3));
            j.WriteNumber("fairness", Math.Round(r.Fairness, 4));
            j.WriteBoolean("met", r.Fairness >= 0.9);
            j.WritePropertyName("window");
            WriteWindow(j, r.Overload);
            j.WriteEndObject();
            j.WriteStartObject("camera_dying");
            j.WriteNumber("cameras", r.DyingCameras);
            j.WriteString("camera", r.DyingCamera);
            j.WriteNumber("others_p99_before_us", r.DyingBefore.Others.P99);
            j.WriteNumber("others_p99_after_us", r.DyingAfter.Others.P99);
            j.WriteNumber("others_p99_change", Math.Round(r.DyingP99Change, 4));
            j.WriteBoolean("met", Math.Abs(r.DyingP99Change) < 0.1);
            j.WriteNumber("others_p50_before_us", r.DyingBefore.Others.P50);
            j.WriteNumber("others_p50_after_us", r.DyingAfter.Others.P50);
            j.WriteNumber("others_max_before_us", r.DyingBefore.Others.Max);
            j.WriteNumber("others_max_after_us", r.DyingAfter.Others.Max);
            j.WriteNumber("others_min_fps_before", Math.Round(MinOthers(r.DyingBefore), 3));
            j.WriteNumber("others_min_fps_after", Math.Round(MinOthers(r.DyingAfter), 3));
            j.WriteString("state_after", r.DyingAfter.Cameras[^1].State);
            j.WriteEndObject();
            j.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteWindow(Utf8JsonWriter j, Window w)
    {
        j.WriteStartObject();
        j.WriteNumber("window_s", Math.Round(w.Seconds, 3));
        j.WriteStartArray("cameras");
        foreach (var x in w.Cameras)
        {
            j.WriteStartObject();
            j.WriteString("id", x.Id);
            j.WriteString("state", x.State);
            j.WriteNumber("fps", Math.Round(x.Fps, 3));
            j.WriteNumber("nominal_fps", Math.Round(x.NominalFps, 3));
            j.WriteNumber("processed", x.Processed);
            j.WriteNumber("dropped", x.Dropped);
            j.WriteStartObject("capture_to_publish_us");
            j.WriteNumber("p50", x.P50);
            j.WriteNumber("p99", x.P99);
            j.WriteNumber("max", x.Max);
            j.WriteEndObject();
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteNumber("min_fps", Math.Round(w.MinFps, 3));
        j.WriteNumber("max_fps", Math.Round(w.MaxFps, 3));
        j.WriteStartArray("detector_load");
        foreach (var l in w.DetectorLoad) j.WriteNumberValue(Math.Round(l, 4));
        j.WriteEndArray();
        j.WriteStartObject("bytes_per_frame");
        foreach (var t in w.Threads) j.WriteNumber(t.Thread, Math.Round(t.BytesPerFrame, 3));
        j.WriteEndObject();
        j.WriteStartObject("bytes_allocated");
        foreach (var t in w.Threads) j.WriteNumber(t.Thread, t.Bytes);
        j.WriteEndObject();
        j.WriteStartObject("gc");
        j.WriteNumber("gen0", w.Gcs.Gen0);
        j.WriteNumber("gen1", w.Gcs.Gen1);
        j.WriteNumber("gen2", w.Gcs.Gen2);
        j.WriteEndObject();
        j.WriteEndObject();
    }
}
