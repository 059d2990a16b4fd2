using SmartCam.Core;

namespace SmartCam.Commands.Bench;

/// <summary>
/// One camera's capture→publish distribution as a CDF, for <see cref="BenchPlot"/>: each point is a latency in µs and the
/// fraction of frames at most that, in increasing order of both.
/// </summary>
public sealed record LatencyCurve(string Label, (long Us, double Fraction)[] Points)
{
    /// <summary>
    /// From a histogram's buckets: at each bucket's upper bound, the share of samples at or below it (exact, since the next
    /// bucket starts one µs above). A first point at fraction 0 where the samples start, so the curve rises from the axis.
    /// </summary>
    public static LatencyCurve From(string label, LatencyHistogram histogram)
    {
        var buckets = histogram.Cumulative();
        if (buckets.Length == 0) return new(label, []);
        var points = new (long Us, double Fraction)[buckets.Length + 1];
        // 1 µs at least: the axis is logarithmic.
        points[0] = (Math.Max(1, buckets[0].UpperBoundUs), 0);
        for (var i = 0; i < buckets.Length; i++)
            points[i + 1] = (Math.Max(1, buckets[i].UpperBoundUs), (double)buckets[i].AtMost / histogram.Count);
        return new(label, points);
    }

    /// <summary>A camera's label: its id and its source size (WxH) once a frame has been through, from the results it published.</summary>
    public static string CameraLabel(string cameraId, IReadOnlyList<Messaging.DetectionResult> results)
    {
        foreach (var r in results)
            if (r.Width > 0 && r.Height > 0)
                return $"{cameraId} {r.Width}x{r.Height}";
        return cameraId;
    }
}
