using System.Runtime.InteropServices;
using OpenCvSharp;
using SmartCam.Capture;

namespace SmartCam.Tests.Unit;

/// <summary>
/// A V4L2 driver's buffer made into a frame, without a device: buffers laid out as a driver lays them out (YUYV and
/// NV12 rows with padding at the end of each, an MJPEG frame with the rest of the buffer left over), filled from a
/// frame of the sample footage, and compared with OpenCV's own conversion of the same bytes.
/// </summary>
public sealed unsafe class V4l2FramesTests : IDisposable
{
    private const int Width = 768, Height = 576, Padding = 64;
    private readonly Mat _bgr = new();
    private readonly List<nint> _native = [];

    public V4l2FramesTests()
    {
        using var video = new VideoCapture(Repo.Video);
        for (var i = 0; i <= 50; i++) Assert.True(video.Read(_bgr));
    }

    public void Dispose()
    {
        _bgr.Dispose();
        foreach (var p in _native) Marshal.FreeHGlobal(p);
    }

    /// <summary>The footage frame as a driver's YUYV or NV12 buffer (rows <paramref name="stride"/> bytes apart), from OpenCV's 4:2:0 planes.</summary>
    private V4l2Buffer RawBuffer(string fourcc, int stride)
    {
        using var i420 = new Mat();
        Cv2.CvtColor(_bgr, i420, ColorConversionCodes.BGR2YUV_I420);
        var planes = (byte*)i420.Data;
        byte* y = planes, u = planes + Width * Height, v = u + Width * Height / 4;
        var nv12 = fourcc == "NV12";
        var size = stride * (nv12 ? Height * 3 / 2 : Height);
        var data = Marshal.AllocHGlobal(size);
        _native.Add(data);
        var d = (byte*)data;
        new Span<byte>(d, size).Fill(0xAA); // padding a driver leaves is not picture
        for (var row = 0; row < Height; row++)
        for (var col = 0; col < Width; col++)
        {
            var chroma = row / 2 * (Width / 2) + col / 2;
            if (nv12)
            {
                d[row * stride + col] = y[row * Width + col];
                if (row % 2 == 0) d[(Height + row / 2) * stride + col] = col % 2 == 0 ? u[chroma] : v[chroma];
            }
            else
            {
                d[row * stride + col * 2] = y[row * Width + col];
                d[row * stride + col * 2 + 1] = col % 2 == 0 ? u[chroma] : v[chroma];
            }
        }
        return new V4l2Buffer(0, data, size, 1_000, true, false, false, 0, 0);
    }

    /// <summary>OpenCV's conversion of the buffer's bytes: the independent expectation.</summary>
    private static Mat OpenCvConversion(V4l2Buffer buffer, string fourcc, int stride)
    {
        using var raw = fourcc == "NV12"
            ? Mat.FromPixelData(Height * 3 / 2, Width, MatType.CV_8UC1, buffer.Data, stride)
            : Mat.FromPixelData(Height, Width, MatType.CV_8UC2, buffer.Data, stride);
        var bgr = new Mat();
        Cv2.CvtColor(raw, bgr, fourcc == "NV12" ? ColorConversionCodes.YUV2BGR_NV12 : ColorConversionCodes.YUV2BGR_YUYV);
        return bgr;
    }

    private static double MeanDifference(Mat a, Mat b) => Cv2.Norm(a, b, NormTypes.L1) / (a.Total() * 3.0);

    private static V4l2Mode Mode(string fourcc, int stride) => new(fourcc, Width, Height, 30) { BytesPerLine = stride, SizeImage = stride * Height * 2 };

    [Theory]
    [InlineData("YUYV", true)]
    [InlineData("NV12", true)]
    [InlineData("YUYV", false)]
    [InlineData("NV12", false)]
    public void A_raw_frame_is_the_picture_the_driver_sent_at_full_size(string fourcc, bool withLibAv)
    {
        var stride = (fourcc == "NV12" ? Width : Width * 2) + Padding;
        var buffer = RawBuffer(fourcc, stride);
        using var pictures = new DetectorPictures();
        using var frames = new V4l2Frames(Mode(fourcc, stride), pictures, withLibAv);
        using var frame = new Frame();
        Assert.Equal(ReadResult.Frame, frames.Fill(buffer, frame));
        Assert.Equal((Width, Height), (frame.Width, frame.Height));
        Assert.Equal((Width, Height), (frame.Image.Cols, frame.Image.Rows));
        using var expected = OpenCvConversion(buffer, fourcc, stride);
        var diff = MeanDifference(frame.Image, expected);
        // OpenCV itself without FFmpeg's converter; with it, swscale's rounding of the same BT.601 matrix.
        Assert.True(withLibAv ? diff < 1.5 : diff == 0, $"mean difference {diff:0.000} levels");
        // And it is the footage (through 4:2:0 and back).
        Assert.True(MeanDifference(frame.Image, _bgr) < 4, $"mean difference from the footage {MeanDifference(frame.Image, _bgr):0.00}");
        if (withLibAv) Assert.Equal((Width, Height), (frame.Decoded!.Width, frame.Decoded.Height)); // kept for the live view
    }

