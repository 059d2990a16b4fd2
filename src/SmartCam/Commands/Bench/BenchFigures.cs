using System.Globalization;
using SmartCam.Core;
using SmartCam.Inference;

namespace SmartCam.Commands.Bench;

/// <summary>The figures both benches take besides the pipeline's own: the bare model, the process's start-up and its peak memory.</summary>
internal static class BenchFigures
{
    /// <summary>The bare model on a fixed input, nothing else running: the limit the pipeline is judged against.</summary>
    public static (long P50, long P99) MeasureBare(OnnxDetector detector, DetectorInput input, int runs, BenchProgress progress)
    {
        for (var i = 0; i < 10; i++) detector.Run(input);
        var times = new long[runs];
        progress.Begin("bare model", runs, "runs");
        for (var i = 0; i < runs; i++)
        {
            var t0 = MonotonicClock.NowNs();
            detector.Run(input);
            times[i] = (MonotonicClock.NowNs() - t0) / 1000;
            progress.Update(i + 1);
        }
        progress.End();
        Array.Sort(times);
        return (Percentile(times, 0.5), Percentile(times, 0.99));
    }

    /// <summary>
    /// Seconds from this process's start to <paramref name="monotonicNs"/> (CLOCK_MONOTONIC), on the kernel's own clocks:
    /// the start time in /proc/self/stat counts clock ticks on CLOCK_BOOTTIME. <c>Process.StartTime</c> is wall-clock
    /// based, so an NTP step during a run made start-up negative (−1.46 s seen on 2026-12-03).
    /// </summary>
    public static double SecondsSinceProcessStart(long monotonicNs)
    {
        var stat = File.ReadAllText("/proc/self/stat");
        // Fields after the command name, which is in parentheses and may itself hold spaces or parentheses.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var startTicks = long.Parse(fields[19], CultureInfo.InvariantCulture); // field 22, starttime
        var bootMinusMonotonicNs = MonotonicClock.BoottimeNs() - MonotonicClock.NowNs();
        return (monotonicNs + bootMinusMonotonicNs - startTicks * (1e9 / Libc.ClockTicksPerSecond)) / 1e9;
    }

    /// <summary>VmHWM: the most resident memory the process has had.</summary>
    public static long PeakRss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static long Percentile(long[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}
