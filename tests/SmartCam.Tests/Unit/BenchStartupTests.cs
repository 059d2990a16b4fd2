using System.Diagnostics;
using SmartCam.Capture;
using SmartCam.Commands.Bench;
using SmartCam.Core;

namespace SmartCam.Tests.Unit;

/// <summary>The bench's start-up figure: seconds from the process's start on the kernel's clocks, never the wall clock.</summary>
public class BenchStartupTests
{
    [Fact]
    public void Seconds_since_process_start_agree_with_the_process_start_time_and_advance_with_the_monotonic_clock()
    {
        var before = MonotonicClock.NowNs();
        var ours = BenchFigures.SecondsSinceProcessStart(before);

        // .NET's reading of the same process's age, on the wall clock (boot time in whole seconds plus the start ticks).
        var wall = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds;

        Assert.InRange(ours, wall - 1.5, wall + 1.5);
        // A later moment is that much later: the conversion has no drift of its own (only the microseconds between its clock reads).
        Assert.InRange(BenchFigures.SecondsSinceProcessStart(before + 2_500_000_000) - ours, 2.499, 2.501);
    }
}
