using OpenCvSharp;
using SmartCam.Capture;

namespace SmartCam.Tests.Unit;

/// <summary>The live view's triple buffer: copies only when asked, hands the reader the newest frame once, survives a size change.</summary>
public class FrameTapTests
{
    private static Frame Frame(long seq, int width = 64, int height = 48)
    {
        var frame = new Frame { Seq = seq, Width = width, Height = height };
        frame.Image.Create(height, width, MatType.CV_8UC3);
        frame.Image.SetTo(new Scalar(seq % 256, (seq * 7) % 256, 3));
        return frame;
    }

    /// <summary>Requests and offers until the reader gets a frame (the first requests only size the buffers).</summary>
    private static TappedFrame Next(FrameTap tap, Frame frame)
    {
        for (var i = 0; i < 10; i++)
        {
            tap.Request();
            tap.Offer(frame);
            if (tap.TakeLatest() is { } taken) return taken;
        }
        throw new Xunit.Sdk.XunitException("no frame reached the reader in 10 rounds");
    }

    [Fact]
    public void Nothing_is_copied_until_a_frame_is_asked_for_and_then_one()
    {
        using var tap = new FrameTap();
        using var frame = Frame(1);
        tap.Offer(frame);
        Assert.Equal(0, tap.Copied);
        Assert.Null(tap.TakeLatest());

        var taken = Next(tap, frame);
        Assert.Equal(1, taken.Seq);
        Assert.Equal(1, tap.Copied);
        Assert.Equal(0, Cv2.Norm(taken.Image, frame.Image, NormTypes.L1));
        // One request, one copy: frames offered after it are not copied until the next request.
        using var later = Frame(2);
        tap.Offer(later);
        Assert.Equal(1, tap.Copied);
        Assert.Null(tap.TakeLatest());
    }

    [Fact]
    public void The_reader_gets_the_newest_frame_once_and_it_stays_intact_while_the_writer_goes_on()
    {
        using var tap = new FrameTap();
        using var first = Frame(1);
        Next(tap, first);
        using var second = Frame(2);
        using var third = Frame(3);
        tap.Request();
        tap.Offer(second);
        tap.Request();
        tap.Offer(third);
        var taken = tap.TakeLatest();
        Assert.NotNull(taken);
        Assert.Equal(3, taken.Seq);
        Assert.Null(tap.TakeLatest());
        // The writer keeps copying into its own buffers: the reader's picture does not change under it.
        using var fourth = Frame(4);
        tap.Request();
        tap.Offer(fourth);
        tap.Request();
        tap.Offer(Frame(5));
        Assert.Equal(0, Cv2.Norm(taken.Image, third.Image, NormTypes.L1));
        Assert.Equal(5, tap.TakeLatest()!.Seq);
    }

    [Fact]
    public void A_new_frame_size_is_picked_up_after_a_few_requests()
    {
        using var tap = new FrameTap();
        using var small = Frame(1, 64, 48);
        Assert.Equal((64, 48), (Next(tap, small).Image.Cols, Next(tap, Frame(2, 64, 48)).Image.Rows));
        using var large = Frame(3, 160, 120);
        var taken = Next(tap, large);
        Assert.Equal((3L, 160, 120), (taken.Seq, taken.Image.Cols, taken.Image.Rows));
        Assert.Equal(0, Cv2.Norm(taken.Image, large.Image, NormTypes.L1));
    }

    /// <summary>The first frame of vtest.avi read by the in-process decoder, its picture for the detector scaled as asked.</summary>
    private static Frame Decoded(LibavFileSource source, long seq)
    {
        var frame = new Frame { Seq = seq };
        Assert.Equal(ReadResult.Frame, source.Read(frame));
        return frame;
    }

    [Fact]
    public void A_decoded_frame_reaches_the_viewer_at_full_size_though_the_detector_got_it_scaled()
    {
        Assert.True(LibAv.Available, "the FFmpeg linked into libOpenCvSharpExtern is callable");
        using var scaled = new LibavFileSource(Repo.Video, 0, 1) { DetectSize = (w, h) => (w / 4, h / 4) };
        scaled.Open();
        using var frame = Decoded(scaled, 0);
        Assert.Equal((768, 576), (frame.Width, frame.Height));
        Assert.Equal((192, 144), (frame.Image.Cols, frame.Image.Rows));

        using var tap = new FrameTap();
        var taken = Next(tap, frame);
        // Independently: OpenCV's own reader of the same file's first frame (the full-size conversion it has always made).
        using var capture = new VideoCapture(Repo.Video, VideoCaptureAPIs.FFMPEG);
        using var expected = new Mat();
        Assert.True(capture.Read(expected));
        Assert.Equal((768, 576), (taken.Image.Cols, taken.Image.Rows));
        Assert.Equal(0, Cv2.Norm(taken.Image, expected, NormTypes.L1));
        // Shared, not copied: the capture side's slot still has its own reference, and the tap let go of its own.
        Assert.False(frame.Decoded!.IsEmpty);
    }

    [Fact]
    public void A_scaled_picture_without_its_decoded_frame_is_not_offered_as_a_view()
    {
        using var tap = new FrameTap();
        using var frame = Frame(1, 32, 24);
        frame.Width = 64;
        frame.Height = 48; // the camera's size: the 32x24 picture is the detector's, not a view
        for (var i = 0; i < 5; i++)
        {
            tap.Request();
            tap.Offer(frame);
            Assert.Null(tap.TakeLatest());
        }
        Assert.Equal(0, tap.Copied);
    }
}
