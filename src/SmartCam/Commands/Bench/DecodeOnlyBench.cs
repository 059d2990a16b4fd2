using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SmartCam.Capture;
using SmartCam.Core;
using SmartCam.Hosting;
using SmartCam.Logging;

namespace SmartCam.Commands.Bench;

/// <summary>
/// <c>smartcam bench --decode-only</c>: each camera's source read as the capture thread reads it, with its decoder
/// threads and hardware decoder, but nothing converted and no model: the decoder's own speed on this box, the most
/// frames a second the capture side can give the detector. A file loops to reach the count.
/// </summary>
public static class DecodeOnlyBench
{
    public static int Run(Appliance appliance, int frames, int warmup, bool jsonOnly, TextWriter output)
    {
        using var loggers = LoggerFactory.Create(b => b.AddProvider(ProcessLog.Provider(ProcessLog.BenchFormat)).AddFilter(level => level >= LogLevel.Warning));
        var log = loggers.CreateLogger("SmartCam");
        var cameras = new List<DecodeOnlyJson.DecodedCameraJson>();
        var progress = BenchProgress.ForStderr();
        for (var i = 0; i < appliance.Config.Cameras.Count; i++)
        {
            var camera = appliance.Config.Cameras[i];
            using var source = appliance.CreateSource(camera, i, log);
            if (source is IScalingSource scaling) scaling.Pictures.DecodeOnly = true;
            using var frame = new Frame();
            var times = new long[frames];
            try
            {
                source.Open();
                progress.Begin($"decode {camera.Id}", warmup + frames, "frames");
                var started = 0L;
                for (var n = 0; n < warmup + frames;)
                {
                    var t0 = MonotonicClock.NowNs();
                    if (n == warmup) started = t0;
                    var result = source.Read(frame);
                    var t1 = MonotonicClock.NowNs();
                    if (result == ReadResult.End)
                    {
                        if (!source.TryRewind()) source.Open();
                        continue;
                    }
                    if (result != ReadResult.Frame)
                    {
                        if (result is ReadResult.Disconnected or ReadResult.Stalled) throw new SourceException($"the source stopped ({result})");
                        continue;
                    }
                    if (n >= warmup) times[n - warmup] = (t1 - t0) / 1000;
                    progress.Update(++n);
                }
                var seconds = (MonotonicClock.NowNs() - started) / 1e9;
                progress.End();
                Array.Sort(times);
                cameras.Add(new(camera.Id, FfmpegPipeSource.Redact(camera.Source), frame.Width, frame.Height, frames, frames / seconds,
                    new PercentilesJson(Percentile(times, 0.5), Percentile(times, 0.99), times[^1])));
            }
            catch (SourceException e)
            {
                progress.End();
                Console.Error.WriteLine($"smartcam bench --decode-only: camera {camera.Id}: {e.Message}");
                return 1;
            }
        }
        var report = new DecodeOnlyJson(cameras.ToArray());
        if (!jsonOnly)
            foreach (var c in cameras)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"decode-only {c.Camera} ({c.Source}, {c.Width}x{c.Height}): {c.Frames} frames, {c.Fps:0.0} fps; per frame p50 {c.ReadUs.P50 / 1000.0:0.00} ms, p99 {c.ReadUs.P99 / 1000.0:0.00} ms, max {c.ReadUs.Max / 1000.0:0.00} ms"));
        output.WriteLine(JsonSerializer.Serialize(report, ReportJsonContext.Default.DecodeOnlyJson));
        return 0;
    }

    private static long Percentile(long[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
