using Microsoft.Extensions.Logging;
using SmartCam.Core;

namespace SmartCam.Capture;

/// <summary>
/// A camera with two streams of the same scene (<c>camera.detect_source</c>): the detector reads the small one, the
/// live view shows the big one. The capture thread reads the detect stream through this source, each picture scaled
/// for the detector as if it were the main stream's frame, so detections, zones and lines are in the main stream's
/// pixels. The main stream is decoded on its own normal-priority thread (<c>sc-view</c>, kept on the housekeeping CPUs
/// like every thread that is not a loop thread) and never converted unless a viewer asks; the live view's picture is
/// the main frame matched by time to the newest detection frame (a file's media time; a live stream's arrival).
/// </summary>
public sealed class DetectStreamSource : IFrameSource, IScalingSource, IFeedsView
{
    private readonly IFrameSource _detect;
    private readonly IFrameSource _main;
    private readonly bool _live;
    private readonly ILogger _log;
    private readonly string _mainName;
    private readonly CancellationTokenSource _stop = new();
    private readonly Frame[] _views = [new(), new()];
    private Thread? _viewThread;
    private long _mainSize; // width << 32 | height, 0 until the main stream's first frame
    private long _detectSeq = -1, _detectTimeNs = long.MinValue;
    private long _viewFrames;
    private volatile FrameTap? _tap;
    private bool _disposed;

    /// <param name="live">Live streams are matched by arrival; files by media time (both must be of one kind).</param>
    public DetectStreamSource(IFrameSource detect, IFrameSource main, bool live, string mainName, ILogger log)
    {
        _detect = detect;
        _main = main;
        _live = live;
        _mainName = mainName;
        _log = log;
        if (_main is IScalingSource mainPictures) mainPictures.Pictures.DecodeOnly = true;
        if (_detect is IScalingSource detectPictures) detectPictures.Pictures.CameraSize = MainSize;
    }

    public DetectorPictures Pictures => _detect is IScalingSource s ? s.Pictures
        : throw new SourceException("camera.detect_source: this kind of stream cannot be scaled to the main stream's size");

    public FrameTap? Tap { set => _tap = value; }

    public double Fps => _detect.Fps;

    /// <summary>Main-stream frames decoded so far.</summary>
    public long ViewFrames => Interlocked.Read(ref _viewFrames);

    /// <summary>
    /// Opens the main stream first and reads its first frame, so its size is known before any detection (the detector's
    /// pictures are scaled for it); then the detect stream. Reopening after the detect stream was lost reopens only it.
    /// </summary>
    public void Open()
    {
        if (_viewThread is null)
        {
            if (_detect is not IScalingSource) throw new SourceException("camera.detect_source: v4l2 cannot be a detect stream; use a file or an rtsp/http stream");
            _main.Open();
            var first = _views[0];
            var result = _main.Read(first);
            if (result != ReadResult.Frame)
                throw new SourceException($"{_mainName}: no first frame to take the camera's size from ({result})");
            Interlocked.Exchange(ref _mainSize, (long)first.Width << 32 | (uint)first.Height);
            _viewThread = new Thread(ReadViews) { Name = ViewThreadName, IsBackground = true };
            _viewThread.Start();
        }
        _detect.Open();
    }

    private (int Width, int Height) MainSize()
    {
        var size = Interlocked.Read(ref _mainSize);
        return ((int)(size >> 32), (int)(size & 0xFFFFFFFF));
    }

    public ReadResult Read(OpenCvSharp.Mat into) => _detect.Read(into);

    public ReadResult Read(Frame into)
    {
        var result = _detect.Read(into);
        if (result == ReadResult.Frame)
        {
            // The capture loop numbers frames by successful reads: the same count here is that frame's seq.
            Interlocked.Exchange(ref _detectTimeNs, _live ? MonotonicClock.NowNs() : _detect.PositionNs);
            Interlocked.Increment(ref _detectSeq);
        }
        return result;
    }

