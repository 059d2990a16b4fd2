using Microsoft.Extensions.Logging;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Hosting;
using SmartCam.Messaging;

namespace SmartCam.Commands.Bench;

/// <summary>
/// Runs one set of cameras through the real pipeline (<see cref="DetectionPipeline"/>, file sources looped) and measures
/// it over time windows. Windows are marked on the publish thread, which owns the statistics
/// (<see cref="PublishLoop.RunBetweenMessages"/>).
/// </summary>
internal sealed class MultiCameraHarness(Appliance appliance, ILogger log, int warmupSeconds, BenchProgress progress)
{
    /// <summary>
    /// Runs <paramref name="cameras"/> through the pipeline: a warm-up, then <paramref name="windows"/> windows of
    /// <paramref name="seconds"/> back to back. With <paramref name="dying"/> ≥ 0 that camera's source goes away as the
    /// first window ends, and <see cref="Window.Others"/> leaves it out. Null when the pipeline could not run (said on stderr).
    /// </summary>
    /// <param name="phase">What the run is, for the progress line (<see cref="BenchProgress"/>).</param>
    /// <param name="curves">Keep each camera's capture→publish distribution of the first window (<see cref="Window.Curves"/>, for --plot).</param>
    public Window[]? Measure(string phase, CameraConfig[] cameras, int seconds, int windows, int dying, Action<DetectionPipeline>? afterRun = null, bool curves = false)
    {
        var runConfig = appliance.Config with { Cameras = cameras };
        if (!Appliance.TryOpenOutputs(runConfig, null, log, out var outputs)) return null;
        using var closeOutputs = outputs;
        var sources = cameras.Select(FrameSources.Create).ToArray();
        GoneSource? gone = null;
        if (dying >= 0) sources[dying] = gone = new GoneSource(sources[dying], cameras[dying].Location);
        var result = new Window[windows];
        using (var pipeline = appliance.CreatePipeline(runConfig, sources, outputs, log))
        {
            using var stop = new CancellationTokenSource();
            var thread = new Thread(() => pipeline.Run(stop.Token)) { Name = "sc-infer" };
            thread.Start();
            var marks = new Marks(curves ? cameras.Length : 0);
            progress.Sleep($"{phase}, warm-up", warmupSeconds, () => pipeline.Publishing.Processed);
            var begin = marks.Take(pipeline, reset: true, excluded: dying);
            for (var w = 0; w < windows; w++)
            {
                progress.Sleep(windows > 1 ? $"{phase}, window {w + 1} of {windows}" : phase, seconds, () => pipeline.Publishing.Processed);
                var end = marks.Take(pipeline, reset: false, excluded: dying);
                if (w == 0) gone?.Go();
                // The next window starts at once, with fresh latencies.
                var next = w + 1 < windows ? marks.Take(pipeline, reset: true, excluded: dying) : null;
                result[w] = Figures(pipeline, cameras, begin, end);
                if (w == 0 && curves)
                    result[w] = result[w] with { Curves = cameras.Select((c, i) => LatencyCurve.From(LatencyCurve.CameraLabel(c.Id, pipeline.Cameras[i].Results.Items), marks.Latencies[i])).ToArray() };
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

    /// <summary>What a window needs at its edges, taken on the publish thread into arrays made beforehand (no allocation there).</summary>
    /// <param name="keep">Cameras whose latencies are copied at each mark that does not reset them (0: none).</param>
    private sealed class Marks(int keep)
    {
        private readonly LatencyHistogram _others = new();

        /// <summary>Each kept camera's capture→publish latencies at the last mark that did not reset them: a window's.</summary>
        public readonly LatencyHistogram[] Latencies = Enumerable.Range(0, keep).Select(_ => new LatencyHistogram()).ToArray();

        public Snapshot Take(DetectionPipeline p, bool reset, int excluded)
        {
            var s = new Snapshot(p.Cameras.Count, p.Inference.Count);
            var keep = reset ? [] : Latencies;
            p.Publishing.RunBetweenMessages(() => s.Fill(p, reset, excluded, _others, keep));
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
        /// <param name="keep">Copied into, per camera (histograms made beforehand: the copy allocates nothing).</param>
        public void Fill(DetectionPipeline p, bool reset, int excluded, LatencyHistogram others, LatencyHistogram[] keep)
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
                if (i < keep.Length)
                {
                    keep[i].Reset();
                    keep[i].Add(h);
                }
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
}
