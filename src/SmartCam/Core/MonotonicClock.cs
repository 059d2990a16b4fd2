using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SmartCam.Core;

/// <summary>CLOCK_MONOTONIC in nanoseconds: what <see cref="Stopwatch.GetTimestamp"/> reads on Linux, comparable with other processes on the box.</summary>
public static partial class MonotonicClock
{
    private const int ClockMonotonic = 1, ClockBoottime = 7, TimerAbsTime = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGettime(int clock, out Timespec now);

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, in Timespec request, IntPtr remain);

    /// <summary>
    /// Sleeps until <paramref name="deadlineNs"/> on CLOCK_MONOTONIC with an absolute deadline, so
    /// the wake-up does not drift by the time spent computing it (as cyclictest does).
    /// </summary>
    public static void SleepUntil(long deadlineNs)
    {
        if (deadlineNs <= NowNs()) return;
        var t = new Timespec { Seconds = deadlineNs / 1_000_000_000, Nanoseconds = deadlineNs % 1_000_000_000 };
        // EINTR (a signal) just ends the sleep early; callers re-check their condition.
        _ = ClockNanosleep(ClockMonotonic, TimerAbsTime, t, IntPtr.Zero);
    }

    private static readonly bool IsNanoseconds = Stopwatch.Frequency == 1_000_000_000;

    public static long NowNs() => IsNanoseconds ? Stopwatch.GetTimestamp() : ToNs(Stopwatch.GetTimestamp());

    /// <summary>CLOCK_BOOTTIME in nanoseconds: what process start times in /proc/PID/stat count on.</summary>
    public static long BoottimeNs() => ClockGettime(ClockBoottime, out var t) == 0 ? t.Seconds * 1_000_000_000 + t.Nanoseconds : 0;

    public static long ToNs(long ticks) => IsNanoseconds ? ticks : (long)(ticks * (1e9 / Stopwatch.Frequency));
}
