using SmartCam.Core;

namespace SmartCam.Logging;

/// <summary>
/// At most <c>perSecond</c> lines a second from one chatty source (FFmpeg on a damaged file writes one or more per frame);
/// the rest are counted, and the drain thread reports the count in one line. Lock-free: any thread may ask.
/// </summary>
public sealed class RateLimit(string source, int perSecond)
{
    private long _second = -1, _suppressed, _unreported;
    private int _inSecond;

    /// <summary>The source's name in the summary line, e.g. FFmpeg.</summary>
    public string Source => source;

    public int PerSecond => perSecond;

    /// <summary>Lines suppressed so far (counted in the log's drops).</summary>
    public long Suppressed => Interlocked.Read(ref _suppressed);

    /// <summary>True if a line may go out now; otherwise counts it as suppressed.</summary>
    public bool TryTake() => TryTake(MonotonicClock.NowNs());

    internal bool TryTake(long nowNs)
    {
        var second = nowNs / 1_000_000_000;
        var seen = Volatile.Read(ref _second);
        // The first writer of a new second starts its count; a writer that raced it only makes this second's count a line off.
        if (second != seen && Interlocked.CompareExchange(ref _second, second, seen) == seen) Volatile.Write(ref _inSecond, 0);
        if (Interlocked.Increment(ref _inSecond) <= perSecond) return true;
        Interlocked.Increment(ref _suppressed);
        Interlocked.Increment(ref _unreported);
        return false;
    }

    /// <summary>Lines suppressed since the last call (the drain thread's summary).</summary>
    public long TakeUnreported() => Interlocked.Exchange(ref _unreported, 0);
}
