using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.HandOver;

namespace SmartCam.Inference;

/// <summary>
/// What the inference thread does with one camera's frames after detection (tracking, zones, rules): each
/// camera has its own, and it runs on the inference thread that serves the camera, allocation-free.
/// </summary>
/// <typeparam name="TResult">The channel's result item: <see cref="InferenceResult"/> extended by the later stages.</typeparam>
public interface IAfterDetection<in TResult> where TResult : InferenceResult
{
    void Run(Frame frame, TResult result);
}

/// <summary>One camera as an inference thread sees it: frames in, results out, and what runs between.</summary>
public sealed record InferenceLane<TResult>(SlotChannel<Frame> Frames, SlotChannel<TResult> Results, IAfterDetection<TResult>? After)
    where TResult : InferenceResult;

/// <summary>
/// One detector instance's thread (<c>sc-infer</c>). It serves its cameras in turn: of the cameras with a frame
/// ready it takes the one served longest ago, and from that camera the freshest frame (live
/// cameras keep only their newest, see <see cref="FullMode.Freshest"/>). Under overload every camera so gets an
/// equal share of the detector, and the frames a camera loses are counted on that camera.
/// </summary>
/// <typeparam name="TResult">The result item its lanes carry (see <see cref="InferenceResult"/>).</typeparam>
public sealed class InferenceLoop<TResult> where TResult : InferenceResult
{
    private readonly OnnxDetector _detector;
    private DetectionPostprocessor _post;
    private DetectionPostprocessor? _nextPost;
    private readonly InferenceLane<TResult>[] _lanes;
    private readonly Wakeup _frameReady;
    private readonly Action? _onStart;
    private readonly long[] _servedAt;
    private long _served;
    private long _lastInferEndNs, _frames, _busyNs, _allocatedBytes, _minorFaults, _majorFaults;

    /// <param name="frameReady">The wake-up every lane's frame channel signals (shared by all of them).</param>
    /// <param name="onStart">Runs first on the thread (real-time placement).</param>
    public InferenceLoop(OnnxDetector detector, DetectConfig detect, IReadOnlyList<InferenceLane<TResult>> lanes, Wakeup frameReady, Action? onStart = null)
    {
        _detector = detector;
        _post = new DetectionPostprocessor(detector.Decoder, detector.Labels, detect);
        _lanes = lanes.ToArray();
        _servedAt = new long[_lanes.Length];
        _frameReady = frameReady;
        _onStart = onStart;
    }

    public OnnxDetector Detector => _detector;

    /// <summary>
    /// A live reload's detection thresholds and filters (<c>detect:</c>, all but max_detections): built here, off the loop,
    /// and taken by the thread before its next frame.
    /// </summary>
    public void Reload(DetectConfig detect) =>
        Volatile.Write(ref _nextPost, new DetectionPostprocessor(_detector.Decoder, _detector.Labels, detect));

    /// <summary>This stage's counters, read together.</summary>
    public InferenceCounters Counters => new(Interlocked.Read(ref _frames), Interlocked.Read(ref _busyNs));

    /// <summary>Bytes this thread had allocated after its latest frame (for allocation checks).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocatedBytes);

    /// <summary>Page faults this thread had taken after its latest frame.</summary>
    public (long Minor, long Major) PageFaults => (Interlocked.Read(ref _minorFaults), Interlocked.Read(ref _majorFaults));

    /// <summary>
    /// Serves the lanes until every one has drained (its camera ended) or <paramref name="stop"/> fires, then completes
    /// every lane's results. <paramref name="afterFrame"/> runs after each frame with the count so far; returning false ends the loop.
    /// </summary>
    public void Run(CancellationToken stop, Func<long, bool>? afterFrame = null)
    {
        _onStart?.Invoke();
        try
        {
            long inferred = 0;
            while (!stop.IsCancellationRequested)
            {
                if (!TryTakeNext(out var lane, out var frame))
                {
                    if (AllDrained()) break;
                    _frameReady.Wait(100_000_000);
                    continue;
                }
                try
                {
                    Infer(lane, frame, stop);
                }
                finally
                {
                    lane.Frames.Release(frame);
                }
                if (afterFrame is not null && !afterFrame(++inferred)) break;
            }
        }
        finally
        {
            foreach (var lane in _lanes) lane.Results.Complete();
        }
    }

