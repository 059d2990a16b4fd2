using System.Globalization;
using SmartCam.Core;

namespace SmartCam.Commands.Bench;

/// <summary>
/// The bench's progress on a terminal: one line per phase, rewritten in place (carriage return, clear to end of line) at
/// most <see cref="RedrawNs"/> apart with the phase, frames (or seconds) done of the total, the current fps and the time
/// left, and ended with a newline when the phase ends. Only ever called from the bench's own thread, never a loop thread.
/// Without a terminal (stderr redirected: tests, CI logs) every call does nothing, so the output stays as it was.
/// A line is drawn into a buffer made once and written as chars: the measured run's process-wide allocations stay the
/// pipeline's own.
/// </summary>
public sealed class BenchProgress(TextWriter? terminal)
{
    /// <summary>At most four lines a second.</summary>
    public const long RedrawNs = 250_000_000;

    /// <summary>How often the bench's thread looks at the pipeline while it waits.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private const string ClearToEnd = "\u001b[K";
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    private readonly char[] _line = new char[256];
    private int _length;
    private string _phase = "", _unit = "";
    private bool _timed;
    private long _total, _done, _beginNs, _drawnNs, _firstFrames, _drawnFrames, _frames;
    private double _fps;

    /// <summary>Progress on stderr when it is a terminal; otherwise none.</summary>
    public static BenchProgress ForStderr() => new(Console.IsErrorRedirected ? null : Console.Error);

    public bool Enabled => terminal is not null;

    /// <summary>A phase counted in <paramref name="unit"/> (frames, runs) up to <paramref name="total"/>.</summary>
    public void Begin(string phase, long total, string unit) => Begin(phase, total, unit, timed: false, MonotonicClock.NowNs());

    /// <summary>A phase of <paramref name="seconds"/>; frames only give its fps.</summary>
    public void BeginTimed(string phase, int seconds) => Begin(phase, seconds * 1_000_000_000L, "s", timed: true, MonotonicClock.NowNs());

    internal void Begin(string phase, long total, string unit, bool timed, long nowNs)
    {
        (_phase, _total, _unit, _timed) = (phase, total, unit, timed);
        (_beginNs, _drawnNs, _done, _frames, _firstFrames, _fps) = (nowNs, nowNs, 0, 0, -1, 0);
    }

    /// <summary><paramref name="frames"/>: a counted phase's units done; in a timed phase, any frame counter (its rate is the fps).</summary>
    public void Update(long frames) => Update(frames, MonotonicClock.NowNs());

    internal void Update(long frames, long nowNs)
    {
        if (terminal is null) return;
        if (_firstFrames < 0) (_firstFrames, _drawnFrames) = (_timed ? frames : 0, _timed ? frames : 0);
        _frames = frames;
        _done = _timed ? Math.Min(_total, nowNs - _beginNs) : frames;
        if (nowNs - _drawnNs < RedrawNs) return;
        _fps = (frames - _drawnFrames) * 1e9 / (nowNs - _drawnNs);
        (_drawnNs, _drawnFrames) = (nowNs, frames);
        Draw(nowNs, final: false);
    }

    /// <summary>The phase's last state, and a newline: it stays on the screen above the next.</summary>
    public void End() => End(MonotonicClock.NowNs());

    internal void End(long nowNs)
    {
        if (terminal is null) return;
        if (_timed) _done = _total;
        // The phase's own average: the last redraw's rate may be a fraction of a second old.
        var seconds = (nowNs - _beginNs) / 1e9;
        if (seconds > 0 && _firstFrames >= 0) _fps = (_frames - _firstFrames) / seconds;
        Draw(nowNs, final: true);
    }

    /// <summary>A timed phase of <paramref name="seconds"/> on the bench's thread, redrawn meanwhile; a plain sleep without a terminal.</summary>
    public void Sleep(string phase, int seconds, Func<long> frames)
    {
        if (terminal is null)
        {
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
            return;
        }
        BeginTimed(phase, seconds);
        var endNs = _beginNs + _total;
        for (var now = MonotonicClock.NowNs(); now < endNs; now = MonotonicClock.NowNs())
        {
            Update(frames(), now);
            Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, Math.Min(Poll.Ticks, (endNs - now) / 100))));
        }
        Update(frames());
        End();
    }

    private void Draw(long nowNs, bool final)
    {
        _length = 0;
        Put("\r");
        Put(_phase);
        Put(": ");
        if (_timed)
        {
            Put(Math.Floor(_done / 1e9), "0");
            Put("/");
            Put(_total / 1e9, "0");
            Put(" s");
        }
        else
        {
            Put(_done, "0");
            Put("/");
            Put(_total, "0");
            Put(" ");
            Put(_unit);
        }
        Put(", ");
        Put(_fps, "0.0");
        Put(" fps");
        if (!final && LeftSeconds(nowNs) is var left and >= 0)
        {
            Put(", ");
            Put(Math.Ceiling(left), "0");
            Put(" s left");
        }
        Put(ClearToEnd);
        if (final) Put("\n");
        terminal!.Write(_line, 0, _length);
        terminal.Flush();
    }

    /// <summary>Timed: what remains of it; counted: the units left at the phase's average rate so far (-1 before there is one).</summary>
    private double LeftSeconds(long nowNs)
    {
        if (_timed) return (_total - _done) / 1e9;
        var elapsed = (nowNs - _beginNs) / 1e9;
        return _done > 0 && elapsed > 0 ? (_total - _done) / (_done / elapsed) : -1;
    }

    private void Put(ReadOnlySpan<char> text)
    {
        var n = Math.Min(text.Length, _line.Length - _length);
        text[..n].CopyTo(_line.AsSpan(_length));
        _length += n;
    }

    private void Put(double value, string format)
    {
        if (value.TryFormat(_line.AsSpan(_length), out var written, format, C)) _length += written;
    }
}
