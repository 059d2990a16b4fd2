namespace SmartCam.Tests.Unit;

/// <summary>The allocation counter the zero-allocation tests rely on sees a real allocation, while other threads collect.</summary>
public sealed class AllocationsTests
{
    private static object? _kept; // escapes, so the JIT cannot put the array on the stack

    [Fact]
    public void A_window_that_allocates_is_counted_whole()
    {
        Assert.Equal(0, Allocations.OnThisThread(() => _kept = null));
        var allocated = Allocations.OnThisThread(() => _kept = new byte[1000]);
        Assert.InRange(allocated, 1000, 1100); // the array's bytes and its header
    }

    [Fact]
    public void Collections_on_another_thread_do_not_show_as_allocations_here()
    {
        using var stop = new CancellationTokenSource();
        var churn = new Thread(() =>
        {
            while (!stop.IsCancellationRequested) { _ = new byte[64 << 10].Length; GC.Collect(0); }
        });
        churn.Start();
        try
        {
            var x = 0.0;
            Assert.Equal(0, Allocations.OnThisThread(() => { for (var i = 0; i < 100_000; i++) x += Math.Sqrt(i); }));
            Assert.True(x > 0);
        }
        finally
        {
            stop.Cancel();
            churn.Join();
        }
    }
}
