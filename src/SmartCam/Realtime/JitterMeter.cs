using SmartCam.Configuration;
using SmartCam.Core;

namespace SmartCam.Realtime;

/// <summary>Wake-up lateness of a periodic thread, in microseconds.</summary>
public sealed record JitterResult(long Samples, long P50, long P99, long P999, long Max, string Placement);

/// <summary>
/// Measures how late a periodic real-time thread wakes, the way cyclictest does: sleep to an absolute
/// CLOCK_MONOTONIC deadline (<c>clock_nanosleep</c> with TIMER_ABSTIME), note how far past it the thread
/// runs, repeat. The thread is placed with the given plan first, so the figure is the box's (and the
/// configured CPU's) own; compare it with <c>cyclictest -m -p PRIO -a CPU -i INTERVAL</c>.
/// </summary>
public static class JitterMeter
{
    public static JitterResult Measure(ThreadPlan plan, TimeSpan interval, TimeSpan duration)
    {
        var histogram = new LatencyHistogram();
        var placement = "";
        var thread = new Thread(() =>
        {
            placement = Place(plan);
            var intervalNs = (long)(interval.TotalMilliseconds * 1_000_000);
            var end = MonotonicClock.NowNs() + (long)(duration.TotalMilliseconds * 1_000_000);
            var next = MonotonicClock.NowNs() + intervalNs;
            while (next < end)
            {
                MonotonicClock.SleepUntil(next);
                histogram.Record((MonotonicClock.NowNs() - next) / 1000);
                next += intervalNs;
            }
        })
        { Name = "sc-jitter", IsBackground = true };
        thread.Start();
        thread.Join();
        return new JitterResult(histogram.Count, histogram.Percentile(0.5), histogram.Percentile(0.99), histogram.Percentile(0.999), histogram.Max, placement);
    }

    private static string Place(ThreadPlan plan)
    {
        var notes = new List<string>();
        if (plan.Cpus.Count > 0 && Libc.SetAffinity(0, plan.Cpus) != 0) notes.Add("affinity refused");
        var policy = plan.Policy switch { SchedPolicy.Fifo => Libc.SchedFifo, SchedPolicy.RoundRobin => Libc.SchedRr, _ => Libc.SchedOther };
        var refused = Libc.SetScheduler(0, policy, plan.Policy == SchedPolicy.Other ? 0 : plan.Priority) != 0;
        var text = refused || plan.Policy == SchedPolicy.Other ? "other" : $"{Configuration.YamlEnums.Policy.NameOf(plan.Policy)} {plan.Priority}";
        if (plan.Cpus.Count > 0) text += " on cpus " + string.Join(",", plan.Cpus);
        if (refused) notes.Add($"{Configuration.YamlEnums.Policy.NameOf(plan.Policy)} refused (no CAP_SYS_NICE / RLIMIT_RTPRIO)");
        return notes.Count > 0 ? $"{text} ({string.Join("; ", notes)})" : text;
    }
}
