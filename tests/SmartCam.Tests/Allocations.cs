using System.Runtime;

namespace SmartCam.Tests;

/// <summary>
/// Counts what a piece of work allocates on the calling thread (<see cref="GC.GetAllocatedBytesForCurrentThread"/>).
/// A collection during the window moves that counter without any allocation on this thread (the thread's
/// allocation context is retired), and other tests running in parallel allocate and collect at any time:
/// the window runs inside a no-GC region and is repeated, up to ten times, until one runs without a
/// collection. A real allocation shows in every window, so the repetition cannot hide one. The tiered JIT,
/// which allocates on the calling thread when it promotes a method (at a moment set by a process-wide
/// timer), is off in the test process (SmartCam.Tests.csproj); the product ships Native AOT, without a JIT.
/// </summary>
public static class Allocations
{
    // Room for everything the other test threads may allocate while a window runs, so that they do not end the region.
    private const long NoGcBudget = 64L << 20;
    private static readonly Lock OneRegionAtATime = new(); // a process has at most one no-GC region

    /// <summary>Bytes <paramref name="work"/> allocated on this thread in the first window without a collection.</summary>
    public static long OnThisThread(Action work)
    {
        lock (OneRegionAtATime)
        {
            long allocated = 0;
            for (var window = 0; window < 10; window++)
            {
                var inRegion = GC.TryStartNoGCRegion(NoGcBudget); // collects first
                var collections = GC.CollectionCount(0);
                var before = GC.GetAllocatedBytesForCurrentThread();
                work();
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                var undisturbed = GC.CollectionCount(0) == collections;
                if (inRegion && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                {
                    try { GC.EndNoGCRegion(); }
                    catch (InvalidOperationException) { undisturbed = false; } // the region ended in a collection
                }
                if (undisturbed) return allocated;
            }
            return allocated;
        }
    }
}
