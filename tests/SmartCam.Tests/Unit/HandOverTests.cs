using SmartCam.Capture;
using SmartCam.Messaging;

namespace SmartCam.Tests.Unit;

/// <summary>The frame and result hand-overs, driven step by step from one thread (no timing involved).</summary>
public class HandOverTests
{
    private static Frame Write(FrameExchange exchange, long seq)
    {
        var frame = exchange.RentForWrite(CancellationToken.None)!;
        frame.Seq = seq;
        exchange.Publish(frame, CancellationToken.None);
        return frame;
    }

    [Fact]
    public void Freshest_mode_replaces_an_untaken_frame_counts_it_and_hands_over_the_newest()
    {
        using var exchange = new FrameExchange(freshestOnly: true);
        Write(exchange, 0);
        Write(exchange, 1);
        Write(exchange, 2);
        Assert.Equal(2, exchange.Dropped); // 0 and 1 were replaced before anyone took them

        var taken = exchange.Take(0)!;
        Assert.Equal(2, taken.Seq);
        Assert.Null(exchange.Take(0));

        // While the reader holds frame 2, the writer still has slots and never waits.
        Write(exchange, 3);
        Write(exchange, 4);
        Assert.Equal(3, exchange.Dropped);
        exchange.Release(taken);
        Assert.Equal(4, exchange.Take(0)!.Seq);
    }

    [Fact]
    public void Lossless_mode_never_drops_and_the_writer_gets_no_slot_until_the_ready_frame_is_taken()
    {
        using var exchange = new FrameExchange(freshestOnly: false);
        Write(exchange, 0);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Null(exchange.RentForWrite(cancelled.Token)); // frame 0 is still waiting: no second frame ahead of it

        var first = exchange.Take(0)!;
        Assert.Equal(0, first.Seq);
        Write(exchange, 1); // a slot is free again as soon as 0 was taken
        exchange.Release(first);
        Assert.Equal(1, exchange.Take(0)!.Seq);
        Assert.Equal(0, exchange.Dropped);
    }

    [Fact]
    public void Completion_drains_the_last_frame_first()
    {
        using var exchange = new FrameExchange(freshestOnly: false);
        Write(exchange, 7);
        exchange.Complete();
        Assert.False(exchange.IsDrained);
        Assert.Equal(7, exchange.Take(0)!.Seq);
        Assert.True(exchange.IsDrained);
        Assert.Null(exchange.Take(0));
    }

    [Fact]
    public void Results_come_out_in_order_and_overflow_is_counted_not_waited_for()
    {
        var queue = new ResultQueue(capacity: 2, maxDetections: 4);
        var a = queue.Rent()!;
        a.Seq = 1;
        queue.Enqueue(a);
        var b = queue.Rent()!;
        b.Seq = 2;
        queue.Enqueue(b);
        Assert.Null(queue.Rent()); // both records are queued: the producer is told at once
        Assert.Equal(1, queue.Overflowed);

        Assert.Equal(1, queue.Take(0)!.Seq);
        Assert.Equal(2, queue.Take(0)!.Seq);
        queue.Return(a);
        Assert.NotNull(queue.Rent());
        queue.Complete();
        Assert.True(queue.IsDrained);
    }
}
