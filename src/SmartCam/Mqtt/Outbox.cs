using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Microsoft.Win32.SafeHandles;
using SmartCam.Core;

namespace SmartCam.Mqtt;

/// <summary>What the outbox holds and has done, for status.box and /metrics; counts are since start.</summary>
/// <param name="Events">Events waiting for the broker's acknowledgement (on disk).</param>
/// <param name="Bytes">The outbox's files' size.</param>
/// <param name="Dropped">Events dropped unacknowledged because the outbox was full (the oldest first).</param>
/// <param name="Recovered">Events found on disk at start, left by an earlier run.</param>
public readonly record struct OutboxCounters(long Events, long Bytes, long Appended, long Acked, long Dropped, long Recovered, long Syncs);

/// <summary>
/// The MQTT client's on-disk FIFO of events waiting for the broker's acknowledgement (docs/mqtt.md#delivery). An event
/// is appended before it is sent, and sent only once it is on disk (<see cref="Sync"/>: one fsync per batch); it leaves
/// when the broker acknowledges it. So a power cut loses at most the batch not yet synced, never an event sent and not
/// acknowledged; after a restart everything not acknowledged is sent again (duplicates carry the same id).
/// <para>
/// Files: segments <c>NNNNNNNNNNNN.outbox</c> of text lines <c>CRC32 TOPIC JSON\n</c> (the CRC over <c>TOPIC JSON</c>,
/// so a line torn by a power cut is found and cut off), each about a sixteenth of <c>max_mb</c>; a segment is deleted
/// once every event in it is acknowledged, or, when the outbox is over <c>max_mb</c>, the oldest segment is deleted
/// whole with its events counted as dropped. <c>head</c> remembers where the first unacknowledged event is, so a
/// restart does not send acknowledged ones again (it is written now and then, not synced: a stale one only means
/// duplicates). Used by one thread (<c>sc-mqtt</c>); <see cref="Counters"/> may be read from any.
/// </para>
/// </summary>
public sealed class Outbox : IDisposable
{
    private const string Extension = ".outbox";
    private const string HeadFile = "head";
    private const int CrcChars = 8;

    /// <summary>One segment file, open for the whole time it exists.</summary>
    internal sealed class Segment(long number, string path, SafeFileHandle handle, long length)
    {
        public readonly long Number = number;
        public readonly string Path = path;
        public readonly SafeFileHandle Handle = handle;
        public long Length = length;
    }

    /// <summary>One event in the outbox: where its line is. The sender holds it while the broker has it.</summary>
    public sealed class Entry
    {
        internal Segment Segment = null!;
        internal long Offset;
        internal int Length;
        internal bool Acked;
    }

    private readonly string _dir;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly List<Segment> _segments = [];
    private readonly List<Entry> _entries = []; // [_first, Count): not acknowledged, oldest first
    private int _first, _send, _synced;
    private bool _dirChanged;
    private byte[] _line = new byte[4096];
    private long _bytes, _appended, _acked, _dropped, _recovered, _syncs, _events;
    private (long Segment, long Offset) _savedHead = (-1, -1);

    private Outbox(string dir, long maxBytes)
    {
        _dir = dir;
        _maxBytes = maxBytes;
        _segmentBytes = Math.Clamp(maxBytes / 16, 4096, 4 * 1024 * 1024);
    }

    /// <summary>What was found on disk and cut off at start (a torn last line after a power cut), for one log line; null when nothing.</summary>
    public string? RecoveryNote { get; private set; }

    /// <summary>Opens (creating it) the outbox in <paramref name="dir"/> and takes in what an earlier run left; IOException or UnauthorizedAccessException when the folder cannot be used.</summary>
    public static Outbox Open(string dir, long maxBytes)
    {
        Directory.CreateDirectory(dir);
        var outbox = new Outbox(dir, maxBytes);
        outbox.Recover();
        return outbox;
    }

    public OutboxCounters Counters => new(Interlocked.Read(ref _events), Interlocked.Read(ref _bytes), Interlocked.Read(ref _appended),
        Interlocked.Read(ref _acked), Interlocked.Read(ref _dropped), Interlocked.Read(ref _recovered), Interlocked.Read(ref _syncs));

    /// <summary>Events not yet acknowledged.</summary>
    public int Pending => _entries.Count - _first;

