using Microsoft.Extensions.Logging;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Hosting;
using SmartCam.Logging;

namespace SmartCam.Commands.Bench;

/// <summary>
/// <c>smartcam bench</c> for a config with several cameras (docs/benchmarks.md#many-cameras): the configured cameras over a
/// measured window; the capacity (the most copies of the first camera that all keep ≥ 95 % of their frames); fairness with
/// twice that many; and the others' latency when one camera's source goes away. Which cameras each run has:
/// <see cref="MultiCameraPlan"/>; how a run is measured: <see cref="MultiCameraHarness"/>; the fault: <see cref="GoneSource"/>.
/// </summary>
public static class MultiCameraBench
{
    /// <param name="Seconds">The measured window of the configured run, the overload run and each half of the dying run.</param>
    /// <param name="ProbeSeconds">Each capacity probe's window (never longer than <paramref name="Seconds"/>).</param>
    /// <param name="MaxCameras">The capacity search stops here (the capacity is then "at least").</param>
    /// <param name="Plot">--plot: where the configured cameras' capture→publish distributions are drawn; null: not drawn.</param>
    public sealed record Options(int Seconds, int WarmupSeconds, int ProbeSeconds, int MaxCameras, int BareRuns, string? Plot = null);

    /// <summary>Runs the whole benchmark on an already loaded appliance: config, detector instances and bound publisher (disposed by the caller).</summary>
    public static int Run(Appliance appliance, Options options, bool jsonOnly, TextWriter output)
    {
        var (config, detector) = (appliance.Config, appliance.Detector);
        using var loggers = LoggerFactory.Create(b => b.AddProvider(ProcessLog.Provider(ProcessLog.BenchFormat)).AddFilter(level => level >= LogLevel.Warning));
        var log = loggers.CreateLogger("SmartCam");
        var instances = config.Model.Instances;
        if (instances > options.MaxCameras)
        {
            Console.Error.WriteLine($"smartcam bench: --max-cameras {options.MaxCameras} is below model.instances ({instances}) of {config.FilePath}: there cannot be more instances than cameras");
            return RunCommand.ExitBadInput;
        }
        {
            var progress = BenchProgress.ForStderr();
            var harness = new MultiCameraHarness(appliance, log, options.WarmupSeconds, progress);

            // 1. The configured cameras, as configured; then the bare model with nothing else running.
            (long P50, long P99) bare = default;
            long configuredRss = 0;
            var configured = harness.Measure($"{Cameras(config.Cameras.Count)} as configured", config.Cameras.ToArray(), options.Seconds, windows: 1, dying: -1, afterRun: p =>
            {
                configuredRss = BenchFigures.PeakRss();
                bare = BenchFigures.MeasureBare(detector, p.SampleInput, options.BareRuns, progress);
            }, curves: options.Plot is not null);
            if (configured is null) return 1;
            var nominal = configured[0].Cameras[0].NominalFps;

            // 2. Capacity: copies of the first camera.
            var probeSeconds = Math.Min(options.ProbeSeconds, options.Seconds);
            var probes = new List<Probe>();
            bool Keeps(int n)
            {
                var w = harness.Measure($"probe {Cameras(n)}", MultiCameraPlan.Copies(config, n), probeSeconds, 1, -1);
                if (w is null) return false;
                probes.Add(new Probe(n, w[0].MinFps, w[0].KeepsUp));
                return w[0].KeepsUp;
            }
            var (capacity, limited) = MultiCameraPlan.SearchCapacity(instances, options.MaxCameras, Keeps);

            // 3. Fairness under 2× overload.
            var overloadCameras = MultiCameraPlan.OverloadCameras(instances, capacity);
            var overload = harness.Measure($"overload {Cameras(overloadCameras)}", MultiCameraPlan.Copies(config, overloadCameras), options.Seconds, 1, -1);
            if (overload is null) return 1;

            // 4. One camera dying: the last copy's file goes away at the end of the first window; the second window starts then.
            var dyingCameras = MultiCameraPlan.DyingCameras(instances, capacity);
            var dying = harness.Measure($"one of {Cameras(dyingCameras)} dying", MultiCameraPlan.Copies(config, dyingCameras), options.Seconds, 2, dying: dyingCameras - 1);
            if (dying is null) return 1;

            var report = new MultiCameraReport(detector.Name, YamlEnums.Provider.NameOf(detector.Provider), FfmpegPipeSource.Redact(config.Camera.Source), instances,
                config.Cameras.Count, options.WarmupSeconds, bare.P50, bare.P99, nominal, configured[0],
                probes.ToArray(), probeSeconds, capacity, limited, nominal > 0 ? 0.9 * (1e6 / bare.P50) / nominal : 0,
                overloadCameras, overload[0], dyingCameras, $"cam{dyingCameras - 1}", dying[0], dying[1], configuredRss, BenchFigures.PeakRss());
            BenchReportWriter.Write(report, jsonOnly, output);
            if (options.Plot is { } plot && !BenchPlot.TryWrite(plot,
                    string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"capture→publish latency: {Path.GetFileName(config.FilePath)}, {config.Cameras.Count} cameras, {configured[0].Cameras.Sum(c => c.Processed)} frames in {options.Seconds} s"),
                    configured[0].Curves!, bare.P50, bare.P99, Console.Error))
                return 1;
            return 0;
        }
    }

    /// <summary>"1 camera", "4 cameras": the progress line's phases.</summary>
    private static string Cameras(int n) => n == 1 ? "1 camera" : $"{n} cameras";
}
