using OpenCvSharp;
using SmartCam.Capture;

namespace SmartCam.Tests.Unit;

/// <summary>
/// The in-process FFmpeg decoder against OpenCV's own FFmpeg reader of the same file: the same pictures at full size,
/// the same media clock, and a one-pass scaled conversion close to the letterbox's resize of the full picture.
/// </summary>
public class LibavFileSourceTests
{
    private static LibavFileSource Open(Func<int, int, (int, int)>? detectSize = null, int threads = 0)
    {
        Assert.True(LibAv.Available, "the FFmpeg linked into libOpenCvSharpExtern is callable");
        var source = new LibavFileSource(Repo.Video, 0, threads) { DetectSize = detectSize };
        source.Open();
        return source;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void Every_frame_is_OpenCVs_picture_at_OpenCVs_time_and_then_the_file_ends(int threads)
    {
        using var ours = Open(threads: threads);
        using var capture = new VideoCapture(Repo.Video, VideoCaptureAPIs.FFMPEG);
        using var frame = new Frame();
        using var expected = new Mat();
        Assert.Equal(capture.Get(VideoCaptureProperties.Fps), ours.Fps, 6);
        var count = 0;
        while (capture.Read(expected) && !expected.Empty())
        {
            Assert.Equal(ReadResult.Frame, ours.Read(frame));
            Assert.Equal((expected.Cols, expected.Rows), (frame.Width, frame.Height));
            Assert.True(Cv2.Norm(frame.Image, expected, NormTypes.L1) == 0, $"frame {count} differs from OpenCV's");
            Assert.Equal((long)Math.Round(capture.Get(VideoCaptureProperties.PosMsec) * 1_000_000), ours.PositionNs);
            count++;
        }
        Assert.Equal(795, count);
        Assert.Equal(ReadResult.End, ours.Read(frame));
    }

    [Fact]
    public void Rewinding_gives_the_first_frame_again()
    {
        using var ours = Open();
        using var first = new Frame();
        using var again = new Frame();
        Assert.Equal(ReadResult.Frame, ours.Read(first));
        for (var i = 0; i < 30; i++) Assert.Equal(ReadResult.Frame, ours.Read(again));
        Assert.True(ours.TryRewind());
        Assert.Equal(ReadResult.Frame, ours.Read(again));
        Assert.Equal(0, Cv2.Norm(first.Image, again.Image, NormTypes.L1));
        Assert.Equal(0, ours.PositionNs);
    }

    [Fact]
    public void The_one_pass_scaled_picture_is_close_to_the_resized_full_picture()
    {
        // 768x576 into 416x416: the letterbox's 416x312, converted straight from YUV.
        using var ours = Open((w, h) => (416, 312));
        using var capture = new VideoCapture(Repo.Video, VideoCaptureAPIs.FFMPEG);
        using var full = new Mat();
        using var resized = new Mat();
        using var frame = new Frame();
        for (var i = 0; i < 20; i++)
        {
            Assert.True(capture.Read(full));
            Assert.Equal(ReadResult.Frame, ours.Read(frame));
            Assert.Equal((416, 312), (frame.Image.Cols, frame.Image.Rows));
            Assert.Equal((768, 576), (frame.Width, frame.Height));
            Cv2.Resize(full, resized, new Size(416, 312), 0, 0, InterpolationFlags.Linear);
            // Both take two taps per output pixel; they differ in where the chroma is sampled and in rounding.
            var meanDiff = Cv2.Norm(frame.Image, resized, NormTypes.L1) / (416.0 * 312 * 3);
            Assert.True(meanDiff < 3, $"frame {i}: mean difference {meanDiff:0.00} levels");
        }
    }

    [Fact]
    public void A_file_that_is_no_video_is_one_line_naming_it()
    {
        using var dir = new TempDir();
        var path = dir.File("notes.avi");
        File.WriteAllText(path, "not a video at all\n");
        using var source = new LibavFileSource(path, 0, 0);
        var e = Assert.Throws<SourceException>(source.Open);
        Assert.StartsWith(path + ": cannot", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
