using OpenCvSharp;

namespace SmartCam.Capture;

/// <summary>
/// One decoded picture as the decoder made it (an FFmpeg AVFrame: YUV planes at the camera's full size), held by
/// reference: taking it from the decoder or sharing it with the live view copies no pixels. A frame slot owns one, and
/// so does each buffer of the live view's <see cref="FrameTap"/>.
/// </summary>
public sealed unsafe class DecodedPicture : IDisposable
{
    private nint _frame;

    public DecodedPicture()
    {
        LibAv.Require();
        _frame = LibAv.av_frame_alloc();
    }

    internal nint Handle => _frame;

    public bool IsEmpty => LibAv.Ptr(_frame, 0) == 0;
    public int Width => LibAv.Int(_frame, LibAv.FrameWidth);
    public int Height => LibAv.Int(_frame, LibAv.FrameHeight);

    /// <summary>The picture's presentation time in its stream's time base (its decode time where it has none).</summary>
    internal long Pts
    {
        get
        {
            var pts = LibAv.Long(_frame, LibAv.FramePts);
            return pts != LibAv.AvNoPtsValue && pts != 0 ? pts : LibAv.Long(_frame, LibAv.FramePktDts);
        }
    }

    /// <summary>Makes this a second reference to <paramref name="other"/>'s picture (no pixels copied).</summary>
    public void ShareOf(DecodedPicture other)
    {
        LibAv.av_frame_unref(_frame);
        if (LibAv.av_frame_ref(_frame, other._frame) < 0) LibAv.av_frame_unref(_frame);
    }

    /// <summary>
    /// Makes this a <paramref name="width"/>x<paramref name="height"/> picture in FFmpeg pixel format
    /// <paramref name="format"/> (YUV 4:2:0 planar, NV12, YUYV) whose buffer is its own to write, each plane one unpadded
    /// block (as a raw stream or a V4L2 driver carries it): the buffer is kept while nobody else holds it, and a new one
    /// is taken while the live view still has the old one. False if FFmpeg cannot allocate it.
    /// </summary>
    internal bool Make(int width, int height, int format)
    {
        if (!IsEmpty && Width == width && Height == height && LibAv.Int(_frame, LibAv.FrameFormat) == format && LibAv.av_frame_is_writable(_frame) != 0) return true;
        LibAv.av_frame_unref(_frame);
        *(int*)(_frame + LibAv.FrameWidth) = width;
        *(int*)(_frame + LibAv.FrameHeight) = height;
        *(int*)(_frame + LibAv.FrameFormat) = format;
        return LibAv.av_frame_get_buffer(_frame, 1) >= 0;
    }

    /// <summary>A YUV 4:2:0 planar picture (<see cref="Make"/>).</summary>
    internal bool MakeYuv420(int width, int height) => Make(width, height, LibAv.PixFmtYuv420P);

    /// <summary>Plane <paramref name="index"/> (0 Y, 1 U or NV12's UV, 2 V) of a picture made by <see cref="Make"/>, as one span.</summary>
    internal Span<byte> Plane(int index)
    {
        var rows = index == 0 ? Height : (Height + 1) / 2;
        var stride = ((int*)(_frame + LibAv.FrameLinesize))[index];
        return new Span<byte>(((byte**)_frame)[index], rows * stride);
    }

    /// <summary>Lets go of the picture (the decoder may reuse its buffer).</summary>
    public void Release() => LibAv.av_frame_unref(_frame);

    public void Dispose()
    {
        if (_frame == 0) return;
        var f = _frame;
        LibAv.av_frame_free(&f);
        _frame = 0;
    }
}

/// <summary>
/// A source's decoded pictures made into what the detector takes (<see cref="IScalingSource.DetectSize"/>): converted
/// at full size, or converted and scaled in one pass; timed, and the camera's size set on the frame.
/// </summary>
public sealed class DetectorPictures : IDisposable
{
    private readonly PictureConverter _full = PictureConverter.FullSize(), _scaled = PictureConverter.Scaling();

    public Func<int, int, (int Width, int Height)>? DetectSize { get; set; }

    /// <summary>
    /// The camera's size when it is not the picture's own (a <c>detect_source</c>: the main stream's), so the picture is
    /// scaled to the detector's size for that frame and detections come out in the main stream's pixels.
    /// </summary>
    public Func<(int Width, int Height)>? CameraSize { get; set; }

