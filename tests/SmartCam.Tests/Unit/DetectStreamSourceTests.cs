using SmartCam.Capture;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>camera.detect_source: the detector's pictures from the small stream in the main stream's geometry; the viewer's from the main stream.</summary>
public class DetectStreamSourceTests
{
    private static CameraConfig Camera() => new()
    {
        Source = "file://" + Repo.Video1080, Kind = SourceKind.File, Location = Repo.Video1080,
        DetectSource = "file://" + Repo.Video, DetectKind = SourceKind.File, DetectLocation = Repo.Video,
    };

    [Fact]
    public void The_detector_gets_the_small_stream_sized_for_the_main_one_and_the_viewer_the_main_stream()
    {
        using var source = FrameSources.Create(Camera());
        var detect = Assert.IsType<DetectStreamSource>(source);
        // As the pipeline asks: the letterbox's size for the camera's (main) frame, 1920x1080 into 416x416.
        detect.Pictures.DetectSize = (w, h) => (416, (int)(h * 416.0 / w));
        using var tap = new FrameTap();
        detect.Tap = tap;
        detect.Open();

        using var frame = new Frame();
        TappedFrame? view = null;
        var read = 0L;
        Eventually.Until(() =>
        {
            Assert.Equal(ReadResult.Frame, detect.Read(frame));
            read++;
            Assert.Equal((1920, 1080), (frame.Width, frame.Height));
            Assert.Equal((416, 234), (frame.Image.Cols, frame.Image.Rows));
            tap.Request();
            view = tap.TakeLatest();
            return view is not null;
        }, TimeSpan.FromSeconds(60), "a main-stream picture reaching the viewer");
        Assert.Equal((1920, 1080), (view!.Image.Cols, view.Image.Rows));
        // Labelled with a detection frame's seq, one already read.
        Assert.InRange(view.Seq, 0, read - 1);
        Assert.True(detect.ViewFrames > 0);
    }

    [Fact]
    public void A_main_stream_that_cannot_open_is_one_line_naming_it()
    {
        var camera = Camera() with { Source = "file:///nonexistent/main.avi", Location = "/nonexistent/main.avi" };
        using var source = FrameSources.Create(camera);
        var e = Assert.Throws<SourceException>(source.Open);
        Assert.Contains("/nonexistent/main.avi", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
