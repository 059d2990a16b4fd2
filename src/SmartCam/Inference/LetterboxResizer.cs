using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using OpenCvSharp;
using SmartCam.Configuration;

namespace SmartCam.Inference;

/// <summary>
/// Resizes a BGR frame and writes it, letterboxed, into a preallocated NCHW float tensor with the
/// model's channel order and value scale. The padding is written only when the geometry changes.
/// Resizing goes through OpenCV with its array wrappers made once per source image, because
/// <c>Cv2.Resize</c> creates new ones (208 B) on every call.
/// </summary>
public sealed class LetterboxResizer : IDisposable
{
    private readonly int _width, _height;
    private readonly InputConfig _input;
    private readonly InterpolationFlags _interpolation;
    private readonly Mat _resized = new();
    private readonly OutputArray _resizedArray;
    private readonly (Mat Image, InputArray Array)[] _sources = new (Mat, InputArray)[4];
    private int _sourceCount;

    public LetterboxResizer(int inputWidth, int inputHeight, InputConfig input)
    {
        _width = inputWidth;
        _height = inputHeight;
        _input = input;
        _interpolation = input.Resize switch
        {
            ResizeMode.Nearest => InterpolationFlags.Nearest,
            ResizeMode.Area => InterpolationFlags.Area,
            ResizeMode.Cubic => InterpolationFlags.Cubic,
            _ => InterpolationFlags.Linear,
        };
        _resizedArray = OutputArray.Create(_resized);
    }

    /// <summary>The geometry of the last <see cref="Run"/>.</summary>
    public Letterbox Geometry { get; private set; }

    /// <summary>Letterboxes <paramref name="bgr"/> into <paramref name="input"/>'s tensor and records where it went.</summary>
    public void Run(Mat bgr, DetectorInput input) => input.Geometry = Run(bgr, bgr.Cols, bgr.Rows, input.Tensor, input.Geometry);

    /// <summary>
    /// Letterboxes a frame of <paramref name="sourceWidth"/>x<paramref name="sourceHeight"/> into <paramref name="input"/>'s
    /// tensor: <paramref name="image"/> is the frame at that size, or already at the letterbox's scaled size (a source
    /// that converted straight to it), which is then only copied into place.
    /// </summary>
    public void Run(Mat image, int sourceWidth, int sourceHeight, DetectorInput input) =>
        input.Geometry = Run(image, sourceWidth, sourceHeight, input.Tensor, input.Geometry);

    /// <summary>
    /// Writes <paramref name="bgr"/> into <paramref name="tensor"/>, which held a frame placed as
    /// <paramref name="previous"/> (default: unknown, so the padding is written too). Returns the new placement.
    /// </summary>
    public Letterbox Run(Mat bgr, Span<float> tensor, Letterbox previous = default) => Run(bgr, bgr.Cols, bgr.Rows, tensor, previous);

    /// <summary>The size a <paramref name="sourceWidth"/>x<paramref name="sourceHeight"/> frame is scaled to inside the model input.</summary>
    public Letterbox GeometryFor(int sourceWidth, int sourceHeight) => Letterbox.For(sourceWidth, sourceHeight, _width, _height, _input.Align);

    /// <summary>As <see cref="Run(Mat, int, int, DetectorInput)"/>, into a bare tensor that held a frame placed as <paramref name="previous"/>.</summary>
    public unsafe Letterbox Run(Mat bgr, int sourceWidth, int sourceHeight, Span<float> tensor, Letterbox previous = default)
    {
        if (bgr.Type() != MatType.CV_8UC3) throw new ArgumentException($"expected an 8-bit BGR image, got {bgr.Type()}");
        var plane = _width * _height;
        if (tensor.Length != 3 * plane) throw new ArgumentException($"tensor holds {tensor.Length} floats, expected {3 * plane}");

        var g = GeometryFor(sourceWidth, sourceHeight);
        if (g != previous) tensor.Fill(_input.Pad * _input.Scale);
        Geometry = g;
        var scaledAlready = bgr.Cols == g.ResizedWidth && bgr.Rows == g.ResizedHeight;
        // Else the frame at its full size, or reduced by a whole factor in the JPEG decoder (a side rounded up).
        if (!scaledAlready && Math.Abs((long)bgr.Cols * sourceHeight - (long)bgr.Rows * sourceWidth) > Math.Max(sourceWidth, sourceHeight))
            throw new ArgumentException($"a {bgr.Cols}x{bgr.Rows} picture is not the shape of the {sourceWidth}x{sourceHeight} frame");
        Mat source = bgr;
        if (!scaledAlready)
        {
            var status = OpenCvSharp.Internal.NativeMethods.imgproc_resize(SourceArray(bgr).CvPtr, _resizedArray.CvPtr,
                new Size(g.ResizedWidth, g.ResizedHeight), 0, 0, (int)_interpolation);
            if (status != OpenCvSharp.Internal.ExceptionStatus.NotOccurred)
                throw new InvalidOperationException($"cv::resize of a {bgr.Cols}x{bgr.Rows} image to {g.ResizedWidth}x{g.ResizedHeight} failed");
            source = _resized;
        }

        // Tensor planes are the model's channels 0, 1, 2; BGR pixels carry blue at byte 0.
        var rgb = _input.Channels == ChannelOrder.Rgb;
        var scale = _input.Scale;
        fixed (float* t = tensor)
        {
            float* blue = rgb ? t + 2 * plane : t, green = t + plane, red = rgb ? t : t + 2 * plane;
            for (var y = 0; y < g.ResizedHeight; y++)
            {
                var o = (y + g.PadTop) * _width + g.PadLeft;
                SplitRow((byte*)source.Ptr(y), g.ResizedWidth, blue + o, green + o, red + o, scale);
            }
        }
        return g;
    }

