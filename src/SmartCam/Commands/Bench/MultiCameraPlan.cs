using SmartCam.Configuration;

namespace SmartCam.Commands.Bench;

/// <summary>
/// Which cameras each run of the multi-camera bench has (docs/benchmarks.md#many-cameras): copies of the first camera,
/// as many as the capacity search asks for, twice the capacity for fairness, and one fewer than the capacity for the
/// camera that dies.
/// </summary>
internal static class MultiCameraPlan
{
    /// <summary>N cameras made by repeating the first camera (its source and scene), with ids cam0..camN-1.</summary>
    public static CameraConfig[] Copies(SmartCamConfig config, int n) =>
        Enumerable.Range(0, n).Select(i => config.Camera with { Id = $"cam{i}" }).ToArray();

    /// <summary>
    /// The most cameras the box keeps up with: galloping up from the fewest the instances allow (doubling, at most
    /// <paramref name="maxCameras"/>), then halving the bracket. <paramref name="keeps"/> runs one probe. Limited: no
    /// probe failed, so the capacity is "at least"; with the very first probe failed it is <paramref name="instances"/> − 1.
    /// </summary>
    public static (int Capacity, bool Limited) SearchCapacity(int instances, int maxCameras, Func<int, bool> keeps)
    {
        int kept = instances - 1, failed = -1;
        for (var n = instances; ; n = Math.Min(n * 2, maxCameras))
        {
            if (!keeps(n)) { failed = n; break; }
            kept = n;
            if (n == maxCameras) break;
        }
        while (failed > 0 && failed - kept > 1)
        {
            var mid = (kept + failed) / 2;
            if (keeps(mid)) kept = mid;
            else failed = mid;
        }
        return (kept, failed < 0);
    }

    /// <summary>Fairness is measured under twice the capacity (and never fewer cameras than instances, nor than two).</summary>
    public static int OverloadCameras(int instances, int capacity) => Math.Max(Math.Max(2, instances), 2 * capacity);

    /// <summary>
    /// capacity − 1 cameras: at the capacity itself a noisy machine tips the "before" window into overload, and the
    /// change would measure that rather than the death.
    /// </summary>
    public static int DyingCameras(int instances, int capacity) => Math.Max(Math.Max(2, instances), capacity - 1);
}