    /// <summary>Appends one message (not yet durable: <see cref="Sync"/>); over <c>max_mb</c> the oldest segment goes.</summary>
    public void Append(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> body)
    {
        var length = CrcChars + 1 + topic.Length + 1 + body.Length + 1;
        if (_line.Length < length) _line = new byte[Math.Max(length, 2 * _line.Length)];
        var line = _line.AsSpan(0, length);
        topic.CopyTo(line[(CrcChars + 1)..]);
        line[CrcChars + 1 + topic.Length] = (byte)' ';
        body.CopyTo(line[(CrcChars + 2 + topic.Length)..]);
        var crc = Crc32.HashToUInt32(line[(CrcChars + 1)..^1]);
        crc.TryFormat(line, out _, "x8", CultureInfo.InvariantCulture);
        line[CrcChars] = (byte)' ';
        line[^1] = (byte)'\n';

        var segment = _segments.Count > 0 && _segments[^1].Length < _segmentBytes ? _segments[^1] : NewSegment();
        RandomAccess.Write(segment.Handle, line, segment.Length);
        _entries.Add(new Entry { Segment = segment, Offset = segment.Length, Length = length });
        segment.Length += length;
        Interlocked.Add(ref _bytes, length);
        Interlocked.Increment(ref _appended);
        Interlocked.Increment(ref _events);
        DropOldestWhileFull();
    }

    /// <summary>Makes everything appended durable (fsync of the newest segment, and of the folder when a segment was made); from now on it may be sent.</summary>
    public void Sync()
    {
        if (_synced == _entries.Count && !_dirChanged) return;
        // Only the newest segment can hold unsynced lines: an older one was synced before the newest was made.
        if (_segments.Count > 0) RandomAccess.FlushToDisk(_segments[^1].Handle);
        if (_dirChanged) Libc.SyncDirectory(_dir);
        _dirChanged = false;
        _synced = _entries.Count;
        Interlocked.Increment(ref _syncs);
    }

    /// <summary>The oldest durable event not yet handed out since the last <see cref="Rewind"/>, read back from disk; false when none.</summary>
    public bool TryNext(out Entry entry, out string topic, out byte[] body)
    {
        if (_send < _first) _send = _first;
        while (_send < _synced)
        {
            entry = _entries[_send++];
            if (entry.Acked) continue;
            var line = new byte[entry.Length];
            RandomAccess.Read(entry.Segment.Handle, line, entry.Offset);
            var rest = line.AsSpan(CrcChars + 1, line.Length - CrcChars - 2);
            var space = rest.IndexOf((byte)' ');
            topic = Encoding.UTF8.GetString(rest[..space]);
            body = rest[(space + 1)..].ToArray();
            return true;
        }
        entry = null!;
        topic = "";
        body = [];
        return false;
    }

    /// <summary>The broker lost what it had not acknowledged (a broken connection): hand out again from the oldest unacknowledged event.</summary>
    public void Rewind() => _send = _first;

    /// <summary>The broker acknowledged <paramref name="entry"/>: it leaves, and segments with nothing left are deleted.</summary>
    public void Ack(Entry entry)
    {
        if (entry.Acked) return;
        entry.Acked = true;
        // Still in the outbox (not dropped while the broker had it)?
        if (_segments.Count == 0 || entry.Segment.Number < _segments[0].Number) return;
        Interlocked.Increment(ref _acked);
        Interlocked.Decrement(ref _events);
        while (_first < _entries.Count && _entries[_first].Acked) _first++;
        // Every segment before the oldest unacknowledged event's, and the newest too when all is acknowledged and it is full.
        var keep = _first < _entries.Count ? _entries[_first].Segment.Number : long.MaxValue;
        while (_segments.Count > 0 && (_segments[0].Number < keep && (_segments.Count > 1 || _segments[0].Length >= _segmentBytes)))
            DeleteOldestSegment();
        Compact();
    }

    /// <summary>Remembers where the first unacknowledged event is (not synced: a stale head only means duplicates after a restart).</summary>
    public void SaveHead()
    {
        var head = _first < _entries.Count
            ? (_entries[_first].Segment.Number, _entries[_first].Offset)
            : _segments.Count > 0 ? (_segments[^1].Number, _segments[^1].Length) : (0, 0);
        if (head == _savedHead) return;
        var path = Path.Combine(_dir, HeadFile);
        File.WriteAllText(path + ".tmp", FormattableString.Invariant($"{head.Item1} {head.Item2}\n"));
        File.Move(path + ".tmp", path, overwrite: true);
        _savedHead = head;
    }

    public void Dispose()
    {
        try
        {
            // Everything acknowledged: nothing to keep (a clean stop with the broker there leaves an empty folder).
            if (Pending == 0)
            {
                foreach (var s in _segments)
                {
                    s.Handle.Dispose();
                    File.Delete(s.Path);
                }
                _segments.Clear();
                File.Delete(Path.Combine(_dir, HeadFile));
                return;
            }
            SaveHead();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The next start sends acknowledged events again: duplicates, with the same ids.
        }
        foreach (var s in _segments) s.Handle.Dispose();
        _segments.Clear();
    }

