using OpenCvSharp;

namespace SmartCam.Capture;

/// <summary>A copy of one frame's pixels, owned by whichever side of a <see cref="FrameTap"/> holds it.</summary>
public sealed class TappedFrame : IDisposable
{
    public Mat Image { get; private set; } = new();

    /// <summary>
    /// A share of the decoder's full-size picture, where the camera's source decodes in-process (null where the linked
    /// FFmpeg cannot be called directly): the capture thread takes a reference, the reader converts it to BGR.
    /// </summary>
    internal DecodedPicture? Picture { get; } = LibAv.Available ? new DecodedPicture() : null;

    /// <summary>
    /// A copy of the camera's own JPEG of the frame (a V4L2 MJPEG camera whose frames the detector got decoded at a
    /// fraction of their size): bytes are copied on the capture thread, the full-size decode is the reader's.
    /// </summary>
    internal byte[] Jpeg { get; private set; } = [];

    internal int JpegLength { get; set; }

    /// <summary>Makes room for a JPEG of <paramref name="bytes"/>; only the reading side does this.</summary>
    internal void ReserveJpeg(int bytes)
    {
        if (Jpeg.Length < bytes) Jpeg = new byte[bytes + bytes / 2];
    }

    /// <summary>Decodes <see cref="Jpeg"/> into <see cref="Image"/> at full size (the reader's side).</summary>
    internal bool DecodeJpeg()
    {
        using var decoded = Cv2.ImDecode(Jpeg.AsSpan(0, JpegLength), ImreadModes.Color);
        JpegLength = 0;
        if (decoded.Empty()) return false;
        Resize(decoded.Cols, decoded.Rows);
        decoded.CopyTo(Image);
        return true;
    }

    /// <summary>The frame's capture sequence (the <c>seq</c> of its <c>det.</c> message); -1 while it holds no frame.</summary>
    public long Seq { get; internal set; } = -1;

    /// <summary>Makes the image <paramref name="width"/>x<paramref name="height"/> BGR; only the reading side does this.</summary>
    internal void Resize(int width, int height)
    {
        if (Image.Cols == width && Image.Rows == height) return;
        Image.Dispose();
        Image = new Mat(height, width, MatType.CV_8UC3);
    }

    public void Dispose()
    {
        Image.Dispose();
        Picture?.Dispose();
    }
}

/// <summary>
/// The live view's window onto a camera: when a viewer asked for a frame, the capture thread shares the next decoded
/// picture (a reference to the decoder's buffer, no pixels copied; the reader converts it to BGR at full size on its own
/// thread) or, for sources that hand over BGR, copies the next frame into a spare buffer, and swaps it in, without waiting and without allocating (a triple buffer: the writer's,
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
    private long _jpegBytes; // the largest JPEG the capture thread could not fit, for the reader to make room for
    private readonly PictureConverter _converter = PictureConverter.FullSize(); // the reader's

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
        Interlocked.Exchange(ref _width, frame.Width);
        Interlocked.Exchange(ref _height, frame.Height);
        var back = _back;
        if (frame.Decoded is { IsEmpty: false } decoded && back.Picture is not null)
        {
            // A reference to the decoder's picture (FFmpeg counts it; the decoder takes a fresh buffer meanwhile).
            back.Picture.ShareOf(decoded);
            Swap(back, frame.Seq);
            return;
        }
        back.Picture?.Release();
        if (frame.Jpeg is { } jpeg && !jpeg.Empty() && (image.Cols != frame.Width || image.Rows != frame.Height))
        {
            // The camera's JPEG, decoded at full size on the reader's side; the buffer is the reader's to grow.
            var length = (int)jpeg.Total();
            if (back.Jpeg.Length < length)
            {
                Interlocked.Exchange(ref _jpegBytes, length);
                back.Seq = -1;
                _back = Interlocked.Exchange(ref _latest, back);
                _wrongSize = true;
                return;
            }
            new ReadOnlySpan<byte>((void*)jpeg.Data, length).CopyTo(back.Jpeg);
            back.JpegLength = length;
            Swap(back, frame.Seq);
            return;
        }
        back.JpegLength = 0;
        // A picture already scaled down for the detector is no view of the camera: wait for a full-size one.
        if (image.Cols != frame.Width || image.Rows != frame.Height) return;
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
        Swap(back, frame.Seq);
    }

    private void Swap(TappedFrame back, long seq)
    {
        back.Seq = seq;
        _back = Interlocked.Exchange(ref _latest, back);
        Interlocked.Exchange(ref _latestSeq, seq);
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
        if (_front.Seq >= 0 && _front.Seq != previous)
        {
            if (_front.JpegLength > 0 && !_front.DecodeJpeg()) return null;
            if (_front.Picture is { IsEmpty: false } picture)
            {
                // Converted here, on the viewer's side, at the viewer's rate; then the decoder's buffer is let go.
                var converted = _converter.Convert(picture, _front.Image, picture.Width, picture.Height);
                picture.Release();
                if (!converted) return null;
            }
            return _front;
        }
        var (width, height) = FrameSize;
        if (width > 0) _front.Resize(width, height);
        _front.ReserveJpeg((int)Interlocked.Read(ref _jpegBytes));
        _front.Seq = previous; // nothing new: remember what was handed out last
        return null;
    }

    public void Dispose()
    {
        _converter.Dispose();
        _back.Dispose();
        _latest.Dispose();
        _front.Dispose();
    }
}
