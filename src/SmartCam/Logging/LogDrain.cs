using System.Globalization;
using System.Text;

namespace SmartCam.Logging;

/// <summary>
/// The one thread (<c>sc-log</c>, normal priority) that empties the <see cref="LogRing"/> into stderr. It alone may block
/// on a slow or stuck stderr (a full pipe, a stalled journald); the loop threads only ever write to the ring, so
/// such a stall fills the ring and costs log lines (counted), never frames. It polls: loop threads then need no
/// system call to wake it, and a line shows within <see cref="IdleMs"/>.
/// </summary>
public sealed class LogDrain : IDisposable
{
    /// <summary>The pause when the ring is empty: how late a line may show.</summary>
    public const int IdleMs = 20;

    private readonly LogRing _ring;
    private readonly Stream _sink;
    // An array, walked by index: a foreach over an IReadOnlyList allocated its enumerator on every poll (16 B a frame process-wide).
    private readonly RateLimit[] _limits;
    private readonly Thread _thread;
    private readonly StringBuilder _line = new();
    private byte[] _bytes = new byte[4096];
    private volatile LogFormat _format;
    private volatile bool _stopping;
    /// <summary>Records taken from the ring and written (or given up on, when stderr is closed).</summary>
    private long _written;

    /// <param name="limits">The rate-limited sources whose suppressed lines this thread summarises.</param>
    public LogDrain(LogRing ring, Stream sink, LogFormat format, IReadOnlyList<RateLimit> limits)
    {
        _ring = ring;
        _sink = sink;
        _format = format;
        _limits = [.. limits];
        _thread = new Thread(Run) { Name = ThreadName, IsBackground = true };
        _thread.Start();
    }

    public const string ThreadName = "sc-log";

    /// <summary>How lines are written from now on (the command that hosts the pipeline decides).</summary>
    public LogFormat Format { get => _format; set => _format = value; }

    /// <summary>
    /// Waits until every record accepted so far is written, at most <paramref name="timeout"/>: a stuck stderr must not
    /// keep the process from ending, so the rest is then left behind.
    /// </summary>
    public bool Flush(TimeSpan timeout)
    {
        var until = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var accepted = _ring.Accepted;
        while (Volatile.Read(ref _written) < accepted)
        {
            if (Environment.TickCount64 >= until || !_thread.IsAlive) return false;
            Thread.Sleep(1);
        }
        return true;
    }

    private void Run()
    {
        while (!_stopping)
        {
            try
            {
                if (!DrainOnce()) Thread.Sleep(IdleMs);
            }
            catch (Exception)
            {
                // stderr closed (EPIPE), or a record that cannot be written (an exception whose ToString throws): those
                // lines are lost, never the process (an exception escaping this thread would end it). Go on emptying the ring.
                _line.Clear();
                while (_ring.TryRead(out _)) { }
                Volatile.Write(ref _written, _ring.Taken);
                Thread.Sleep(IdleMs);
            }
        }
    }

    /// <summary>Writes what the ring holds now, then any rate-limit summaries; false when there was nothing.</summary>
    internal bool DrainOnce()
    {
        var any = false;
        var format = _format;
        var pending = 0;
        while (_ring.TryRead(out var record))
        {
            LogLine.Append(_line, record, format);
            any = true;
            pending++;
            // Written in pieces of about a pipe's atomic size, so a line rarely interleaves with another writer's.
            if (_line.Length < 2048) continue;
            WriteLine();
            Interlocked.Add(ref _written, pending);
            pending = 0;
        }
        for (var i = 0; i < _limits.Length; i++)
        {
            var limit = _limits[i];
            var suppressed = limit.TakeUnreported();
            if (suppressed == 0) continue;
            var text = string.Create(CultureInfo.InvariantCulture, $"{suppressed} more {limit.Source} messages not shown (at most {limit.PerSecond} a second)");
            LogLine.Append(_line, new LogRecord(Microsoft.Extensions.Logging.LogLevel.Warning, DateTime.UtcNow.Ticks, limit.Source, 0, text, null), format);
            any = true;
        }
        if (_line.Length > 0) WriteLine();
        Interlocked.Add(ref _written, pending);
        return any;
    }

    private void WriteLine()
    {
        var count = Encoding.UTF8.GetMaxByteCount(_line.Length);
        if (_bytes.Length < count) _bytes = new byte[count];
        var length = 0;
        foreach (var chunk in _line.GetChunks()) length += Encoding.UTF8.GetBytes(chunk.Span, _bytes.AsSpan(length));
        _line.Clear();
        _sink.Write(_bytes, 0, length);
        _sink.Flush();
    }

    /// <summary>Stops the thread after at most <see cref="Flush"/>'s wait; a thread stuck in write(2) is left behind (it is a background thread).</summary>
    public void Dispose()
    {
        Flush(TimeSpan.FromSeconds(1));
        _stopping = true;
        _thread.Join(TimeSpan.FromSeconds(1));
    }
}