    private Segment NewSegment()
    {
        // Lines in the segment before it were synced before any line of the new one is: one fsync covers the older file.
        if (_segments.Count > 0 && _synced < _entries.Count) RandomAccess.FlushToDisk(_segments[^1].Handle);
        var number = _segments.Count > 0 ? _segments[^1].Number + 1 : 1;
        var path = Path.Combine(_dir, number.ToString("D12", CultureInfo.InvariantCulture) + Extension);
        var segment = new Segment(number, path, File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite), 0);
        _segments.Add(segment);
        _dirChanged = true;
        return segment;
    }

    private void DropOldestWhileFull()
    {
        while (Interlocked.Read(ref _bytes) > _maxBytes && _segments.Count > 1)
        {
            var oldest = _segments[0].Number;
            var dropped = 0L;
            while (_first < _entries.Count && _entries[_first].Segment.Number == oldest)
            {
                if (!_entries[_first].Acked) dropped++;
                _first++;
            }
            Interlocked.Add(ref _dropped, dropped);
            Interlocked.Add(ref _events, -dropped);
            DeleteOldestSegment();
        }
        Compact();
    }

    private void DeleteOldestSegment()
    {
        var segment = _segments[0];
        _segments.RemoveAt(0);
        segment.Handle.Dispose();
        File.Delete(segment.Path);
        Interlocked.Add(ref _bytes, -segment.Length);
        _dirChanged = true;
    }

    /// <summary>Forgets entries that left, now and then (not on every ack: that would move the whole list each time).</summary>
    private void Compact()
    {
        if (_first < 1024 || _first < _entries.Count / 2) return;
        _entries.RemoveRange(0, _first);
        _send = Math.Max(0, _send - _first);
        _synced = Math.Max(0, _synced - _first);
        _first = 0;
    }

    /// <summary>Takes in the segments an earlier run left: every whole line after the saved head; a torn or corrupt tail is cut off.</summary>
    private void Recover()
    {
        var head = ReadHead();
        var cut = 0L;
        var files = Directory.GetFiles(_dir, "*" + Extension)
            .Select(f => (Path: f, Number: long.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1))
            .Where(f => f.Number > 0)
            .OrderBy(f => f.Number)
            .ToList();
        foreach (var (path, number) in files)
        {
            var bytes = File.ReadAllBytes(path);
            var valid = 0;
            var segment = new Segment(number, path, File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite), 0);
            while (valid < bytes.Length)
            {
                var end = bytes.AsSpan(valid).IndexOf((byte)'\n');
                if (end < 0 || !IsWhole(bytes.AsSpan(valid, end + 1))) break;
                var acked = number < head.Segment || (number == head.Segment && valid < head.Offset);
                if (!acked) _entries.Add(new Entry { Segment = segment, Offset = valid, Length = end + 1 });
                valid += end + 1;
            }
            if (valid < bytes.Length)
            {
                cut += bytes.Length - valid;
                RandomAccess.SetLength(segment.Handle, valid);
            }
            segment.Length = valid;
            _segments.Add(segment);
            _bytes += valid;
        }
        // Segments holding nothing unacknowledged go now, but for the newest (appended to next).
        var keep = _entries.Count > 0 ? _entries[0].Segment.Number : long.MaxValue;
        while (_segments.Count > 1 && _segments[0].Number < keep) DeleteOldestSegment();
        _recovered = _events = _entries.Count;
        _synced = _entries.Count;
        if (_entries.Count > 0 || cut > 0)
            RecoveryNote = $"{_entries.Count} unacknowledged event(s) found in {_dir}" + (cut > 0 ? $"; {cut} byte(s) of a torn or corrupt last line cut off" : "");
        DropOldestWhileFull();
    }

    /// <summary>A line <c>CRC32 TOPIC JSON\n</c> whose CRC matches.</summary>
    private static bool IsWhole(ReadOnlySpan<byte> line)
    {
        if (line.Length < CrcChars + 3 || line[CrcChars] != (byte)' ') return false;
        if (!uint.TryParse(line[..CrcChars], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var crc)) return false;
        var content = line[(CrcChars + 1)..^1];
        return content.IndexOf((byte)' ') > 0 && Crc32.HashToUInt32(content) == crc;
    }

    private (long Segment, long Offset) ReadHead()
    {
        try
        {
            var parts = File.ReadAllText(Path.Combine(_dir, HeadFile)).Split(' ', StringSplitOptions.TrimEntries);
            if (parts.Length == 2 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var segment) && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var offset))
                return (segment, offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // None (first start) or unreadable: everything on disk is sent again.
        }
        return (0, 0);
    }
}
