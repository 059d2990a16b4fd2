using System.Text;
using OpenCvSharp;
using SmartCam.Viewing;

namespace SmartCam.Tests.Unit;

/// <summary>The MJPEG view's burnt-in boxes: the same pixels as OpenCV's plain calls, and next to nothing allocated for a scene seen before.</summary>
public sealed class BurntBoxesTests
{
    private static readonly byte[] Det = Encoding.UTF8.GetBytes("""
        {"v":1,"camera":"cam0","seq":7,"detections":[
          {"track_id":12,"cls":0,"label":"person","score":0.5649,"box":[100.4,120.0,180.2,300.7],"extra":{"a":[1,2]}},
          {"cls":2,"label":"car","score":0.9,"box":[300,50,420,140]}],"stages_us":{"infer":9000}}
        """);

    [Fact]
    public void Draws_what_OpenCvs_own_calls_draw_for_the_same_detections()
    {
        using var drawn = new Mat(576, 768, MatType.CV_8UC3, new Scalar(40, 80, 120));
        using var expected = drawn.Clone();
        Overlay.DrawDetections(drawn, Det, new LabelTexts());

        // The independent expectation: OpenCvSharp's Mat overloads with the captions written out by hand.
        var boxColour = new Scalar(0, 220, 255);
        foreach (var (p1, p2, caption) in new[]
                 {
                     (new Point(100.4, 120.0), new Point(180.2, 300.7), "person #12 0.56"),
                     (new Point(300, 50), new Point(420, 140), "car 0.90"),
                 })
        {
            Cv2.Rectangle(expected, p1, p2, boxColour, 2);
            var size = Cv2.GetTextSize(caption, HersheyFonts.HersheySimplex, 0.45, 1, out var baseline);
            var top = Math.Max(0, p1.Y - size.Height - baseline - 2);
            Cv2.Rectangle(expected, new Rect(p1.X, top, size.Width + 4, size.Height + baseline + 2), boxColour, -1);
            Cv2.PutText(expected, caption, new Point(p1.X + 2, top + size.Height + 1), HersheyFonts.HersheySimplex, 0.45, new Scalar(0, 0, 0), 1, LineTypes.AntiAlias);
        }
        using var difference = new Mat();
        Cv2.Absdiff(drawn, expected, difference);
        Assert.Equal(0, Cv2.CountNonZero(difference.Reshape(1)));
        using var untouched = new Mat(576, 768, MatType.CV_8UC3, new Scalar(40, 80, 120));
        Cv2.Absdiff(drawn, untouched, difference);
        Assert.True(Cv2.CountNonZero(difference.Reshape(1)) > 1000, "nothing was drawn");
    }

    [Fact]
    public void A_scene_drawn_before_allocates_only_the_wrapper_OpenCvSharp_makes_per_caption()
    {
        using var image = new Mat(576, 768, MatType.CV_8UC3, Scalar.All(0));
        var texts = new LabelTexts();
        Overlay.DrawDetections(image, Det, texts); // first sight: the captions are made
        Assert.Equal(2, texts.Count);
        var allocated = Allocations.OnThisThread(() =>
        {
            for (var i = 0; i < 50; i++) Overlay.DrawDetections(image, Det, texts);
        });
        Assert.Equal(2, texts.Count);
        // 100 boxes: no caption, no JSON document; Cv2.PutText's InputOutputArray (an object and its safe handle, 104 B) each.
        Assert.InRange(allocated, 0, 100 * 128);
    }

    [Fact]
    public void The_caption_cache_is_bounded_and_finds_a_caption_by_its_characters()
    {
        var texts = new LabelTexts();
        var first = texts.For("person #1 0.50");
        Assert.Same(first, texts.For("person #1 0.50".AsSpan()));
        for (var i = 2; i <= LabelTexts.Capacity; i++) texts.For($"person #{i} 0.50");
        Assert.Equal(LabelTexts.Capacity, texts.Count);
        texts.For("car 0.90"); // full: starts over
        Assert.Equal(1, texts.Count);
        Assert.NotSame(first, texts.For("person #1 0.50"));
    }
}
