using System.Text;
using Microsoft.Extensions.Logging;
using SmartCam.Logging;

namespace SmartCam.Tests.Unit;

public sealed class LogRingTests
{
    [Fact]
    public void Many_writers_one_reader_every_record_read_or_counted_and_each_writers_order_kept()
    {
        const int Writers = 4, PerWriter = 20_000;
        var ring = new LogRing(256);
        var accepted = new long[Writers];
        var lastSeen = Enumerable.Repeat(-1, Writers).ToArray();
        var outOfOrder = 0;
        long read = 0;
        var writers = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
        {
            for (var i = 0; i < PerWriter; i++)
                if (ring.TryWrite(LogLevel.Information, "w" + w, i, null, null)) accepted[w]++;
        })).ToArray();
        var done = false;
        var reader = new Thread(() =>
        {
            while (true)
            {
                var finished = Volatile.Read(ref done);
                while (ring.TryRead(out var r))
                {
                    var w = r.Category[1] - '0';
                    if (r.EventId <= lastSeen[w]) outOfOrder++;
                    lastSeen[w] = r.EventId;
                    read++;
                }
                if (finished) return;
                Thread.Yield();
            }
        });
        reader.Start();
        foreach (var t in writers) t.Start();
        foreach (var t in writers) t.Join();
        Volatile.Write(ref done, true);
        reader.Join();

        Assert.Equal(0, outOfOrder);
        Assert.Equal(accepted.Sum(), read);
        Assert.Equal(Writers * PerWriter, read + ring.Dropped);
        Assert.Equal(ring.Accepted, ring.Taken);
    }

    [Fact]
    public void A_full_ring_drops_and_counts_without_waiting_for_the_reader()
    {
        var ring = new LogRing(8);
        var results = new List<bool>();
        // On another thread, so a writer that waited for the (absent) reader would fail the test instead of hanging it.
        var writer = new Thread(() =>
        {
            for (var i = 0; i < 20; i++) results.Add(ring.TryWrite(LogLevel.Warning, "c", i, "line " + i, null));
        });
        writer.Start();
        Eventually.Until(() => !writer.IsAlive, TimeSpan.FromSeconds(30), "20 writes to a full ring returning");

        Assert.Equal(Enumerable.Repeat(true, 8).Concat(Enumerable.Repeat(false, 12)), results);
        Assert.Equal(12, ring.Dropped);
        for (var i = 0; i < 8; i++)
        {
            Assert.True(ring.TryRead(out var r));
            Assert.Equal("line " + i, r.Text);
        }
        Assert.False(ring.TryRead(out _));
        // Room again once read.
        Assert.True(ring.TryWrite(LogLevel.Warning, "c", 20, "line 20", null));
    }

    [Fact]
    public void Native_lines_are_copied_and_cut_at_the_cell_size()
    {
        var ring = new LogRing(4);
        var line = Encoding.UTF8.GetBytes("[h264 @ 0x1] error while decoding MB 3 4");
        Assert.True(ring.TryWrite(LogLevel.Error, "FFmpeg", line));
        Assert.True(ring.TryWrite(LogLevel.Error, "FFmpeg", new byte[LogRing.NativeLineBytes + 100].AsSpan()));
        line.AsSpan().Clear(); // the ring holds its own copy
        Assert.True(ring.TryRead(out var first));
        Assert.Equal("[h264 @ 0x1] error while decoding MB 3 4", first.Text);
        Assert.True(ring.TryRead(out var second));
        Assert.Equal(LogRing.NativeLineBytes, second.Text!.Length);
    }

    [Fact]
    public void Lines_look_as_the_console_loggers_simple_and_systemd_formats_wrote_them()
    {
        var at = new DateTime(2026, 12, 4, 13, 5, 7, 89, DateTimeKind.Utc).Ticks;
        var record = new LogRecord(LogLevel.Warning, at, "SmartCam", 0, "Camera cam0: opened\nx", null);
        Assert.Equal("13:05:07.089 warn: SmartCam[0] Camera cam0: opened x\n", Line(record, new LogFormat(LogStyle.Simple, "HH:mm:ss.fff ")));
        Assert.Equal("info: SmartCam[3] hello\n", Line(record with { Level = LogLevel.Information, EventId = 3, Text = "hello" }, new LogFormat(LogStyle.Simple, null)));
        Assert.Equal("<4>SmartCam[0] Camera cam0: opened x\n", Line(record, new LogFormat(LogStyle.Systemd, null)));
        Assert.Equal("<3>SmartCam[0] failed System.Exception: boom\n", Line(record with { Level = LogLevel.Error, Text = "failed", Exception = new Exception("boom") }, new LogFormat(LogStyle.Systemd, null)));
        Assert.Equal("crit: SmartCam[0] x System.Exception: boom\n", Line(record with { Level = LogLevel.Critical, Text = "x", Exception = new Exception("boom") }, new LogFormat(LogStyle.Simple, null)));
    }

    private static string Line(LogRecord record, LogFormat format)
    {
        var line = new StringBuilder();
        LogLine.Append(line, record, format);
        return line.ToString();
    }

    [Fact]
    public void A_rate_limit_lets_so_many_a_second_through_and_counts_the_rest()
    {
        var limit = new RateLimit("FFmpeg", 3);
        var second = 1_000_000_000L;
        var first = Enumerable.Range(0, 5).Select(i => limit.TryTake(10 * second + i)).ToArray();
        Assert.Equal([true, true, true, false, false], first);
        Assert.True(limit.TryTake(11 * second));
        Assert.Equal(2, limit.Suppressed);
        Assert.Equal(2, limit.TakeUnreported());
        Assert.Equal(0, limit.TakeUnreported());
    }

    [Fact]
    public void A_throttle_logs_the_first_then_one_per_interval_with_the_count_held_back()
    {
        var throttle = new LogThrottle(10);
        Assert.True(throttle.ShouldLog(100, out var held));
        Assert.Equal(0, held);
        Assert.False(throttle.ShouldLog(101, out _));
        Assert.False(throttle.ShouldLog(109, out _));
        Assert.True(throttle.ShouldLog(110, out held));
        Assert.Equal(2, held);
        Assert.False(throttle.ShouldLog(111, out _));
        Assert.Equal(1, throttle.TakeHeld());
        Assert.Equal(0, throttle.TakeHeld());
    }

    [Fact]
    public void Writers_go_on_while_the_drain_is_stuck_in_a_write()
    {
        var ring = new LogRing(16);
        using var sink = new StuckStream();
        using var drain = new LogDrain(ring, sink, new LogFormat(LogStyle.Simple, null), []);
        Assert.True(ring.TryWrite(LogLevel.Information, "c", 0, "first", null));
        Eventually.Until(() => sink.Entered, TimeSpan.FromSeconds(30), "the drain thread writing (and getting stuck)");
        // The drain is blocked in Write: writers fill the ring, then drop and count, never wait.
        var writer = new Thread(() =>
        {
            for (var i = 0; i < 100; i++) ring.TryWrite(LogLevel.Information, "c", i, "more", null);
        });
        writer.Start();
        Eventually.Until(() => !writer.IsAlive, TimeSpan.FromSeconds(30), "100 writes while the drain is stuck returning");
        Assert.Equal(100 - 16, ring.Dropped);
        Assert.False(drain.Flush(TimeSpan.Zero));
        sink.Release();
        Assert.True(drain.Flush(TimeSpan.FromSeconds(60)));
        Assert.Equal(1 + 16, sink.Lines);
    }

    /// <summary>A stderr nobody reads: the first write blocks until released.</summary>
    private sealed class StuckStream : Stream
    {
        private readonly ManualResetEventSlim _released = new();
        private volatile bool _entered;
        private int _lines;

        public bool Entered => _entered;
        public int Lines => Volatile.Read(ref _lines);

        public void Release() => _released.Set();

        public override void Write(byte[] buffer, int offset, int count)
        {
            _entered = true;
            _released.Wait();
            Interlocked.Add(ref _lines, buffer.AsSpan(offset, count).Count((byte)'\n'));
        }

        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _released.Set();
            if (disposing) _released.Dispose();
            base.Dispose(disposing);
        }
    }

    [Fact]
    public void An_idle_drain_allocates_nothing_per_poll()
    {
        // The drain polls every 20 ms for as long as the service runs: a poll that allocated (an enumerator over its
        // rate limits did, 32 B) added 16 B a frame to the process in the bench. The ring is empty and stays so.
        var ring = new LogRing(16);
        using var drain = new LogDrain(ring, new MemoryStream(), new LogFormat(LogStyle.Simple, null), [new RateLimit("FFmpeg", 3), new RateLimit("other", 3)]);
        Assert.False(drain.DrainOnce());
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) drain.DrainOnce();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
