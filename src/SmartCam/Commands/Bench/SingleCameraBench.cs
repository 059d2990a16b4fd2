using Microsoft.Extensions.Logging;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Hosting;
using SmartCam.Logging;

namespace SmartCam.Commands.Bench;

/// <summary>
/// <c>smartcam bench</c> for a single camera: runs the configured pipeline for a number of frames after a warm-up and
/// reports what users size hardware by: throughput, per-stage and end-to-end latency, the model's bare
/// <c>session.Run</c> time on a fixed input in the same process (the limit), allocations, GCs, peak memory and start-up
/// time; with --viewers, while that many live viewers watch.
/// </summary>
public static class SingleCameraBench
{
    /// <param name="Frames">Frames measured after the warm-up.</param>
    /// <param name="Warmup">Frames run before measuring.</param>
    /// <param name="Viewers">Live viewers connected during the run (0: no HTTP server unless configured).</param>
    /// <param name="BareRuns">Bare session.Run calls timed on a fixed input.</param>
    /// <param name="Plot">--plot: where the capture→publish distribution is drawn (<see cref="BenchPlot"/>); null: not drawn.</param>
    /// <param name="ReloadEveryMs">Reload the scene this often during the measured frames (0: never): what a live reload costs the loop.</param>
    public sealed record Options(int Frames, int Warmup, int Viewers, int BareRuns, string? Plot = null, int ReloadEveryMs = 0);

