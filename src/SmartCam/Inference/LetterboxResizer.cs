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
    public void Run(Mat bgr, DetectorInput input) => input.Geometry = Run(bgr, input.Tensor, input.Geometry);

    /// <summary>
    /// Writes <paramref name="bgr"/> into <paramref name="tensor"/>, which held a frame placed as
    /// <paramref name="previous"/> (default: unknown, so the padding is written too). Returns the new placement.
    /// </summary>
    public unsafe Letterbox Run(Mat bgr, Span<float> tensor, Letterbox previous = default)
    {
        if (bgr.Type() != MatType.CV_8UC3) throw new ArgumentException($"expected an 8-bit BGR image, got {bgr.Type()}");
        var plane = _width * _height;
        if (tensor.Length != 3 * plane) throw new ArgumentException($"tensor holds {tensor.Length} floats, expected {3 * plane}");

        var g = Letterbox.For(bgr.Cols, bgr.Rows, _width, _height, _input.Align);
        if (g != previous) tensor.Fill(_input.Pad * _input.Scale);
        Geometry = g;
        Mat source = bgr;
        if (g.ResizedWidth != bgr.Cols || g.ResizedHeight != bgr.Rows)
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
                var row = (byte*)source.Ptr(y);
                var o = (y + g.PadTop) * _width + g.PadLeft;
                for (var x = 0; x < g.ResizedWidth; x++, row += 3, o++)
                {
                    blue[o] = row[0] * scale;
                    green[o] = row[1] * scale;
                    red[o] = row[2] * scale;
                }
            }
        }
        return g;
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
