using Microsoft.Extensions.Logging;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.HandOver;
using SmartCam.Logging;

namespace SmartCam.Capture;

/// <summary>
/// A camera's capture thread (<c>sc-capture</c>): reads frames from the source into the frame channel's items, stamps
/// them, prepares them for inference (the letterbox), paces file playback at the file's rate when
/// asked, skips unreadable frames, reconnects live sources with backoff and loops or ends files.
/// </summary>
public sealed class CaptureLoop : IDisposable
{
    private readonly CameraConfig _config;
    private readonly IFrameSource _source;
    private readonly SlotChannel<Frame> _channel;
    private readonly ILogger _log;
    private readonly Action<Frame>? _prepare;
    private readonly Action? _onStart;
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    private long _frames, _corrupt, _reconnects, _stalls;
    private volatile string _state = "starting";
    private long _openStartedNs = -1;
    private long _allocatedBytes, _ownBusyNs, _minorFaults, _majorFaults, _periodNs, _burst, _burstGapNs;
    /// <summary>How often a run of unreadable frames is logged: a damaged file has one per frame, and each line is a log record.</summary>
    private const long UnreadableLogIntervalNs = 10_000_000_000;
    private LogThrottle _unreadable = new(UnreadableLogIntervalNs);

    /// <summary>
    /// Reads <paramref name="source"/> into <paramref name="frames"/>; <paramref name="prepare"/> runs on
    /// each frame on this thread before hand-over, so that work overlaps the previous frame's inference.
    /// </summary>
    /// <param name="onStart">Runs first on the capture thread (real-time placement).</param>
    public CaptureLoop(CameraConfig config, IFrameSource source, SlotChannel<Frame> frames, ILogger log, Action<Frame>? prepare = null, Action? onStart = null)
    {
        _onStart = onStart;
        _config = config;
        _source = source;
        _channel = frames;
        _log = log;
        _prepare = prepare;
    }

    /// <summary>The live view's copy of the frames (null: no HTTP server); set before <see cref="Start"/>.</summary>
    public FrameTap? Tap { get; set; }

    /// <summary>Bytes this thread had allocated after its latest frame (for allocation checks).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    public long Frames => Interlocked.Read(ref _frames);
    /// <summary>Unreadable frames skipped, plus frames a live source delivered damaged.</summary>
    public long Corrupt => Interlocked.Read(ref _corrupt) + _source.DamagedFrames;
    public long Reconnects => Interlocked.Read(ref _reconnects);

    /// <summary>Times a live source was reopened because it sent nothing for <c>stall_ms</c> (also counted in <see cref="Reconnects"/>).</summary>
    public long Stalls => Interlocked.Read(ref _stalls);

    /// <summary>Page faults this thread had taken after its latest frame.</summary>
    public (long Minor, long Major) PageFaults => (Interlocked.Read(ref _minorFaults), Interlocked.Read(ref _majorFaults));

    /// <summary>The camera's frame period from its frame rate once the source is open (0 before): each frame's deadline.</summary>
    public long PeriodNs => Interlocked.Read(ref _periodNs);

    /// <summary>starting, running, reconnecting, ended, or failed (see <see cref="Error"/>).</summary>
    public string State => _state;

    /// <summary>Live frames replaced by one that followed within half a frame period: the source caught up on a backlog (not the detector's fault).</summary>
    public long Burst => Interlocked.Read(ref _burst);

    /// <summary>Live frames replaced unread because the detector was busy (bursts apart).</summary>
    public long Dropped => _channel.Dropped - Burst;

    /// <summary>This stage's counters, read together.</summary>
    public CaptureCounters Counters => new(Frames, Dropped, Burst, Corrupt, Reconnects, Stalls, State, PeriodNs, Error, Mode);

    /// <summary>What the source settled on when it last opened (<see cref="IFrameSource.Description"/>), for status.</summary>
    public string? Mode { get; private set; }

    /// <summary>Why capture ended early, if it did (a file that cannot be opened).</summary>
    public SourceException? Failure { get; private set; }

    /// <summary>An unexpected exception that ended capture (a bug or a driver fault): the camera's outputs go safe, the others run on.</summary>
    public Exception? Fault { get; private set; }

