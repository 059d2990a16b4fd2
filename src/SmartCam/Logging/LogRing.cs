using System.Text;
using Microsoft.Extensions.Logging;

namespace SmartCam.Logging;

/// <summary>One log record as the drain thread reads it; <see cref="Text"/> is null only when <see cref="Exception"/> says it all.</summary>
public readonly record struct LogRecord(LogLevel Level, long UtcTicks, string Category, int EventId, string? Text, Exception? Exception);

/// <summary>
/// A bounded lock-free queue of log records: many writers (any thread, loop threads included), one reader (the drain
/// thread). Dmitry Vyukov's bounded queue with a sequence number per cell: a writer claims a cell with one
/// compare-and-swap and publishes it with one store; it never waits for the reader or for another writer. A full ring
/// drops the record and counts it (<see cref="Dropped"/>): a stuck stderr costs log lines, never a frame.
/// Native lines (FFmpeg's) are copied into a byte buffer preallocated per cell, so writing them allocates nothing.
/// </summary>
public sealed class LogRing
{
    /// <summary>The longest native line kept (bytes of UTF-8); longer ones are cut.</summary>
    public const int NativeLineBytes = 512;

    private struct Cell
    {
        public long Sequence;
        public LogLevel Level;
        public long UtcTicks;
        public string? Category;
        public int EventId;
        public string? Text;
        public Exception? Exception;
        public int NativeLength;
    }

    private readonly Cell[] _cells;
    private readonly byte[] _native;
    private readonly long _mask;
    private long _writePos, _readPos, _dropped;

    /// <param name="capacity">A power of two.</param>
    public LogRing(int capacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(capacity), "a power of two, at least 2");
        _cells = new Cell[capacity];
        _native = new byte[capacity * NativeLineBytes];
        _mask = capacity - 1;
        for (var i = 0; i < capacity; i++) _cells[i].Sequence = i;
    }

    public int Capacity => _cells.Length;

    /// <summary>Records dropped because the ring was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records accepted so far (written or still waiting for the reader to take them).</summary>
    public long Accepted => Interlocked.Read(ref _writePos);

    /// <summary>Records the reader has taken so far.</summary>
    public long Taken => Interlocked.Read(ref _readPos);

    /// <summary>Queues a managed record; false (and counted) when the ring is full. Never blocks.</summary>
    public bool TryWrite(LogLevel level, string category, int eventId, string? text, Exception? exception)
    {
        if (!TryClaim(out var pos)) return false;
        ref var cell = ref _cells[pos & _mask];
        Fill(ref cell, level, category, eventId);
        cell.Text = text;
        cell.Exception = exception;
        Volatile.Write(ref cell.Sequence, pos + 1);
        return true;
    }

    /// <summary>Queues a native line (UTF-8, cut at <see cref="NativeLineBytes"/>); allocates nothing. False (and counted) when full.</summary>
    public bool TryWrite(LogLevel level, string category, ReadOnlySpan<byte> utf8)
    {
        if (!TryClaim(out var pos)) return false;
        ref var cell = ref _cells[pos & _mask];
        Fill(ref cell, level, category, 0);
        var length = Math.Min(utf8.Length, NativeLineBytes);
        utf8[..length].CopyTo(_native.AsSpan((int)(pos & _mask) * NativeLineBytes, length));
        cell.NativeLength = length;
        Volatile.Write(ref cell.Sequence, pos + 1);
        return true;
    }

    /// <summary>Takes the oldest record, if one is published. One reader only.</summary>
    public bool TryRead(out LogRecord record)
    {
        var pos = _readPos;
        ref var cell = ref _cells[pos & _mask];
        if (Volatile.Read(ref cell.Sequence) != pos + 1)
        {
            record = default;
            return false;
        }
        var text = cell.NativeLength > 0
            ? Encoding.UTF8.GetString(_native, (int)(pos & _mask) * NativeLineBytes, cell.NativeLength)
            : cell.Text;
        record = new LogRecord(cell.Level, cell.UtcTicks, cell.Category!, cell.EventId, text, cell.Exception);
        // Let go of the references, so a logged exception is not kept alive by the ring.
        cell.Text = null;
        cell.Exception = null;
        cell.Category = null;
        Volatile.Write(ref cell.Sequence, pos + _cells.Length);
        Volatile.Write(ref _readPos, pos + 1);
        return true;
    }

    private bool TryClaim(out long pos)
    {
        pos = Volatile.Read(ref _writePos);
        while (true)
        {
            var sequence = Volatile.Read(ref _cells[pos & _mask].Sequence);
            var lag = sequence - pos;
            if (lag == 0)
            {
                var seen = Interlocked.CompareExchange(ref _writePos, pos + 1, pos);
                if (seen == pos) return true;
                pos = seen;
            }
            else if (lag < 0)
            {
                // The cell still holds a record from one lap ago that the reader has not taken: full.
                Interlocked.Increment(ref _dropped);
                return false;
            }
            else
            {
                pos = Volatile.Read(ref _writePos);
            }
        }
    }

    private static void Fill(ref Cell cell, LogLevel level, string category, int eventId)
    {
        cell.Level = level;
        cell.UtcTicks = DateTime.UtcNow.Ticks;
        cell.Category = category;
        cell.EventId = eventId;
        cell.Text = null;
        cell.Exception = null;
        cell.NativeLength = 0;
    }
}
