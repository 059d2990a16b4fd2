using OpenCvSharp;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Inference;

namespace SmartCam.Tests.Unit;

/// <summary>
/// A V4L2 MJPEG camera's frames for the detector decoded at a fraction of their size in the JPEG decoder, and at full
/// size for the viewer; on real JPEG data (a 1080p frame of the sample footage, encoded as a camera would).
/// </summary>
public class ReducedJpegTests
{
    [Theory]
    [InlineData(1920, 1080, 416, 234, 4)]
    [InlineData(3840, 2160, 416, 234, 8)]
    [InlineData(1280, 720, 416, 234, 2)]
    [InlineData(768, 576, 416, 312, 1)]
    [InlineData(1920, 1080, 1920, 1080, 1)]
    public void The_reduction_is_the_largest_that_still_gives_the_model_its_size(int width, int height, int neededWidth, int neededHeight, int expected) =>
        Assert.Equal(expected, ReducedJpeg.ReductionFor(width, height, neededWidth, neededHeight));

    /// <summary>Frame 100 of the 1080p footage and its JPEG.</summary>
    private static (Mat Full, Mat Jpeg) CameraFrame()
    {
        using var source = new VideoCapture(Repo.Video1080, VideoCaptureAPIs.FFMPEG);
        var full = new Mat();
        for (var i = 0; i <= 100; i++) Assert.True(source.Read(full));
        Cv2.ImEncode(".jpg", full, out var bytes, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
        return (full, Mat.FromArray(bytes));
    }

    [Fact]
    public void A_quarter_size_decode_is_the_full_picture_shrunk()
    {
        var (full, jpeg) = CameraFrame();
        using (full)
        using (jpeg)
        using (var reduced = new Mat())
        using (var shrunk = new Mat())
        {
            Assert.True(ReducedJpeg.Decode(jpeg, 4, reduced));
            Assert.Equal((480, 270), (reduced.Cols, reduced.Rows));
            // Independently: the full picture averaged down 4x4 (what DCT scaling approximates).
            Cv2.Resize(full, shrunk, new Size(480, 270), 0, 0, InterpolationFlags.Area);
            var meanDiff = Cv2.Norm(reduced, shrunk, NormTypes.L1) / (480.0 * 270 * 3);
            Assert.True(meanDiff < 3, $"mean difference {meanDiff:0.00} levels");
        }
    }

    [Fact]
    public void Damaged_data_is_no_picture()
    {
        using var garbage = Mat.FromArray(new byte[] { 0xFF, 0xD8, 0xFF, 0x00, 1, 2, 3 });
        using var into = new Mat();
        Assert.False(ReducedJpeg.Decode(garbage, 4, into));
    }

    [Fact]
    public void The_letterbox_takes_the_reduced_picture_as_the_frame_and_refuses_another_shape()
    {
        var input = new InputConfig(ResizeMode.Linear, ChannelOrder.Bgr, 1f, 114, PadAlign.TopLeft);
        using var resizer = new LetterboxResizer(416, 416, input);
        var tensor = new float[3 * 416 * 416];
        using var reduced = new Mat(270, 480, MatType.CV_8UC3, Scalar.All(50));
        var placed = resizer.Run(reduced, 1920, 1080, tensor);
        Assert.Equal(Letterbox.For(1920, 1080, 416, 416, PadAlign.TopLeft), placed); // placed as the camera's frame
        Assert.Equal(50f, tensor[416 * 100 + 200]); // inside the picture
        Assert.Equal(114f, tensor[416 * 300 + 200]); // below it: the padding
        using var square = new Mat(300, 300, MatType.CV_8UC3);
        Assert.Throws<ArgumentException>(() => resizer.Run(square, 1920, 1080, tensor));
    }

    [Fact]
    public void The_viewer_gets_the_cameras_JPEG_at_full_size()
    {
        var (full, jpeg) = CameraFrame();
        full.Dispose();
        using var frame = new Frame { Seq = 7, Width = 1920, Height = 1080, Jpeg = jpeg };
        Assert.True(ReducedJpeg.Decode(jpeg, 4, frame.Image));
        using var tap = new FrameTap();
        TappedFrame? taken = null;
        for (var i = 0; i < 5 && taken is null; i++)
        {
            tap.Request();
            tap.Offer(frame);
            taken = tap.TakeLatest();
        }
        Assert.NotNull(taken);
        Assert.Equal((7L, 1920, 1080), (taken!.Seq, taken.Image.Cols, taken.Image.Rows));
        using var expected = Cv2.ImDecode(jpeg, ImreadModes.Color);
        Assert.Equal(0, Cv2.Norm(taken.Image, expected, NormTypes.L1));
    }
}