    /// <summary>
    /// Of the lanes with a frame ready, the one served longest ago (a round-robin that does not make a camera whose frame
    /// came a moment late wait a whole round).
    /// </summary>
    private bool TryTakeNext(out InferenceLane<TResult> lane, out Frame frame)
    {
        while (true)
        {
            var pick = -1;
            for (var i = 0; i < _lanes.Length; i++)
                if (_lanes[i].Frames.Count > 0 && (pick < 0 || _servedAt[i] < _servedAt[pick])) pick = i;
            if (pick < 0)
            {
                lane = null!;
                frame = null!;
                return false;
            }
            // Only this thread takes frames out; a live camera's writer replaces the frame but never empties the queue.
            if (!_lanes[pick].Frames.TryRead(out frame)) continue;
            _servedAt[pick] = ++_served;
            lane = _lanes[pick];
            return true;
        }
    }

    /// <summary>
    /// True once every camera's frames are done. A camera whose frames are done has its results completed here, at once:
    /// its last result is already written (this thread writes them), and the publish thread can then tell that camera
    /// has nothing more to come while the others run on.
    /// </summary>
    private bool AllDrained()
    {
        var all = true;
        foreach (var lane in _lanes)
        {
            if (!lane.Frames.IsDrained) all = false;
            else if (!lane.Results.IsCompleted) lane.Results.Complete();
        }
        return all;
    }

    private void Infer(InferenceLane<TResult> lane, Frame frame, CancellationToken stop)
    {
        var t0 = MonotonicClock.NowNs();
        // Intended start: as soon as both the frame and this thread were free.
        var lateNs = Math.Max(0, t0 - Math.Max(frame.ReadyNs, _lastInferEndNs));
        var input = (DetectorInput)frame.Prepared!;
        _detector.Run(input);
        var t1 = MonotonicClock.NowNs();
        // Files: waits while the publish thread is behind (every result is published); live: never waits.
        var result = lane.Results.Rent(stop);
        if (result is null) return; // stopping
        if (Volatile.Read(ref _nextPost) is not null && Interlocked.Exchange(ref _nextPost, null) is { } reloaded) _post = reloaded;
        result.Count = _post.Run(_detector.Output, input.Geometry, frame.Width, frame.Height, result.Detections);
        result.NonFinite = _post.NonFiniteDropped;
        lane.After?.Run(frame, result);
        var t2 = MonotonicClock.NowNs();
        result.Seq = frame.Seq;
        result.CaptureNs = frame.CaptureNs;
        result.ReadNs = frame.ReadNs;
        result.CaptureUtc = frame.CaptureUtc;
        result.Width = frame.Width;
        result.Height = frame.Height;
        result.Stages = new StageTimes(frame.CaptureDurationNs / 1000, frame.PrepareDurationNs / 1000, (t1 - t0) / 1000, (t2 - t1) / 1000,
            frame.CaptureLateNs < 0 ? -1 : frame.CaptureLateNs / 1000, lateNs / 1000, frame.WaitDurationNs / 1000, frame.ConvertDurationNs / 1000);
        result.ReadyNs = MonotonicClock.NowNs();
        lane.Results.Write(result);
        _lastInferEndNs = MonotonicClock.NowNs();
        // A camera's next frame is wanted one round of all cameras later (just-in-time capture of files).
        lane.Frames.ReportReaderBusy((_lastInferEndNs - t0) * _lanes.Length);
        Interlocked.Increment(ref _frames);
        Interlocked.Add(ref _busyNs, _lastInferEndNs - t0);
        Interlocked.Exchange(ref _allocatedBytes, GC.GetAllocatedBytesForCurrentThread());
        var (minor, major) = Libc.PageFaults(Libc.RusageThread);
        Interlocked.Exchange(ref _minorFaults, minor);
        Interlocked.Exchange(ref _majorFaults, major);
    }
}

/// <summary>A detector instance's counters at one moment: frames inferred, and time spent on them (its load).</summary>
public readonly record struct InferenceCounters(long Frames, long BusyNs);
