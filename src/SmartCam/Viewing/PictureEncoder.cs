using Microsoft.Extensions.Logging;
using OpenCvSharp;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Messaging;

namespace SmartCam.Viewing;

/// <summary>
/// <c>sc-live</c>: camera pictures as JPEG, made from the capture threads' <see cref="FrameTap"/>s only while a viewer
/// or a snapshot wants one, at <c>http.live_fps</c> at most, each paired with the det. message of its own frame, into
/// pooled buffers shared by the viewers that get it. An ordinary thread on the housekeeping CPUs; everything it holds
/// (the encoder's buffers, the captions) is its own.
/// </summary>
internal sealed class PictureEncoder : IDisposable
{
    /// <summary>How long a picture waits for its frame's det. message before it is shown without boxes (a live frame the detector skipped has none).</summary>
    public static readonly TimeSpan DetectionWait = TimeSpan.FromSeconds(2);

    /// <summary>How often sc-live looks for a requested frame or its detections while someone is watching.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    private readonly IReadOnlyList<CameraView> _cameras;
    private readonly Pacing[] _pacing; // per camera, sc-live's own
    private readonly long _periodNs;
    private readonly int[] _jpegParameters;
    private readonly ILogger _log;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _wanted = new(false);

    // sc-live's own, reused for every picture.
    private readonly PicturePool _pictures = new();
    private readonly InputArrays _arrays = new();
    private readonly LabelTexts _labelTexts = new();
    private readonly OpenCvSharp.Internal.Vectors.VectorOfByte _encoded = new(); // imencode's output, copied into a picture
    private readonly ReusableBufferWriter _det = new(16 * 1024); // the det. message of the picture being made

    public PictureEncoder(IReadOnlyList<CameraView> cameras, HttpConfig http, ILogger log)
    {
        _cameras = cameras;
        _pacing = cameras.Select(_ => new Pacing()).ToArray();
        _periodNs = 1_000_000_000L / http.LiveFps;
        _jpegParameters = [(int)ImwriteFlags.JpegQuality, http.JpegQuality];
        _log = log;
        _thread = new Thread(Run) { Name = "sc-live", IsBackground = true };
    }

    public void Start() => _thread.Start();

    /// <summary>Someone wants pictures: a viewer joined or a snapshot was asked for.</summary>
    public void Wake() => _wanted.Set();

    /// <summary>The camera's picture as JPEG (no boxes): the next frame it captures; null when none comes within <paramref name="timeout"/>.</summary>
    public async Task<byte[]?> Snapshot(CameraView camera, TimeSpan timeout, CancellationToken cancel)
    {
        var waiter = new SnapshotWaiter(new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously), MonotonicClock.NowNs());
        lock (camera.Gate) camera.SnapshotWaiters.Add(waiter);
        _wanted.Set();
        try
        {
            return await waiter.Result.Task.WaitAsync(timeout, cancel);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            lock (camera.Gate) camera.SnapshotWaiters.Remove(waiter);
        }
    }

    private void Run()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            var busy = false;
            for (var i = 0; i < _cameras.Count; i++)
            {
                var camera = _cameras[i];
                var pacing = _pacing[i];
                bool viewers, snapshots;
                lock (camera.Gate)
                {
                    viewers = camera.Viewers.Count > 0;
                    snapshots = camera.SnapshotWaiters.Count > 0;
                }
                if (!viewers && !snapshots)
                {
                    pacing.Pending = null;
                    pacing.Requested = false;
                    continue;
                }
                busy = true;
                try
                {
                    Step(camera, pacing, viewers, snapshots);
                }
                catch (OpenCVException e)
                {
                    _log.LogWarning("HTTP: camera {Camera}: a picture could not be encoded: {Error}", camera.Config.Id, e.Message);
                    pacing.Pending = null;
                }
            }
            if (!busy)
            {
                _wanted.Reset();
                // Not Wait(timeout, stop): that throws when the stop comes first, and on this thread an exception ends
                // the process. Dispose cancels, then sets _wanted; the check after Reset catches a Set that Reset undid.
                if (stop.IsCancellationRequested) return;
                _wanted.Wait(TimeSpan.FromSeconds(1));
            }
            else
            {
                stop.WaitHandle.WaitOne(Poll);
            }
        }
    }

    private void Step(CameraView camera, Pacing pacing, bool viewers, bool snapshots)
    {
        var now = MonotonicClock.NowNs();
        if (pacing.Pending is null)
        {
            // Ask as soon as the last picture was taken, so the next is there when it is due (live_fps); a snapshot asks at once.
            var due = snapshots || now - pacing.LastSentNs >= _periodNs;
            if (!pacing.Requested)
            {
                camera.Tap.TakeLatest(); // anything already there answers an earlier request: too old
                pacing.Requested = true;
                pacing.RequestedNs = now;
                camera.Tap.Request();
            }
            if (!due || camera.Tap.TakeLatest() is not { } frame) return;
            pacing.Requested = false;
            pacing.Pending = (frame, now, pacing.RequestedNs);
            pacing.LastSentNs = now; // the pace is set by when pictures are taken, not by how long their detections took
        }
        var (picture, since, requestedNs) = pacing.Pending.Value;
        bool found;
        lock (camera.Gate) found = camera.Detections.TryCopy(picture.Seq, _det);
        // Wait for the frame's detections (a live frame the detector skipped has none: shown without boxes after a while).
        if (!found && now - since < DetectionWait.Ticks * 100 && viewers) return;
        pacing.Pending = null;
        var det = found ? _det.WrittenSpan : default;

        var plain = _pictures.Rent();
        plain.Retain(1); // the encoder's own hold, given back below
        plain.Encode(picture.Image, _arrays.For(picture.Image), picture.Seq, _jpegParameters, _encoded);
        plain.SetHead(det);
        List<SnapshotWaiter>? answered = null;
        var burn = false;
        lock (camera.Gate)
        {
            // Only snapshots asked for before this frame was: a snapshot is never an old picture.
            foreach (var w in camera.SnapshotWaiters)
                if (w.SinceNs <= requestedNs) (answered ??= []).Add(w);
            foreach (var v in camera.Viewers) burn |= v.BurnBoxes;
        }
        if (answered is not null)
        {
            var copy = plain.Jpeg.ToArray();
            foreach (var w in answered) w.Result.TrySetResult(copy);
        }
        Picture? burnt = null;
        if (burn)
        {
            Overlay.DrawDetections(picture.Image, det, _labelTexts);
            burnt = _pictures.Rent();
            burnt.Retain(1);
            burnt.Encode(picture.Image, _arrays.For(picture.Image), picture.Seq, _jpegParameters, _encoded);
        }
        ViewerRegistry.Deliver(camera, plain, burnt);
        plain.Release();
        burnt?.Release();
    }

    /// <summary>Where sc-live is with one camera: the frame it took and waits to pair with its detections, and the pace.</summary>
    private sealed class Pacing
    {
        public (TappedFrame Frame, long SinceNs, long RequestedNs)? Pending;
        public bool Requested;
        public long RequestedNs;
        public long LastSentNs = long.MinValue / 2;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _wanted.Set();
        if (_thread.IsAlive) _thread.Join();
        _stop.Dispose();
        _arrays.Dispose();
        _encoded.Dispose();
        _wanted.Dispose();
    }
}