    /// <summary>Decode only: the picture is kept in <see cref="Frame.Decoded"/> and nothing is converted (a view stream's frames).</summary>
    public bool DecodeOnly { get; set; }

    /// <summary>Fills <paramref name="into"/>'s image from its <see cref="Frame.Decoded"/> picture; false if it cannot be converted.</summary>
    public bool Fill(Frame into)
    {
        var started = Core.MonotonicClock.NowNs();
        var picture = into.Decoded!;
        var (width, height) = (picture.Width, picture.Height);
        var (cameraWidth, cameraHeight) = CameraSize?.Invoke() ?? (width, height);
        into.Width = cameraWidth;
        into.Height = cameraHeight;
        into.ConvertDurationNs = 0;
        if (DecodeOnly) return true;
        var (toWidth, toHeight) = DetectSize?.Invoke(cameraWidth, cameraHeight) ?? (cameraWidth, cameraHeight);
        var converter = toWidth == width && toHeight == height ? _full : _scaled;
        if (!converter.Convert(picture, into.Image, toWidth, toHeight)) return false;
        into.ConvertDurationNs = Core.MonotonicClock.NowNs() - started;
        return true;
    }

    /// <summary>A source's read into <paramref name="into"/>'s picture, finished: a frame made into the detector's picture (damaged if it cannot be).</summary>
    public ReadResult Fill(ReadResult read, Frame into) => read != ReadResult.Frame ? read : Fill(into) ? ReadResult.Frame : ReadResult.Corrupt;

    /// <summary>A source's read into <paramref name="picture"/>, finished as the whole frame in BGR (for callers without a frame slot).</summary>
    public ReadResult FillFullSize(ReadResult read, DecodedPicture picture, Mat into) =>
        read != ReadResult.Frame ? read : _full.Convert(picture, into, picture.Width, picture.Height) ? ReadResult.Frame : ReadResult.Corrupt;

    public void Dispose()
    {
        _full.Dispose();
        _scaled.Dispose();
    }
}

/// <summary>
/// Converts decoded pictures to BGR with FFmpeg's swscale: colour conversion and scaling in one pass, into a
/// caller-owned <see cref="Mat"/> (sized once, then reused). Owned by one thread.
/// </summary>
public sealed unsafe class PictureConverter(int flags) : IDisposable
{
    private nint _context;

    /// <summary>Full-size conversion exactly as OpenCV's own FFmpeg reader does it (bicubic: same size, so only the chroma is interpolated).</summary>
    public static PictureConverter FullSize() => new(LibAv.SwsBicubic);

    /// <summary>
    /// Conversion straight to a smaller size, one source pixel per output pixel. Measured against the letterbox's bilinear
    /// resize of the full BGR picture (which, shrinking by more than two, also reads about one pixel per output pixel):
    /// a mean difference of 1.0 level at 4K and 1.4 at 1080p, in 0.8 ms a 4K frame on this VM; swscale's fast bilinear
    /// differed by 4.7 and 4.3 levels, its bilinear by 3.4 in 16 ms, its area filter by 2.5 in 9 ms.
    /// </summary>
    public static PictureConverter Scaling() => new(LibAv.SwsPoint);

    /// <summary>Converts <paramref name="picture"/> into <paramref name="bgr"/> at <paramref name="width"/>x<paramref name="height"/>; false if it cannot.</summary>
    public bool Convert(DecodedPicture picture, Mat bgr, int width, int height)
    {
        var frame = picture.Handle;
        var sw = picture.Width;
        var sh = picture.Height;
        if (sw <= 0 || sh <= 0) return false;
        _context = LibAv.sws_getCachedContext(_context, sw, sh, LibAv.Int(frame, LibAv.FrameFormat), width, height, LibAv.PixFmtBgr24, flags, 0, 0, 0);
        if (_context == 0) return false;
        if (bgr.Rows != height || bgr.Cols != width || bgr.Type() != MatType.CV_8UC3) bgr.Create(height, width, MatType.CV_8UC3);
        var dst = stackalloc byte*[4];
        var dstStride = stackalloc int[4];
        dst[0] = (byte*)bgr.Data;
        dstStride[0] = (int)bgr.Step();
        return LibAv.sws_scale(_context, (byte**)frame, (int*)(frame + LibAv.FrameLinesize), 0, sh, dst, dstStride) == height;
    }

    public void Dispose()
    {
        if (_context != 0) LibAv.sws_freeContext(_context);
        _context = 0;
    }
}
