using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SmartCam.Configuration;

namespace SmartCam.Capture;

/// <summary>
/// The capture thread (<c>sc-capture</c>): reads frames from the source into exchange slots, stamps
/// them, paces file playback at the file's rate when asked, skips unreadable frames, reconnects live
/// sources with backoff and loops or ends files.
/// </summary>
public sealed class CaptureLoop : IDisposable
{
    private readonly CameraConfig _config;
    private readonly IFrameSource _source;
    private readonly FrameExchange _exchange;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    private long _frames, _corrupt, _reconnects;
    private volatile string _state = "starting";

    public CaptureLoop(CameraConfig config, IFrameSource source, FrameExchange exchange, ILogger log)
    {
        _config = config;
        _source = source;
        _exchange = exchange;
        _log = log;
    }

    public long Frames => Interlocked.Read(ref _frames);
    public long Corrupt => Interlocked.Read(ref _corrupt);
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>starting, running, reconnecting or ended.</summary>
    public string State => _state;

    /// <summary>Why capture ended early, if it did (a file that cannot be opened).</summary>
    public SourceException? Failure { get; private set; }

    public void Start()
    {
        _thread = new Thread(Run) { Name = "sc-capture", IsBackground = true };
        _thread.Start();
    }

    public void Stop()
    {
        _stop.Cancel();
        _source.Interrupt();
        // A driver stuck in a read must not hold up shutdown (and the outputs' safe state) for ever.
        if (_thread is not null && !_thread.Join(TimeSpan.FromSeconds(5)))
            _log.LogWarning("Camera {Camera}: capture did not stop within 5 s; leaving it behind", _config.Id);
    }

    private void Run()
    {
        try
        {
            if (OpenWithRetry()) ReadFrames();
        }
        catch (SourceException e)
        {
            Failure = e;
        }
        finally
        {
            _source.Dispose();
            _state = "ended";
            _exchange.Complete();
        }
    }

    private void ReadFrames()
    {
        var stop = _stop.Token;
        var pace = !_config.IsLive && _config.Pace == Pace.Realtime && _source.Fps > 0;
        var periodTicks = pace ? (long)(Stopwatch.Frequency / _source.Fps) : 0;
        var next = Stopwatch.GetTimestamp();
        var seq = 0L;
        var errorsInRow = 0;

        while (!stop.IsCancellationRequested)
        {
            var frame = _exchange.RentForWrite(stop);
            if (frame is null) return;
            var started = MonotonicClock.NowNs();
            var result = ReadSafely(frame);
            var read = MonotonicClock.NowNs();

            if (result == ReadResult.Frame)
            {
                errorsInRow = 0;
                frame.Seq = seq++;
                frame.CaptureNs = read;
                frame.CaptureUtc = DateTime.UtcNow;
                frame.CaptureDurationNs = read - started;
                _exchange.Publish(frame, stop);
                Interlocked.Increment(ref _frames);
                if (pace) next = WaitForNextFrame(next, periodTicks, stop);
                continue;
            }

            _exchange.ReturnUnwritten(frame);
            if (stop.IsCancellationRequested) return;
            if (result == ReadResult.Corrupt)
            {
                Interlocked.Increment(ref _corrupt);
                if (++errorsInRow < _config.MaxConsecutiveErrors) continue;
                if (!_config.IsLive)
                {
                    _log.LogWarning("Camera {Camera}: stopped after {Count} unreadable frames in a row: the file is truncated or damaged", _config.Id, errorsInRow);
                    return;
                }
                result = ReadResult.Disconnected;
            }
            if (result == ReadResult.End)
            {
                if (!_config.Loop) return;
                _source.Open();
                continue;
            }
            // Disconnected: a live source went away.
            _log.LogWarning("Camera {Camera}: the source stopped delivering frames; reconnecting", _config.Id);
            Interlocked.Increment(ref _reconnects);
            errorsInRow = 0;
            if (!OpenWithRetry()) return;
        }
    }

    /// <summary>A decoder that throws on damaged data costs one frame, not the process.</summary>
    private ReadResult ReadSafely(Frame frame)
    {
        try
        {
            return _source.Read(frame.Image);
        }
        catch (OpenCvSharp.OpenCVException e)
        {
            _log.LogWarning("Camera {Camera}: unreadable frame skipped: {Error}", _config.Id, e.Message);
            return ReadResult.Corrupt;
        }
    }

    /// <summary>Sleeps to the next frame's slot on an absolute schedule; a late frame resets the schedule rather than bursting to catch up.</summary>
    private static long WaitForNextFrame(long next, long periodTicks, CancellationToken stop)
    {
        next += periodTicks;
        var now = Stopwatch.GetTimestamp();
        if (next <= now) return now;
        var ms = (int)((next - now) * 1000 / Stopwatch.Frequency);
        if (ms > 0) stop.WaitHandle.WaitOne(ms);
        return next;
    }

    /// <summary>Opens the source. A file that cannot open throws; a live source retries with backoff until stopped.</summary>
    private bool OpenWithRetry()
    {
        var delay = _config.ReconnectInitialMs;
        while (true)
        {
            try
            {
                _source.Open();
                _state = "running";
                _log.LogInformation("Camera {Camera}: opened {Source} ({Fps:0.##} fps)", _config.Id, FfmpegPipeSource.Redact(_config.Source), _source.Fps);
                return true;
            }
            catch (SourceException e) when (_config.IsLive)
            {
                _state = "reconnecting";
                _log.LogWarning("Camera {Camera}: {Error}; retrying in {Delay} ms", _config.Id, e.Message, delay);
                if (_stop.Token.WaitHandle.WaitOne(delay)) return false;
                delay = Math.Min(delay * 2, _config.ReconnectMaxMs);
            }
        }
    }

    public void Dispose() => _stop.Dispose();
}
