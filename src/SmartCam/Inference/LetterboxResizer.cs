using OpenCvSharp;
using SmartCam.Configuration;

namespace SmartCam.Inference;

/// <summary>
/// Resizes a BGR frame and writes it, letterboxed, into a preallocated NCHW float tensor with the
/// model's channel order and value scale. The padding is written only when the geometry changes.
/// </summary>
public sealed class LetterboxResizer : IDisposable
{
    private readonly int _width, _height;
    private readonly InputConfig _input;
    private readonly InterpolationFlags _interpolation;
    private readonly Mat _resized = new();
    private int _sourceWidth, _sourceHeight;

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
    }

    public Letterbox Geometry { get; private set; }

    public unsafe void Run(Mat bgr, Span<float> tensor)
    {
        if (bgr.Type() != MatType.CV_8UC3) throw new ArgumentException($"expected an 8-bit BGR image, got {bgr.Type()}");
        var plane = _width * _height;
        if (tensor.Length != 3 * plane) throw new ArgumentException($"tensor holds {tensor.Length} floats, expected {3 * plane}");

        if (bgr.Cols != _sourceWidth || bgr.Rows != _sourceHeight)
        {
            _sourceWidth = bgr.Cols;
            _sourceHeight = bgr.Rows;
            Geometry = Letterbox.For(_sourceWidth, _sourceHeight, _width, _height, _input.Align);
            tensor.Fill(_input.Pad * _input.Scale);
        }
        var g = Geometry;
        Mat source = bgr;
        if (g.ResizedWidth != bgr.Cols || g.ResizedHeight != bgr.Rows)
        {
            Cv2.Resize(bgr, _resized, new Size(g.ResizedWidth, g.ResizedHeight), 0, 0, _interpolation);
            source = _resized;
        }

        // Plane order in the tensor: model channel 0, 1, 2. BGR pixels carry blue at byte 0.
        var rgb = _input.Channels == ChannelOrder.Rgb;
        var scale = _input.Scale;
        fixed (float* t = tensor)
        {
            float* p0 = t, p1 = t + plane, p2 = t + 2 * plane;
            for (var y = 0; y < g.ResizedHeight; y++)
            {
                var row = (byte*)source.Ptr(y);
                var o = (y + g.PadTop) * _width + g.PadLeft;
                for (var x = 0; x < g.ResizedWidth; x++, row += 3, o++)
                {
                    float b = row[0] * scale, gr = row[1] * scale, r = row[2] * scale;
                    p0[o] = rgb ? r : b;
                    p1[o] = gr;
                    p2[o] = rgb ? b : r;
                }
            }
        }
    }

    public void Dispose() => _resized.Dispose();
}