    // pshufb masks that gather one channel of 16 interleaved BGR pixels (48 bytes in three vectors);
    // 0x80 writes zero, so the three partial gathers combine with OR.
    private static readonly Vector128<byte>[] Gather =
    [
        Vector128.Create((byte)0, 3, 6, 9, 12, 15, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80),
        Vector128.Create((byte)0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 2, 5, 8, 11, 14, 0x80, 0x80, 0x80, 0x80, 0x80),
        Vector128.Create((byte)0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 1, 4, 7, 10, 13),
        Vector128.Create((byte)1, 4, 7, 10, 13, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80),
        Vector128.Create((byte)0x80, 0x80, 0x80, 0x80, 0x80, 0, 3, 6, 9, 12, 15, 0x80, 0x80, 0x80, 0x80, 0x80),
        Vector128.Create((byte)0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 2, 5, 8, 11, 14),
        Vector128.Create((byte)2, 5, 8, 11, 14, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80),
        Vector128.Create((byte)0x80, 0x80, 0x80, 0x80, 0x80, 1, 4, 7, 10, 13, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80),
        Vector128.Create((byte)0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0, 3, 6, 9, 12, 15),
    ];

    /// <summary>
    /// One row of BGR bytes into three float planes, times <paramref name="scale"/>. On the capture
    /// thread's critical path, so 16 pixels at a time with SSSE3 where the CPU has it (a fifth of the scalar loop's time),
    /// widened with SSE4.1 and not multiplied when the scale is 1 (YOLOX) where it can: 39 µs a 416x312 frame against 49 µs.
    /// </summary>
    internal static unsafe void SplitRow(byte* row, int width, float* blue, float* green, float* red, float scale)
    {
        var x = 0;
        if (Ssse3.IsSupported)
        {
            var gather = Gather;
            var factor = Vector128.Create(scale);
            var unscaled = scale == 1f && Sse41.IsSupported;
            for (; x + 16 <= width; x += 16, row += 48)
            {
                var a = Sse2.LoadVector128(row);
                var b = Sse2.LoadVector128(row + 16);
                var c = Sse2.LoadVector128(row + 32);
                var bytesB = Ssse3.Shuffle(a, gather[0]) | Ssse3.Shuffle(b, gather[1]) | Ssse3.Shuffle(c, gather[2]);
                var bytesG = Ssse3.Shuffle(a, gather[3]) | Ssse3.Shuffle(b, gather[4]) | Ssse3.Shuffle(c, gather[5]);
                var bytesR = Ssse3.Shuffle(a, gather[6]) | Ssse3.Shuffle(b, gather[7]) | Ssse3.Shuffle(c, gather[8]);
                if (unscaled)
                {
                    StoreUnscaled(bytesB, blue + x);
                    StoreUnscaled(bytesG, green + x);
                    StoreUnscaled(bytesR, red + x);
                }
                else
                {
                    Store(bytesB, blue + x, factor);
                    Store(bytesG, green + x, factor);
                    Store(bytesR, red + x, factor);
                }
            }
        }
        for (; x < width; x++, row += 3)
        {
            blue[x] = row[0] * scale;
            green[x] = row[1] * scale;
            red[x] = row[2] * scale;
        }
    }

    /// <summary>Widens 16 bytes to 16 floats, scales and stores them.</summary>
    private static unsafe void Store(Vector128<byte> bytes, float* to, Vector128<float> factor)
    {
        var (low, high) = Vector128.Widen(bytes);
        var (w0, w1) = Vector128.Widen(low);
        var (w2, w3) = Vector128.Widen(high);
        (Vector128.ConvertToSingle(w0.AsInt32()) * factor).Store(to);
        (Vector128.ConvertToSingle(w1.AsInt32()) * factor).Store(to + 4);
        (Vector128.ConvertToSingle(w2.AsInt32()) * factor).Store(to + 8);
        (Vector128.ConvertToSingle(w3.AsInt32()) * factor).Store(to + 12);
    }

    /// <summary>Widens 16 bytes to 16 floats (one pmovzxbd per four) and stores them.</summary>
    private static unsafe void StoreUnscaled(Vector128<byte> bytes, float* to)
    {
        Vector128.ConvertToSingle(Sse41.ConvertToVector128Int32(bytes)).Store(to);
        Vector128.ConvertToSingle(Sse41.ConvertToVector128Int32(Sse2.ShiftRightLogical128BitLane(bytes, 4))).Store(to + 4);
        Vector128.ConvertToSingle(Sse41.ConvertToVector128Int32(Sse2.ShiftRightLogical128BitLane(bytes, 8))).Store(to + 8);
        Vector128.ConvertToSingle(Sse41.ConvertToVector128Int32(Sse2.ShiftRightLogical128BitLane(bytes, 12))).Store(to + 12);
    }

    /// <summary>The OpenCV input wrapper of a source image, made on first sight: frame slots are few and reused.</summary>
    private InputArray SourceArray(Mat image)
    {
        for (var i = 0; i < _sourceCount; i++)
            if (ReferenceEquals(_sources[i].Image, image)) return _sources[i].Array;
        if (_sourceCount == _sources.Length)
        {
            foreach (var (_, array) in _sources) array.Dispose();
            _sourceCount = 0;
        }
        var created = InputArray.Create(image);
        _sources[_sourceCount++] = (image, created);
        return created;
    }

    public void Dispose()
    {
        for (var i = 0; i < _sourceCount; i++) _sources[i].Array.Dispose();
        _resizedArray.Dispose();
        _resized.Dispose();
    }
}
