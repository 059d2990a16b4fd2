using System.Diagnostics;

namespace SmartCam.Capture;

/// <summary>CLOCK_MONOTONIC in nanoseconds: what <see cref="Stopwatch.GetTimestamp"/> reads on Linux, comparable with other processes on the box.</summary>
public static class MonotonicClock
{
    private static readonly bool IsNanoseconds = Stopwatch.Frequency == 1_000_000_000;

    public static long NowNs() => IsNanoseconds ? Stopwatch.GetTimestamp() : ToNs(Stopwatch.GetTimestamp());

    public static long ToNs(long ticks) => IsNanoseconds ? ticks : (long)(ticks * (1e9 / Stopwatch.Frequency));
}