    /// <summary>Why capture failed, one line (<see cref="Failure"/> or <see cref="Fault"/>); null while it has not.</summary>
    public string? Error { get; private set; }

    public void Start()
    {
        // A source that shows the viewer another stream than the detector's feeds the tap itself.
        if (Tap is not null && _source is IFeedsView view)
        {
            view.Tap = Tap;
            Tap = null;
        }
        _thread = new Thread(Run) { Name = ThreadName, IsBackground = true };
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
            _onStart?.Invoke();
            if (OpenWithRetry()) ReadFrames();
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Stop() interrupts the source under this thread (a live camera's ffmpeg killed mid-open or mid-read):
            // whatever that throws is the stop's doing, not a failure of the camera.
        }
        catch (SourceException e)
        {
            Failure = e;
            Error = UserError.OneLine(e.Message);
        }
        catch (Exception e)
        {
            // Not on this thread's stack: an unhandled exception here would end the process before the
            // pipeline could drive the outputs safe and say why.
            Fault = e;
            Error = UserError.OneLine(e.Message);
        }
        finally
        {
            ReportHeldUnreadable();
            _source.Dispose();
            _state = Error is null ? "ended" : "failed";
            _channel.Complete();
        }
    }

    private void ReadFrames()
    {
        var stop = _stop.Token;
        var pace = !_config.IsLive && _config.Pace == Pace.Realtime && _source.Fps > 0;
        var periodNs = pace ? (long)(1e9 / _source.Fps) : 0;
        var next = MonotonicClock.NowNs();
        var lateNs = -1L;
        var seq = 0L;
        var errorsInRow = 0;
        // Paced files wait for their slot instead; live sources set their own pace.
        var justInTime = !_config.IsLive && _config.Pace == Pace.Max;
        var media = new MediaClock(_source.Fps);

        while (!stop.IsCancellationRequested)
        {
            var frame = _channel.Rent(stop);
            if (frame is null) return;
            if (justInTime) lateNs = WaitUntilNeeded();
            var started = MonotonicClock.NowNs();
            var result = ReadSafely(frame);
            var read = MonotonicClock.NowNs();

            if (result == ReadResult.Frame)
            {
                errorsInRow = 0;
                frame.Seq = seq++;
                // The device's own capture instant where it gives one (a V4L2 driver's timestamp), else the read's.
                var sensor = _source.LastCaptureNs;
                var captured = sensor > 0 && sensor <= read ? sensor : read;
                frame.CaptureNs = captured;
                frame.ReadNs = sensor > 0 && sensor <= read ? read : 0;
                frame.CaptureUtc = DateTime.UtcNow.AddTicks(-(read - captured) / 100);
                frame.SceneNs = _config.OnMediaClock ? media.Next(_source.PositionNs) : captured;
                // A live camera's pace is not decoding time: the wait for it is reported on its own.
                frame.WaitDurationNs = Math.Min(_source.LastWaitNs, read - started);
                frame.CaptureDurationNs = read - started - frame.WaitDurationNs - frame.ConvertDurationNs;
                if (_openStartedNs >= 0)
                {
                    _log.LogInformation("Camera {Camera}: first frame {Ms:0} ms after opening", _config.Id, (read - _openStartedNs) / 1e6);
                    _openStartedNs = -1;
                }
                _prepare?.Invoke(frame);
                var prepared = MonotonicClock.NowNs();
                frame.PrepareDurationNs = prepared - read;
                frame.CaptureLateNs = lateNs;
                frame.ReadyNs = prepared;
                _ownBusyNs = _ownBusyNs == 0 ? prepared - started : _ownBusyNs + (prepared - started - _ownBusyNs) / 8;
                if (_channel.Write(frame) is { } replaced) CountReplaced(replaced, frame);
                // After the hand-over, so a viewer's copy never delays a frame; the inference thread only reads the pixels too.
                Tap?.Offer(frame);
                Interlocked.Increment(ref _frames);
                Interlocked.Exchange(ref _allocatedBytes, GC.GetAllocatedBytesForCurrentThread());
                var (minor, major) = Libc.PageFaults(Libc.RusageThread);
                Interlocked.Exchange(ref _minorFaults, minor);
                Interlocked.Exchange(ref _majorFaults, major);
                if (pace) (next, lateNs) = WaitForNextFrame(next, periodNs, stop);
                continue;
            }

            _channel.ReturnUnwritten(frame);
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
                if (!_source.TryRewind()) _source.Open();
                media.Rewound();
                continue;
            }
            // Disconnected or stalled: a live source went away.
            _state = "reconnecting";
            if (result == ReadResult.Stalled)
            {
                Interlocked.Increment(ref _stalls);
                _log.LogWarning("Camera {Camera}: no frame for {Ms} ms though the stream is still open (stalled); reconnecting", _config.Id, _config.StallMs);
            }
            else
            {
                _log.LogWarning("Camera {Camera}: the source stopped delivering frames; reconnecting", _config.Id);
            }
            Interlocked.Increment(ref _reconnects);
            errorsInRow = 0;
            if (!OpenWithRetry()) return;
        }
    }

    /// <summary>
    /// A live frame the detector never took: lost to the busy detector, unless the next came less than half a frame
    /// period after it (a backlog after a (re)connect or a network hiccup, which no detector could have kept up with).
    /// </summary>
    private void CountReplaced(Frame replaced, Frame newer)
    {
        if (IsBurst(replaced.CaptureNs, newer.CaptureNs, Interlocked.Read(ref _burstGapNs))) Interlocked.Increment(ref _burst);
    }

    /// <summary>A replaced frame counts as a burst when its successor came less than <paramref name="gapNs"/> after it (0: never).</summary>
    internal static bool IsBurst(long replacedCaptureNs, long newerCaptureNs, long gapNs) => newerCaptureNs - replacedCaptureNs < gapNs;

    /// <summary>Finish reading and preparing with this much to spare before the reader wants the frame.</summary>
    private const long JustInTimeMarginNs = 150_000;

    /// <summary>
    /// Lossless hand-over (<c>pace: max</c>): start the next frame so it is ready just as the reader
    /// finishes the current one, not long before. A frame read early only ages while it waits, which
    /// is latency and no throughput. The estimates are smoothed over recent frames; if one comes late,
    /// the reader waits a little and the next estimate corrects it.
    /// </summary>
    /// <returns>How late the thread started against the intended start (also when it got there late), or -1 before there is an estimate.</returns>
    private long WaitUntilNeeded()
    {
        var takenAt = _channel.ReadAtNs;
        var readerBusy = _channel.ReaderBusyNs;
        if (takenAt == 0 || readerBusy == 0 || _ownBusyNs == 0) return -1;
        // Bounded, so a wrong estimate can never stall capture for long.
        var start = Math.Min(takenAt + readerBusy - _ownBusyNs - JustInTimeMarginNs, MonotonicClock.NowNs() + 100_000_000);
        MonotonicClock.SleepUntil(start);
        return Math.Max(0, MonotonicClock.NowNs() - start);
    }

    /// <summary>A decoder that throws on damaged data costs one frame, not the process.</summary>
    private ReadResult ReadSafely(Frame frame)
    {
        try
        {
            return _source.Read(frame);
        }
        catch (OpenCvSharp.OpenCVException e)
        {
            if (_unreadable.ShouldLog(MonotonicClock.NowNs(), out var held))
            {
                if (held == 0) _log.LogWarning("Camera {Camera}: unreadable frame skipped: {Error}", _config.Id, e.Message);
                else _log.LogWarning("Camera {Camera}: unreadable frame skipped: {Error} ({Held} more since the last such line)", _config.Id, e.Message, held);
            }
            return ReadResult.Corrupt;
        }
    }

    /// <summary>The unreadable frames not yet logged, said once as capture ends.</summary>
    private void ReportHeldUnreadable()
    {
        if (_unreadable.TakeHeld() is var held and > 0)
            _log.LogWarning("Camera {Camera}: {Held} more unreadable frames skipped since the last such line", _config.Id, held);
    }

    /// <summary>
    /// Sleeps to the next frame's slot on an absolute CLOCK_MONOTONIC schedule (like cyclictest, so the
    /// wake-up lateness is measurable); a late frame resets the schedule rather than bursting to catch up.
    /// </summary>
    /// <returns>The slot and how late the thread woke for it (or arrived, when already behind).</returns>
    private static (long Next, long LateNs) WaitForNextFrame(long next, long periodNs, CancellationToken stop)
    {
        next += periodNs;
        var now = MonotonicClock.NowNs();
        if (next <= now) return (now, now - next);
        // In slices, so a stop is seen within 50 ms even at one frame a minute.
        while (!stop.IsCancellationRequested)
        {
            MonotonicClock.SleepUntil(Math.Min(next, MonotonicClock.NowNs() + 50_000_000));
            now = MonotonicClock.NowNs();
            if (now >= next) break;
        }
        return (next, Math.Max(0, now - next));
    }

    /// <summary>Opens the source. A file that cannot open throws; a live source retries with backoff until stopped.</summary>
    private bool OpenWithRetry()
    {
        var delay = _config.ReconnectInitialMs;
        while (true)
        {
            try
            {
                var openStartedNs = MonotonicClock.NowNs();
                _source.Open();
                if (_config.IsLive) _openStartedNs = openStartedNs;
                Interlocked.Exchange(ref _periodNs, _source.Fps > 0 ? (long)(1e9 / _source.Fps) : 0);
                // A live frame replaced by one that came within half a frame period was lost to the source's burst, not to a busy detector.
                if (_config.IsLive) Interlocked.Exchange(ref _burstGapNs, PeriodNs / 2);
                _state = "running";
                Mode = _source.Description;
                if (Mode is { } description)
                    _log.LogInformation("Camera {Camera}: opened {Source} ({Description})", _config.Id, FfmpegPipeSource.Redact(_config.Source), description);
                else
                    _log.LogInformation("Camera {Camera}: opened {Source} ({Fps:0.##} fps)", _config.Id, FfmpegPipeSource.Redact(_config.Source), _source.Fps);
                return true;
            }
            // A camera that is there but cannot do what the config asks will not do it after a retry either.
            catch (SourceException e) when (_config.IsLive && e is not CameraModeException)
            {
                _state = "reconnecting";
                _log.LogWarning("Camera {Camera}: {Error}; retrying in {Delay} ms", _config.Id, e.Message, delay);
                if (_source.WaitBeforeReopen(delay, _stop.Token)) return false;
                delay = Math.Min(delay * 2, _config.ReconnectMaxMs);
            }
        }
    }

    public void Dispose() => _stop.Dispose();

    public const string ThreadName = "sc-capture";

    /// <summary>
    /// A file's media clock: each frame's presentation time, carried on across loops so it only ever grows (the next
    /// pass starts one frame period after the last frame of the previous one). Where the container gives no
    /// time, frames are counted at the nominal rate.
    /// </summary>
    private struct MediaClock(double fps)
    {
        private readonly long _periodNs = fps > 0 ? (long)Math.Round(1e9 / fps) : 40_000_000;
        private long _passStartNs, _lastNs = -1, _framesThisPass;

        public long Next(long positionNs)
        {
            var ns = _passStartNs + (positionNs >= 0 ? positionNs : _framesThisPass * _periodNs);
            // A container that repeats or reorders a timestamp must not make time stand still or run back.
            if (ns <= _lastNs) ns = _lastNs + 1;
            _framesThisPass++;
            return _lastNs = ns;
        }

        public void Rewound()
        {
            _passStartNs = _lastNs < 0 ? 0 : _lastNs + _periodNs;
            _framesThisPass = 0;
        }
    }
}

/// <summary>A camera's capture counters at one moment (a read-only snapshot for status messages).</summary>
/// <param name="Dropped">Frames replaced unread because the detector was busy.</param>
/// <param name="Burst">Frames replaced during a burst from the source (not in <paramref name="Dropped"/>).</param>
/// <param name="PeriodNs">The frame period from the source's frame rate (0 before it is open).</param>
/// <param name="Error">Why the camera failed (State "failed"), else null.</param>
/// <param name="Mode">What the camera was set to when it last opened (a V4L2 camera's format, size, rate and timestamp source), else null.</param>
public readonly record struct CaptureCounters(long Frames, long Dropped, long Burst, long Corrupt, long Reconnects, long Stalls, string State, long PeriodNs, string? Error, string? Mode = null);
