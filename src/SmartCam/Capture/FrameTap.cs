using OpenCvSharp;

namespace SmartCam.Capture;

/// <summary>A copy of one frame's pixels, owned by whichever side of a <see cref="FrameTap"/> holds it.</summary>
public sealed class TappedFrame : IDisposable
{
    public Mat Image { get; private set; } = new();

    /// <summary>The frame's capture sequence (the <c>seq</c> of its <c>det.</c> message); -1 while it holds no frame.</summary>
    public long Seq { get; internal set; } = -1;

    /// <summary>Makes the image <paramref name="width"/>x<paramref name="height"/> BGR; only the reading side does this.</summary>
    internal void Resize(int width, int height)
    {
        if (Image.Cols == width && Image.Rows == height) return;
        Image.Dispose();
        Image = new Mat(height, width, MatType.CV_8UC3);
    }

    public void Dispose() => Image.Dispose();
}

/// <summary>
/// The live view's window onto a camera: when a viewer asked for a frame, the capture thread copies the next one it
/// reads into a spare buffer and swaps it in, without waiting and without allocating (a triple buffer: the writer's,
/// the latest, the reader's, exchanged by <see cref="Interlocked.Exchange{T}(ref T, T)"/>). Nothing is copied while
/// nobody asks, and at most one frame per request, so the viewer's rate (<c>http.live_fps</c>) is what the loop pays,
/// and a slow viewer only gets fewer frames. Buffers are sized by the reader; the capture thread never reallocates
/// one, so it skips a frame whose size its buffer does not have (at start, after a resolution change) and passes that
/// buffer on for the reader to resize.
/// </summary>
public sealed class FrameTap : IDisposable
{
    private TappedFrame _back = new(), _latest = new(), _front = new();
    private volatile bool _wanted, _wrongSize;
    private long _latestSeq = -1; // the seq of the newest frame swapped in
    private long _width, _height; // the size the capture thread last saw, for the reader to size buffers by
    private long _copied;

    /// <summary>Frames copied so far.</summary>
    public long Copied => Interlocked.Read(ref _copied);

    /// <summary>The reader asks for the next frame (from any thread).</summary>
    public void Request() => _wanted = true;

    /// <summary>The size of the camera's frames, (0, 0) before the first was asked for.</summary>
    public (int Width, int Height) FrameSize => ((int)Interlocked.Read(ref _width), (int)Interlocked.Read(ref _height));

    /// <summary>On the capture thread, for every frame read: copies it if a frame was asked for.</summary>
    public unsafe void Offer(Frame frame)
    {
        if (!_wanted) return;
        var image = frame.Image;
        Interlocked.Exchange(ref _width, image.Cols);
        Interlocked.Exchange(ref _height, image.Rows);
        var back = _back;
        if (back.Image.Cols != image.Cols || back.Image.Rows != image.Rows || !image.IsContinuous() || image.Type() != MatType.CV_8UC3)
        {
            // Hand the wrong-sized buffer on, so it reaches the reader to be resized; take whatever is there instead.
            back.Seq = -1;
            _back = Interlocked.Exchange(ref _latest, back);
            _wrongSize = true;
            return;
        }
        var bytes = (long)image.Rows * image.Cols * 3;
        Buffer.MemoryCopy((void*)image.Data, (void*)back.Image.Data, bytes, bytes);
        back.Seq = frame.Seq;
        _back = Interlocked.Exchange(ref _latest, back);
        Interlocked.Exchange(ref _latestSeq, frame.Seq);
        _wanted = false;
        Interlocked.Increment(ref _copied);
    }

    /// <summary>
    /// The reader's side (one thread): the newest copied frame, or null when none came since the last call. The frame
    /// stays the reader's until its next call. Buffers that reach the reader at the wrong size are resized here.
    /// </summary>
    public TappedFrame? TakeLatest()
    {
        var previous = _front.Seq;
        if (Interlocked.Read(ref _latestSeq) == previous && !_wrongSize) return null;
        _wrongSize = false;
        _front = Interlocked.Exchange(ref _latest, _front);
        if (_front.Seq >= 0 && _front.Seq != previous) return _front;
        var (width, height) = FrameSize;
        if (width > 0) _front.Resize(width, height);
        _front.Seq = previous; // nothing new: remember what was handed out last
        return null;
    }

    public void Dispose()
    {
        _back.Dispose();
        _latest.Dispose();
        _front.Dispose();
    }
}
