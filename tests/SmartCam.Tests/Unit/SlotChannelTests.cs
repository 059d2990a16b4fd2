using SmartCam.HandOver;

namespace SmartCam.Tests.Unit;

/// <summary>
/// The one hand-over between threads: drops, order and wake-ups. Step-by-step cases run on one thread;
/// the concurrent cases check invariants (order, nothing lost or seen twice), never timing.
/// </summary>
public class SlotChannelTests
{
    private sealed class Item
    {
        public long Seq;
    }

    private static SlotChannel<Item> Channel(int depth, FullMode mode, Wakeup? readable = null) => new(depth, mode, () => new Item(), readable);

    private static void Write(SlotChannel<Item> channel, long seq)
    {
        var item = channel.Rent(CancellationToken.None, wait: false) ?? throw new InvalidOperationException($"no item free for {seq}");
        item.Seq = seq;
        channel.Write(item);
    }

    private static long Read(SlotChannel<Item> channel)
    {
        Assert.True(channel.TryRead(out var item));
        var seq = item.Seq;
        channel.Release(item);
        return seq;
    }

    [Fact]
    public void Freshest_keeps_the_newest_counts_every_replaced_item_and_the_writer_never_waits()
    {
        using var channel = Channel(1, FullMode.Freshest);
        Write(channel, 0);
        Write(channel, 1);
        Write(channel, 2);
        Assert.Equal(2, channel.Dropped); // 0 and 1 were replaced before the reader took them
        Assert.Equal(2, Read(channel));
        Assert.False(channel.TryRead(out _));

        // While the reader holds an item, the writer still gets one, every time.
        Write(channel, 3);
        Assert.True(channel.TryRead(out var held));
        for (var seq = 4; seq < 20; seq++) Write(channel, seq);
        Assert.Equal(2 + 15, channel.Dropped);
        Assert.Equal(19, Read(channel));
        channel.Release(held);
    }

    [Fact]
    public void Freshest_with_depth_drops_the_oldest_and_keeps_the_rest_in_order()
    {
        using var channel = Channel(3, FullMode.Freshest);
        for (var seq = 1; seq <= 5; seq++) Write(channel, seq);
        Assert.Equal(2, channel.Dropped); // 1 and 2 made room for 4 and 5
        Assert.Equal([3L, 4L, 5L], [Read(channel), Read(channel), Read(channel)]);
        Assert.Equal(0, channel.Count);
    }

    [Fact]
    public void Lossless_never_drops_and_gives_the_writer_no_item_while_depth_items_wait()
    {
        using var channel = Channel(2, FullMode.Lossless);
        Write(channel, 0);
        Write(channel, 1);
        Assert.Null(channel.Rent(CancellationToken.None, wait: false)); // two are waiting: no third ahead of them
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Null(channel.Rent(cancelled.Token)); // a waiting writer gives up on a stop

        Assert.True(channel.TryRead(out var first));
        Assert.Equal(0, first.Seq);
        Write(channel, 2); // room again as soon as 0 was taken, even before it is released
        channel.Release(first);
        Assert.Equal([1L, 2L], [Read(channel), Read(channel)]);
        Assert.Equal((0L, 3L), (channel.Dropped, channel.Written));
    }

    [Fact]
    public void An_unwritten_item_goes_back_to_the_writer()
    {
        using var channel = Channel(1, FullMode.Lossless);
        var items = new HashSet<Item>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < 10; i++)
        {
            var item = channel.Rent(CancellationToken.None, wait: false)!;
            items.Add(item);
            channel.ReturnUnwritten(item);
        }
        Assert.Single(items); // the same item again: nothing leaks
    }

    [Fact]
    public void Completion_lets_the_reader_drain_what_is_queued_first()
    {
        using var channel = Channel(2, FullMode.Lossless);
        Write(channel, 7);
        Write(channel, 8);
        channel.Complete();
        Assert.False(channel.IsDrained);
        Assert.Equal([7L, 8L], [Read(channel), Read(channel)]);
        Assert.True(channel.IsDrained);
    }

    [Fact]
    public void A_sleeping_reader_wakes_for_a_write_and_one_wakeup_serves_several_channels()
    {
        using var shared = new Wakeup();
        using var a = Channel(1, FullMode.Lossless, shared);
        using var b = Channel(1, FullMode.Lossless, shared);
        long got = -1;
        var reader = new Thread(() =>
        {
            // No timeout: only a write to either channel can end this.
            while (true)
            {
                if (a.TryRead(out var item) || b.TryRead(out item))
                {
                    got = item.Seq;
                    return;
                }
                shared.Wait(-1);
            }
        });
        reader.Start();
        Write(b, 42);
        Assert.True(reader.Join(TimeSpan.FromSeconds(60)), "the reader slept through the write");
        Assert.Equal(42, got);
    }

    [Fact]
    public void A_waiting_lossless_writer_goes_on_once_the_reader_takes_an_item()
    {
        using var channel = Channel(1, FullMode.Lossless);
        Write(channel, 0);
        Item? rented = null;
        var writer = new Thread(() => rented = channel.Rent(CancellationToken.None)); // waits: item 0 is queued
        writer.Start();
        Assert.Equal(0, Read(channel));
        Assert.True(writer.Join(TimeSpan.FromSeconds(60)), "the writer slept through the read");
        Assert.NotNull(rented);
    }

    [Theory]
    [InlineData(FullMode.Lossless, 1)]
    [InlineData(FullMode.Lossless, 4)]
    [InlineData(FullMode.Freshest, 1)]
    [InlineData(FullMode.Freshest, 4)]
    public void Between_two_threads_items_arrive_in_order_and_every_one_is_read_or_counted_dropped(FullMode mode, int depth)
    {
        const int n = 200_000;
        using var channel = Channel(depth, mode);
        var writer = new Thread(() =>
        {
            for (var seq = 1; seq <= n; seq++)
            {
                var item = channel.Rent(CancellationToken.None)!;
                item.Seq = seq;
                channel.Write(item);
            }
            channel.Complete();
        });
        writer.Start();
        long last = 0, read = 0;
        var inOrder = true;
        while (!channel.IsDrained)
        {
            if (!channel.TryRead(out var item))
            {
                channel.WaitToRead(10_000_000);
                continue;
            }
            inOrder &= item.Seq > last;
            last = item.Seq;
            read++;
            channel.Release(item);
        }
        writer.Join();
        Assert.True(inOrder, "an item came out of order (or twice)");
        Assert.Equal(n, last); // the last item is never dropped: nothing came after it
        Assert.Equal(n, read + channel.Dropped);
        if (mode == FullMode.Lossless) Assert.Equal(0, channel.Dropped);
    }
}
