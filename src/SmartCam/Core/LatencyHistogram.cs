using System.Numerics;

namespace SmartCam.Core;

/// <summary>
/// A fixed-size latency histogram in microseconds: exact below 128 µs, then 128 buckets per power of two
/// (0.8 % resolution) up to hours. Recording is a few instructions and never allocates. A percentile is its
/// bucket's upper bound, so it reads high by up to one bucket: at 3 % (32 buckets, before) that alone moved
/// the benchmark's capture→publish/bare ratio by up to 0.03, the same order as the target it is judged by.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBits = 7;
    private const int SubBuckets = 1 << SubBits;
    private const int Exact = SubBuckets;
    private readonly long[] _counts = new long[Exact + (64 - SubBits) * SubBuckets];

    /// <summary>
    /// The bucket bounds exported to Prometheus (status messages' <c>buckets</c>, <c>smartcam_*_seconds</c> histograms), in µs.
    /// Counted exactly at record time, because the buckets above do not fall on round numbers.
    /// </summary>
    public static readonly long[] ExportBoundsUs =
        [100, 250, 500, 1_000, 2_500, 5_000, 7_500, 10_000, 15_000, 20_000, 30_000, 50_000, 75_000, 100_000, 250_000, 500_000, 1_000_000, 2_500_000];

    private readonly long[] _exportCounts = new long[ExportBoundsUs.Length];

    public long Count { get; private set; }
    public long Max { get; private set; }

    /// <summary>The sum of every sample, µs (a Prometheus histogram's <c>_sum</c>).</summary>
    public long SumUs { get; private set; }

    public void Record(long microseconds)
    {
        var v = Math.Max(0, microseconds);
        _counts[Index(v)]++;
        Count++;
        SumUs += v;
        if (v > Max) Max = v;
        var bounds = ExportBoundsUs;
        for (var i = 0; i < bounds.Length; i++)
        {
            if (v > bounds[i]) continue;
            _exportCounts[i]++;
            break;
        }
    }

    /// <summary>Samples at most <see cref="ExportBoundsUs"/>[<paramref name="bound"/>] µs (cumulative, as Prometheus's <c>le</c>).</summary>
    public long CountAtMost(int bound)
    {
        long n = 0;
        for (var i = 0; i <= bound; i++) n += _exportCounts[i];
        return n;
    }

    /// <summary>The smallest recorded bucket bound at or above fraction <paramref name="q"/> of the samples (0 when empty), never above <see cref="Max"/>.</summary>
    public long Percentile(double q)
    {
        if (Count == 0) return 0;
        var rank = (long)Math.Ceiling(q * Count);
        if (rank < 1) rank = 1;
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(UpperBound(i), Max);
        }
        return Max;
    }

    /// <summary>Adds <paramref name="other"/>'s samples to this one (several cameras' latencies as one distribution); never allocates.</summary>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        for (var i = 0; i < _exportCounts.Length; i++) _exportCounts[i] += other._exportCounts[i];
        Count += other.Count;
        SumUs += other.SumUs;
        if (other.Max > Max) Max = other.Max;
    }

    /// <summary>
    /// Each bucket that holds samples, in order: its upper bound in µs (never above <see cref="Max"/>) and the samples at
    /// most that, cumulative. The distribution <c>smartcam bench --plot</c> draws; allocates, so not for the loop threads.
    /// </summary>
    public (long UpperBoundUs, long AtMost)[] Cumulative()
    {
        var buckets = new List<(long, long)>();
        long seen = 0;
        for (var i = 0; i < _counts.Length && seen < Count; i++)
        {
            if (_counts[i] == 0) continue;
            seen += _counts[i];
            buckets.Add((Math.Min(UpperBound(i), Max), seen));
        }
        return buckets.ToArray();
    }

    public void Reset()
    {
        Array.Clear(_counts);
        Array.Clear(_exportCounts);
        Count = 0;
        SumUs = 0;
        Max = 0;
    }

    internal static int Index(long v)
    {
        if (v < Exact) return (int)v;
        var power = BitOperations.Log2((ulong)v);
        var sub = (int)(v >> (power - SubBits)) & (SubBuckets - 1);
        return Exact + (power - SubBits) * SubBuckets + sub;
    }

    internal static long UpperBound(int index)
    {
        if (index < Exact) return index;
        var power = (index - Exact) / SubBuckets + SubBits;
        var sub = (index - Exact) % SubBuckets;
        var width = 1L << (power - SubBits);
        return (1L << power) + (sub + 1) * width - 1;
    }
}