    public long PositionNs => _detect.PositionNs;
    public long LastWaitNs => _detect.LastWaitNs;
    public long DamagedFrames => _detect.DamagedFrames;

    public bool TryRewind() => _detect.TryRewind();

    /// <summary>
    /// <c>sc-view</c>: decodes the main stream (a live one as it comes; a file up to the newest detection frame's media
    /// time) and, when a viewer asked, offers the frame nearest in time to that detection frame under its seq.
    /// </summary>
    private void ReadViews()
    {
        var stop = _stop.Token;
        var current = 0;
        var currentTime = _live ? MonotonicClock.NowNs() : _main.PositionNs;
        var previousTime = long.MinValue;
        Interlocked.Increment(ref _viewFrames);
        var delay = 500;
        var lastDetectTime = long.MinValue;
        var corruptInRow = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var detectTime = Interlocked.Read(ref _detectTimeNs);
                if (!_live && detectTime < lastDetectTime && _main.TryRewind())
                {
                    // The detect file looped: so does the main one, to stay matched by media time.
                    (previousTime, currentTime) = (long.MinValue, long.MinValue);
                }
                lastDetectTime = detectTime;
                if (!_live && currentTime >= detectTime)
                {
                    // A file: ahead of the detector; show what there is, and wait for it to catch up.
                    Offer(current, currentTime, previousTime);
                    stop.WaitHandle.WaitOne(5);
                    continue;
                }
                var next = 1 - current;
                var result = _main.Read(_views[next]);
                if (result == ReadResult.Frame)
                {
                    (previousTime, currentTime, current) = (currentTime, _live ? MonotonicClock.NowNs() : _main.PositionNs, next);
                    Interlocked.Increment(ref _viewFrames);
                    (delay, corruptInRow) = (500, 0);
                    Offer(current, currentTime, previousTime);
                    continue;
                }
                if (result == ReadResult.Corrupt && ++corruptInRow < 50) continue;
                corruptInRow = 0;
                if (result == ReadResult.End)
                {
                    // A file: it waits for the detect file to loop (above); a live stream that ends is reopened below.
                    if (!_live)
                    {
                        Offer(current, currentTime, previousTime);
                        stop.WaitHandle.WaitOne(5);
                        continue;
                    }
                }
                _log.LogWarning("{Source}: the live view's stream stopped ({Result}); reopening in {Delay} ms", _mainName, result, delay);
                if (stop.WaitHandle.WaitOne(delay)) return;
                delay = Math.Min(delay * 2, 10_000);
                try { _main.Open(); }
                catch (SourceException e) { _log.LogWarning("{Source}: {Error}", _mainName, e.Message); }
            }
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            // The view is not the camera: losing it must not end detection.
            _log.LogError("{Source}: the live view's stream failed: {Error}", _mainName, UserError.OneLine(e.Message));
        }
    }

    /// <summary>Offers the viewer the decoded main frame nearest the newest detection frame, under that frame's seq.</summary>
    private void Offer(int current, long currentTime, long previousTime)
    {
        var tap = _tap;
        var seq = Interlocked.Read(ref _detectSeq);
        if (tap is null || seq < 0) return;
        var detectTime = Interlocked.Read(ref _detectTimeNs);
        var pick = previousTime != long.MinValue && Math.Abs(previousTime - detectTime) < Math.Abs(currentTime - detectTime) ? 1 - current : current;
        var view = _views[pick];
        view.Seq = seq;
        tap.Offer(view);
    }

    public void Interrupt()
    {
        _stop.Cancel();
        if (_disposed) return;
        _detect.Interrupt();
        _main.Interrupt();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        _main.Interrupt();
        _viewThread?.Join(TimeSpan.FromSeconds(5));
        _detect.Dispose();
        _main.Dispose();
        foreach (var view in _views) view.Dispose();
        // _stop is not disposed: Interrupt may still come after the capture thread disposed its source (a stop at the end).
    }

    public const string ViewThreadName = "sc-view";
}
