using System.Text;
using SmartCam.Mqtt;

namespace SmartCam.Tests.Unit;

/// <summary>The MQTT outbox on a real folder: order, acknowledgement, the size bound, and what a restart (or a torn line) leaves.</summary>
public class OutboxTests
{
    private static byte[] Topic => "evt.cam0"u8.ToArray();
    private static byte[] Event(int n) => Encoding.UTF8.GetBytes($"{{\"id\":\"r/cam0/{n}/0\",\"pad\":\"{new string('x', 100)}\"}}");

    private static List<(Outbox.Entry Entry, string Body)> TakeAll(Outbox outbox)
    {
        var taken = new List<(Outbox.Entry, string)>();
        while (outbox.TryNext(out var entry, out var topic, out var body))
        {
            Assert.Equal("evt.cam0", topic);
            taken.Add((entry, Encoding.UTF8.GetString(body)));
        }
        return taken;
    }

    [Fact]
    public void Events_go_out_in_order_only_once_synced_and_leave_when_acknowledged()
    {
        using var dir = new TempDir();
        using var outbox = Outbox.Open(dir.Path, 1 << 20);
        for (var i = 0; i < 5; i++) outbox.Append(Topic, Event(i));
        Assert.Empty(TakeAll(outbox)); // not durable yet
        outbox.Sync();
        var taken = TakeAll(outbox);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => Encoding.UTF8.GetString(Event(i))), taken.Select(t => t.Body));
        Assert.Equal(5, outbox.Pending);
        outbox.Ack(taken[1].Entry); // out of order: nothing leaves before 0 does
        Assert.Equal(5, outbox.Pending);
        outbox.Ack(taken[0].Entry);
        Assert.Equal(3, outbox.Pending);
        // A lost connection: the unacknowledged ones again, in order, skipping what was acknowledged.
        outbox.Rewind();
        Assert.Equal(["r/cam0/2/0", "r/cam0/3/0", "r/cam0/4/0"], TakeAll(outbox).Select(t => t.Body[7..17]));
        var c = outbox.Counters;
        Assert.Equal((3L, 5L, 2L, 0L), (c.Events, c.Appended, c.Acked, c.Dropped));
    }

    [Fact]
    public void A_restart_sends_what_was_not_acknowledged_and_cuts_a_torn_last_line()
    {
        using var dir = new TempDir();
        using (var outbox = Outbox.Open(dir.Path, 1 << 20))
        {
            for (var i = 0; i < 4; i++) outbox.Append(Topic, Event(i));
            outbox.Sync();
            var taken = TakeAll(outbox);
            outbox.Ack(taken[0].Entry);
            outbox.Ack(taken[1].Entry);
        }
        // A power cut in the middle of a line: half of it on disk.
        var segment = Directory.GetFiles(dir.Path, "*.outbox").Single();
        var line = Encoding.UTF8.GetBytes("0badc0de evt.cam0 {\"id\":\"torn");
        using (var f = File.Open(segment, FileMode.Append)) f.Write(line);

        using var again = Outbox.Open(dir.Path, 1 << 20);
        Assert.Contains("2 unacknowledged event(s)", again.RecoveryNote);
        Assert.Contains($"{line.Length} byte(s)", again.RecoveryNote);
        Assert.Equal(["r/cam0/2/0", "r/cam0/3/0"], TakeAll(again).Select(t => t.Body[7..17]));
        Assert.Equal(2, again.Counters.Recovered);
        // Appending goes on after the cut, and the file holds only whole lines.
        again.Append(Topic, Event(9));
        again.Sync();
        Assert.Equal(["r/cam0/9/0"], TakeAll(again).Select(t => t.Body[7..17]));
        Assert.All(File.ReadAllText(segment).Split('\n')[..^1], l => Assert.Contains("\"id\":\"r/cam0/", l));
    }

    [Fact]
    public void A_line_with_a_wrong_checksum_ends_what_is_taken_in()
    {
        using var dir = new TempDir();
        using (var outbox = Outbox.Open(dir.Path, 1 << 20))
        {
            for (var i = 0; i < 3; i++) outbox.Append(Topic, Event(i));
            outbox.Sync();
        }
        var segment = Directory.GetFiles(dir.Path, "*.outbox").Single();
        var text = File.ReadAllText(segment).Replace("r/cam0/1/0", "r/cam0/7/0"); // a changed byte in the second line
        File.WriteAllText(segment, text);
        using var again = Outbox.Open(dir.Path, 1 << 20);
        Assert.Equal(["r/cam0/0/0"], TakeAll(again).Select(t => t.Body[7..17]));
    }

    [Fact]
    public void Over_its_size_the_oldest_events_are_dropped_and_counted()
    {
        using var dir = new TempDir();
        const long Max = 16 * 1024; // 4 KiB segments
        using var outbox = Outbox.Open(dir.Path, Max);
        const int Count = 400; // about 56 KB of lines
        for (var i = 0; i < Count; i++)
        {
            outbox.Append(Topic, Event(i));
            outbox.Sync();
            Assert.True(outbox.Counters.Bytes <= Max, $"{outbox.Counters.Bytes} bytes after event {i}");
        }
        var c = outbox.Counters;
        Assert.True(c.Dropped > 0);
        Assert.Equal(Count, c.Dropped + c.Events);
        var kept = TakeAll(outbox).Select(t => t.Body[7..]).ToList();
        Assert.Equal(c.Events, kept.Count);
        // The newest kept, in order.
        Assert.Equal(Enumerable.Range(Count - kept.Count, kept.Count).Select(i => $"r/cam0/{i}/0"), kept.Select(k => k[..k.IndexOf('"')]));
        Assert.True(Directory.GetFiles(dir.Path, "*.outbox").Sum(f => new FileInfo(f).Length) <= Max);
    }

    [Fact]
    public void Events_dropped_while_the_broker_had_them_are_not_counted_twice()
    {
        using var dir = new TempDir();
        using var outbox = Outbox.Open(dir.Path, 16 * 1024);
        outbox.Append(Topic, Event(0));
        outbox.Sync();
        var first = TakeAll(outbox).Single();
        for (var i = 1; i < 400; i++) outbox.Append(Topic, Event(i));
        outbox.Sync();
        var before = outbox.Counters;
        outbox.Ack(first.Entry); // its segment is long gone
        Assert.Equal(before, outbox.Counters);
    }

    [Fact]
    public void Acknowledged_segments_are_deleted_and_a_clean_close_with_nothing_pending_leaves_no_file()
    {
        using var dir = new TempDir();
        using (var outbox = Outbox.Open(dir.Path, 64 * 1024))
        {
            for (var i = 0; i < 200; i++) outbox.Append(Topic, Event(i));
            outbox.Sync();
            Assert.True(Directory.GetFiles(dir.Path, "*.outbox").Length > 3);
            foreach (var (entry, _) in TakeAll(outbox)) outbox.Ack(entry);
            Assert.Equal(0, outbox.Pending);
            Assert.Single(Directory.GetFiles(dir.Path, "*.outbox")); // the newest, being written
        }
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void The_head_keeps_a_restart_from_sending_acknowledged_events_again()
    {
        using var dir = new TempDir();
        using (var outbox = Outbox.Open(dir.Path, 1 << 20))
        {
            for (var i = 0; i < 3; i++) outbox.Append(Topic, Event(i));
            outbox.Sync();
            var taken = TakeAll(outbox);
            outbox.Ack(taken[0].Entry);
            outbox.SaveHead();
        }
        using var again = Outbox.Open(dir.Path, 1 << 20);
        Assert.Equal(["r/cam0/1/0", "r/cam0/2/0"], TakeAll(again).Select(t => t.Body[7..17]));
    }
}