    /// <summary>Runs the bench on an already loaded appliance (config, detector, bound publisher; disposed by the caller).</summary>
    public static int Run(Appliance appliance, Options options, bool jsonOnly, TextWriter output)
    {
        var (config, detector) = (appliance.Config, appliance.Detector);
        var (frames, warmup, viewers, bareRuns) = (options.Frames, options.Warmup, options.Viewers, options.BareRuns);
        using var loggers = LoggerFactory.Create(b => b.AddProvider(ProcessLog.Provider(ProcessLog.BenchFormat)).AddFilter(level => level >= LogLevel.Warning));
        var log = loggers.CreateLogger("SmartCam");
        // MQTT too when configured: the bench with its broker stopped shows what a dead broker costs the loop (docs/mqtt.md#the-loop).
        if (!appliance.TryOpenOutputs(log) || !appliance.TryStartHttp(log) || !appliance.TryStartMqtt(log) || !appliance.TryStartSnapshots(log))
            return RunCommand.ExitBadInput;

        SingleCameraReport report;
        LatencyCurve? curve = null;
        System.Diagnostics.Process? watching = null;
        if (appliance is { Web: { } web, Hub: { } hub })
        {
            watching = BenchViewers.Start(web.Address!, config.Camera.Id, viewers);
            // Every viewer connected before the first frame, so every measured frame is served to all of them.
            if (!BenchViewers.Connected(hub, config.Camera.Id, viewers, watching, TimeSpan.FromSeconds(60)))
            {
                var connected = hub.ViewerCounts.FirstOrDefault(c => c.Id == config.Camera.Id).Viewers;
                Console.Error.WriteLine($"smartcam bench: {connected} of {viewers} live viewers connected to {web.Address} within 60 s{(watching.HasExited ? $" (smartcam view exited with {watching.ExitCode})" : "")}");
                if (!watching.HasExited) watching.Kill(entireProcessTree: true);
                watching.WaitForExit();
                return 1;
            }
        }
        // Made before the pipeline: its status.box counts the reloads.
        var reload = options.ReloadEveryMs > 0 ? new LiveReload(appliance, log) : null;
        appliance.Reloads = reload?.Counters;
        // Made once the viewers are in, as the measured run starts.
        var pipeline = appliance.CreatePipeline(log);
        {
            var exit = 0;
            var thread = new Thread(() => exit = pipeline.Run(CancellationToken.None)) { Name = "sc-infer" };
            thread.Start();
            var finished = false;
            var progress = BenchProgress.ForStderr();
            progress.Begin("warm-up", warmup, "frames");
            while (!pipeline.Publishing.WarmedUp.Wait(BenchProgress.Poll))
            {
                progress.Update(pipeline.Publishing.Processed);
                if (!thread.IsAlive) { finished = true; break; }
            }
            progress.Update(Math.Min(warmup, pipeline.Publishing.Processed));
            progress.End();
            progress.Begin("pipeline", frames, "frames");
            var startAlloc = pipeline.AllocatedBytes;
            var startProcess = GC.GetTotalAllocatedBytes(precise: true);
            int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
            var startFaults = Libc.PageFaults(Libc.RusageSelf);
            var startLoopFaults = pipeline.LoopPageFaults;
            using var reloading = reload is null ? null : BenchReloads.Start(reload, options.ReloadEveryMs);
            if (progress.Enabled)
                while (!thread.Join(BenchProgress.Poll)) progress.Update(pipeline.Publishing.Processed - warmup);
            thread.Join();
            // As the measured frames end: reloads after them would be counted and never switched to.
            var reloads = reloading?.Stop(pipeline.Cameras[0].Scene?.Switches ?? 0);
            progress.Update(pipeline.Publishing.Processed - warmup);
            progress.End();
            if (finished || exit != 0 || pipeline.Stats.Processed < warmup + frames)
            {
                Console.Error.WriteLine($"smartcam bench: the pipeline ended after {pipeline.Stats.Processed} of {warmup + frames} frames");
                return 1;
            }

            var endAlloc = pipeline.AllocatedBytes;
            var end = pipeline.EndSnapshot;
            var bare = BenchFigures.MeasureBare(detector, pipeline.SampleInput, bareRuns, progress);
            var s = pipeline.Stats;
            var measured = s.Processed - warmup;
            var seconds = (pipeline.Publishing.LastPublishedNs - pipeline.Publishing.WarmedUpAtNs) / 1e9;
            var fps = measured / seconds;
            var pipelineBytes = (endAlloc.Capture - startAlloc.Capture) + (endAlloc.Infer - startAlloc.Infer) + (endAlloc.Publish - startAlloc.Publish);
            var startup = pipeline.Publishing.FirstPublishedNs > 0 ? BenchFigures.SecondsSinceProcessStart(pipeline.Publishing.FirstPublishedNs) : double.NaN;
            report = new SingleCameraReport(
                detector.Name, YamlEnums.Provider.NameOf(detector.Provider), detector.Providers, FfmpegPipeSource.Redact(config.Camera.Source), YamlEnums.Pace.NameOf(config.Camera.Pace), measured, fps,
                s.Stages.Select(x => (x.Name, x.Histogram.Percentile(0.5), x.Histogram.Percentile(0.99), x.Histogram.Max, x.Histogram.Count)).ToArray(),
                bare.P50, bare.P99,
                (double)s.CaptureToPublish.Percentile(0.5) / bare.P50, (double)s.CaptureToPublish.Percentile(0.99) / bare.P99,
                fps / (1e6 / bare.P50),
                (double)pipelineBytes / measured, (double)(end.AllocatedBytes - startProcess) / measured,
                (endAlloc.Capture - startAlloc.Capture, endAlloc.Infer - startAlloc.Infer, endAlloc.Publish - startAlloc.Publish),
                (end.Gen0 - g0, end.Gen1 - g1, end.Gen2 - g2), BenchFigures.PeakRss(), startup, s.Dropped, s.Burst,
                s.PeriodUs, s.DeadlineMisses,
                s.Loops.Select(x => (x.Name, x.Histogram.Percentile(0.5), x.Histogram.Percentile(0.99), x.Histogram.Percentile(0.999), x.Histogram.Max)).ToArray(),
                (end.PageFaults.Minor - startFaults.Minor, end.PageFaults.Major - startFaults.Major),
                (pipeline.LoopPageFaults.Minor - startLoopFaults.Minor, pipeline.LoopPageFaults.Major - startLoopFaults.Major));
            if (watching is not null) report = report with { ViewerPictures = BenchViewers.Stop(watching) };
            if (reloads is not null) report = report with { Reloads = reloads };
            if (options.Plot is not null)
                curve = LatencyCurve.From(LatencyCurve.CameraLabel(config.Camera.Id, pipeline.Cameras[0].Results.Items), s.CaptureToPublish);
        }
        // Closed before the report is written, as the measured run's end.
        appliance.Dispose();
        // After the close, which writes what sc-snapshot was still handed: the whole run's pictures, warm-up included.
        if (appliance.Snapshots is { } snapshots) report = report with { Snapshots = snapshots.Counters };

        BenchReportWriter.Write(report, jsonOnly, output);
        if (options.Plot is { } plot && curve is not null && !BenchPlot.TryWrite(plot,
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"capture→publish latency: {Path.GetFileName(config.FilePath)}, {report.Frames} frames"),
                [curve], report.BareP50, report.BareP99, Console.Error))
            return 1;
        return 0;
    }
}
