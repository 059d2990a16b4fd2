namespace SmartCam.Capture;

/// <summary>
/// Makes a hand-over lock allocate what it allocates lazily, at start-up instead of mid-run. Under
/// Native AOT a lock creates its wait event the first time a thread has to block on it (spinning is
/// not enough) and a condition the first time someone waits on it; both are objects on the GC heap,
/// and the first real contention between two loop threads comes at a random moment of a run.
/// </summary>
public static class LockWarmup
{
    public static void Prepare(object gate)
    {
        lock (gate) Monitor.Wait(gate, 0);
        var contender = new Thread(() => { lock (gate) { } }) { IsBackground = true, Name = "sc-warmup" };
        lock (gate)
        {
            contender.Start();
            // Long enough for the contender to stop spinning and block on the lock.
            Thread.Sleep(20);
        }
        contender.Join();
    }
}
