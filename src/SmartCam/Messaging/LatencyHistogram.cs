using System.Numerics;

namespace SmartCam.Messaging;

/// <summary>
/// A fixed-size latency histogram in microseconds: exact below 64 µs, then 32 buckets per power of two
/// (about 3 % resolution) up to hours. Recording is a few instructions and never allocates.
/// </summary>
public sealed class LatencyHistogram
{
    private const int Exact = 64;
    private const int SubBuckets = 32;
    private const int SubBits = 5;
    private readonly long[] _counts = new long[Exact + (64 - 6) * SubBuckets];

    public long Count { get; private set; }
    public long Max { get; private set; }

    public void Record(long microseconds)
    {
        var v = Math.Max(0, microseconds);
        _counts[Index(v)]++;
        Count++;
        if (v > Max) Max = v;
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
        Count += other.Count;
        if (other.Max > Max) Max = other.Max;
    }

    public void Reset()
    {
        Array.Clear(_counts);
        Count = 0;
        Max = 0;
    }

    internal static int Index(long v)
    {
        if (v < Exact) return (int)v;
        var power = BitOperations.Log2((ulong)v);
        var sub = (int)(v >> (power - SubBits)) & (SubBuckets - 1);
        return Exact + (power - 6) * SubBuckets + sub;
    }

    internal static long UpperBound(int index)
    {
        if (index < Exact) return index;
        var power = (index - Exact) / SubBuckets + 6;
        var sub = (index - Exact) % SubBuckets;
        var width = 1L << (power - SubBits);
        return (1L << power) + (sub + 1) * width - 1;
    }
}
