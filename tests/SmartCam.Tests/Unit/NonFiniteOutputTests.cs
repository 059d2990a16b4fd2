using SmartCam.Configuration;
using SmartCam.Inference;

namespace SmartCam.Tests.Unit;

/// <summary>
/// A model that outputs NaN or infinity: every candidate whose score or box is not finite is dropped and counted by
/// <see cref="DetectionPostprocessor"/>, for each family's decoder; finite detections beside them are kept. 64x64
/// input, 84 anchors, 3 classes, as in <see cref="DecoderTests"/>.
/// </summary>
public class NonFiniteOutputTests
{
    private const int Anchors = 84;
    private const int Row = 8; // 5 + 3 classes

    private static readonly string[] Labels = ["a", "b", "c"];

    private static (Detection[] Kept, int Dropped) Run(IDetectionDecoder decoder, float[] output)
    {
        var post = new DetectionPostprocessor(decoder, Labels, new DetectConfig { Score = 0.3f });
        var into = new Detection[100];
        var n = post.Run(output, Letterbox.For(64, 64, 64, 64, PadAlign.Center), 64, 64, into);
        return (into[..n], post.NonFiniteDropped);
    }

    private static void AssertFinite(Detection d) =>
        Assert.True(float.IsFinite(d.Score) && float.IsFinite(d.X1) && float.IsFinite(d.Y1) && float.IsFinite(d.X2) && float.IsFinite(d.Y2), d.ToString());

    /// <summary>Rows (x, y, w, h, objectness, p0, p1, p2) for YOLOX (log sizes) and YOLOv5 (pixel sizes).</summary>
    private static float[] RowOutput(int anchors, params (int Anchor, float[] Row)[] rows)
    {
        var output = new float[anchors * Row];
        foreach (var (anchor, row) in rows) row.CopyTo(output, anchor * Row);
        return output;
    }

    public static TheoryData<string> RowFamilies => new() { "yolox", "yolov5" };

    [Theory]
    [MemberData(nameof(RowFamilies))]
    public void Objectness_families_drop_and_count_nan_and_infinite_candidates(string family)
    {
        var yolox = family == "yolox";
        var size = yolox ? 0f : 8f; // log(1) = 0 for YOLOX: a box one stride wide; 8 px for YOLOv5
        var decoder = yolox ? (IDetectionDecoder)new YoloxDecoder(64, 64, 3) : new Yolov5Decoder(64, 64, 3);
        var output = RowOutput(decoder.OutputShape[1],
            (1, [0, 0, size, size, float.NaN, 0.9f, 0, 0]),                // objectness NaN: score NaN
            (2, [0, 0, size, size, 0.9f, float.NaN, 0, 0]),                // the best class NaN: score NaN
            (3, [0, 0, size, size, float.PositiveInfinity, 0.5f, 0, 0]),   // score +Inf
            (4, [0, 0, size, size, float.PositiveInfinity, 0, 0, 0]),      // +Inf x 0 = NaN
            (5, [float.NaN, 0, size, size, 0.9f, 0.9f, 0, 0]),             // a box edge NaN
            (6, [0, 0, yolox ? 1000f : float.PositiveInfinity, size, 0.9f, 0, 0.9f, 0]), // exp(1000) = +Inf wide
            (7, [0, 0, size, size, float.NegativeInfinity, 0.9f, 0, 0]),   // -Inf objectness: below the threshold, no candidate
            (40, [0.5f, 0.5f, size, size, 0.9f, 0, 0, 0.8f]));             // the one good detection: class 2, 0.72

        var (kept, dropped) = Run(decoder, output);

        Assert.Equal(6, dropped);
        var d = Assert.Single(kept);
        Assert.Equal(2, d.ClassId);
        Assert.Equal(0.72f, d.Score, 5);
        AssertFinite(d);
    }

    [Fact]
    public void Yolov8_drops_and_counts_nan_and_infinite_candidates()
    {
        var decoder = new Yolov8Decoder(64, 64, 3);
        var output = new float[7 * Anchors];
        void Set(int anchor, params float[] channels)
        {
            for (var c = 0; c < channels.Length; c++) output[c * Anchors + anchor] = channels[c];
        }
        Set(10, 20, 20, 8, 8, float.NaN, 0, 0);                   // score NaN
        Set(20, 30, 30, 8, 8, 0, float.PositiveInfinity, 0);      // score +Inf
        Set(30, float.NaN, 40, 8, 8, 0.9f, 0, 0);                 // box NaN
        Set(40, 40, 40, float.PositiveInfinity, 8, 0, 0.8f, 0);   // box +Inf wide
        Set(60, 10, 10, 8, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity); // no candidate
        Set(50, 20, 30, 10, 6, 0.1f, 0.6f, 0.4f);                  // the good one: class 1, 0.6, [15, 27, 25, 33]

        var (kept, dropped) = Run(decoder, output);

        Assert.Equal(4, dropped);
        var d = Assert.Single(kept);
        Assert.Equal(1, d.ClassId);
        Assert.Equal([15f, 27f, 25f, 33f, 0.6f], new[] { d.X1, d.Y1, d.X2, d.Y2, d.Score });
    }

    [Fact]
    public void A_clean_output_drops_nothing_and_the_count_is_per_frame()
    {
        var decoder = new Yolov8Decoder(64, 64, 3);
        var post = new DetectionPostprocessor(decoder, Labels, new DetectConfig { Score = 0.3f });
        var into = new Detection[100];
        var bad = new float[7 * Anchors];
        bad[4 * Anchors + 5] = float.NaN;
        post.Run(bad, Letterbox.For(64, 64, 64, 64, PadAlign.Center), 64, 64, into);
        Assert.Equal(1, post.NonFiniteDropped);

        post.Run(new float[7 * Anchors], Letterbox.For(64, 64, 64, 64, PadAlign.Center), 64, 64, into);

        Assert.Equal(0, post.NonFiniteDropped);
    }

    [Fact]
    public void Dropping_allocates_nothing()
    {
        var decoder = new Yolov8Decoder(64, 64, 3);
        var post = new DetectionPostprocessor(decoder, Labels, new DetectConfig { Score = 0.3f });
        var into = new Detection[100];
        var output = new float[7 * Anchors];
        for (var i = 0; i < Anchors; i += 2) output[4 * Anchors + i] = i % 4 == 0 ? float.NaN : float.PositiveInfinity;
        var letterbox = Letterbox.For(64, 64, 64, 64, PadAlign.Center);
        post.Run(output, letterbox, 64, 64, into); // warm-up: JIT

        var allocated = Allocations.OnThisThread(() => { for (var i = 0; i < 100; i++) post.Run(output, letterbox, 64, 64, into); });

        Assert.Equal(Anchors / 2, post.NonFiniteDropped);
        Assert.Equal(0, allocated);
    }
}