    [Theory]
    [InlineData("YUYV")]
    [InlineData("NV12")]
    public void A_raw_frame_much_larger_than_the_detector_wants_is_converted_straight_to_its_size(string fourcc)
    {
        var stride = fourcc == "NV12" ? Width : Width * 2;
        var buffer = RawBuffer(fourcc, stride);
        using var pictures = new DetectorPictures { DetectSize = (_, _) => (Width / 3, Height / 3) };
        using var frames = new V4l2Frames(Mode(fourcc, stride), pictures, withLibAv: true);
        using var frame = new Frame();
        Assert.Equal(ReadResult.Frame, frames.Fill(buffer, frame));
        Assert.Equal((Width, Height), (frame.Width, frame.Height)); // detections are in the camera's pixels
        Assert.Equal((Width / 3, Height / 3), (frame.Image.Cols, frame.Image.Rows));
        using var full = OpenCvConversion(buffer, fourcc, stride);
        using var shrunk = new Mat();
        Cv2.Resize(full, shrunk, new Size(Width / 3, Height / 3), 0, 0, InterpolationFlags.Area);
        Assert.True(MeanDifference(frame.Image, shrunk) < 6, $"mean difference {MeanDifference(frame.Image, shrunk):0.00}");
    }

    [Fact]
    public void An_mjpeg_frame_is_decoded_at_the_fraction_the_detector_needs_and_its_jpeg_kept()
    {
        Cv2.ImEncode(".jpg", _bgr, out var jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
        var capacity = Width * Height * 2;
        var data = Marshal.AllocHGlobal(capacity);
        _native.Add(data);
        new Span<byte>((void*)data, capacity).Fill(0x55); // what an earlier, longer frame left in the buffer
        jpeg.CopyTo(new Span<byte>((void*)data, capacity));
        var buffer = new V4l2Buffer(1, data, jpeg.Length, 2_000, true, false, false, 7, 0);
        var mode = new V4l2Mode("MJPG", Width, Height, 30) { SizeImage = capacity };

        using var pictures = new DetectorPictures { DetectSize = (_, _) => (Width / 2, Height / 2) };
        using var frames = new V4l2Frames(mode, pictures, withLibAv: true);
        using var frame = new Frame();
        // What an earlier, longer frame left in the slot after this one's end marker.
        frame.Jpeg = new Mat(1, capacity, MatType.CV_8UC1, Scalar.All(0x55));
        Assert.Equal(ReadResult.Frame, frames.Fill(buffer, frame));
        Assert.Equal((Width / 2, Height / 2), (frame.Image.Cols, frame.Image.Rows));
        Assert.Equal((Width, Height), (frame.Width, frame.Height));
        using var full = Cv2.ImDecode(frame.Jpeg!, ImreadModes.Color);
        Assert.Equal((Width, Height), (full.Cols, full.Rows));
        Assert.True(MeanDifference(full, _bgr) < 4);
    }

    [Fact]
    public void A_short_or_flagged_buffer_is_a_damaged_frame()
    {
        var stride = Width * 2;
        var buffer = RawBuffer("YUYV", stride);
        using var pictures = new DetectorPictures();
        using var frames = new V4l2Frames(Mode("YUYV", stride), pictures, withLibAv: true);
        using var frame = new Frame();
        Assert.Equal(ReadResult.Corrupt, frames.Fill(buffer with { BytesUsed = stride * (Height - 1) }, frame));
        Assert.Equal(ReadResult.Corrupt, frames.Fill(buffer with { Error = true }, frame));
        Assert.Equal(ReadResult.Corrupt, frames.Fill(buffer with { BytesUsed = 0 }, frame));
        Assert.Equal(ReadResult.Frame, frames.Fill(buffer, frame));
    }

    [Theory]
    [InlineData("YUYV", true)]
    [InlineData("NV12", true)]
    [InlineData("YUYV", false)]
    [InlineData("MJPG", true)]
    public void A_frame_allocates_nothing_once_the_slot_is_sized(string fourcc, bool withLibAv)
    {
        V4l2Buffer buffer;
        V4l2Mode mode;
        if (fourcc == "MJPG")
        {
            Cv2.ImEncode(".jpg", _bgr, out var jpeg);
            var data = Marshal.AllocHGlobal(jpeg.Length);
            _native.Add(data);
            jpeg.CopyTo(new Span<byte>((void*)data, jpeg.Length));
            (buffer, mode) = (new V4l2Buffer(0, data, jpeg.Length, 1, true, false, false, 0, 0), new V4l2Mode("MJPG", Width, Height, 30) { SizeImage = Width * Height * 2 });
        }
        else
        {
            var stride = fourcc == "NV12" ? Width : Width * 2;
            (buffer, mode) = (RawBuffer(fourcc, stride), Mode(fourcc, stride));
        }
        using var pictures = new DetectorPictures { DetectSize = (_, _) => (Width / 3, Height / 3) };
        using var frames = new V4l2Frames(mode, pictures, withLibAv);
        using var frame = new Frame();
        for (var i = 0; i < 3; i++) Assert.Equal(ReadResult.Frame, frames.Fill(buffer, frame)); // sizes the slot
        var allocated = Allocations.OnThisThread(() =>
        {
            for (var i = 0; i < 20; i++) frames.Fill(buffer, frame);
        });
        Assert.Equal(0, allocated);
    }
}
