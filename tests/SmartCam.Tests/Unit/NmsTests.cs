using SmartCam.Configuration;
using SmartCam.Inference;

namespace SmartCam.Tests.Unit;

public class NmsTests
{
    private static Detection Box(float x1, float y1, float x2, float y2, float score = 0.5f, int cls = 0) =>
        new(x1, y1, x2, y2, score, cls);

    private static Detection[] Nms(float iou, int maxKept, params Detection[] boxes)
    {
        var buffer = (Detection[])boxes.Clone();
        var n = new NonMaxSuppression(boxes.Length).Run(buffer, boxes.Length, iou, maxKept);
        return buffer[..n];
    }

    [Fact]
    public void IoU_of_hand_computed_pairs()
    {
        // overlap 5x10 = 50; union 100 + 100 - 50 = 150
        Assert.Equal(1f / 3f, NonMaxSuppression.IoU(Box(0, 0, 10, 10), Box(5, 0, 15, 10)), 6);
        // contained: 25 / 100
        Assert.Equal(0.25f, NonMaxSuppression.IoU(Box(0, 0, 10, 10), Box(0, 0, 5, 5)), 6);
        // overlap 5x5 = 25; union 100 + 100 - 25 = 175
        Assert.Equal(25f / 175f, NonMaxSuppression.IoU(Box(0, 0, 10, 10), Box(5, 5, 15, 15)), 6);
        Assert.Equal(1f, NonMaxSuppression.IoU(Box(2, 3, 7, 9), Box(2, 3, 7, 9)), 6);
        Assert.Equal(0f, NonMaxSuppression.IoU(Box(0, 0, 10, 10), Box(10, 0, 20, 10))); // touching edges
        Assert.Equal(0f, NonMaxSuppression.IoU(Box(0, 0, 10, 10), Box(20, 20, 30, 30)));
    }

    [Fact]
    public void Same_class_overlap_above_threshold_keeps_the_higher_score()
    {
        var low = Box(1, 0, 11, 10, 0.8f);
        var high = Box(0, 0, 10, 10, 0.9f);
        // IoU = 9*10 / (100 + 100 - 90) = 90/110 = 0.82 > 0.45

        var kept = Nms(0.45f, 10, low, high);

        Assert.Equal(0.9f, Assert.Single(kept).Score);
        Assert.Equal(0f, kept[0].X1);
    }

    [Fact]
    public void Overlap_equal_to_the_threshold_is_kept()
    {
        // IoU = 50 / 100 = 0.5, not above 0.5
        var kept = Nms(0.5f, 10, Box(0, 0, 10, 10, 0.9f), Box(0, 0, 10, 5, 0.8f));

        Assert.Equal(2, kept.Length);
    }

    [Fact]
    public void Different_classes_never_suppress_each_other()
    {
        var kept = Nms(0.45f, 10, Box(0, 0, 10, 10, 0.9f, cls: 0), Box(0, 0, 10, 10, 0.8f, cls: 1));

        Assert.Equal([0, 1], kept.Select(d => d.ClassId));
    }

    [Fact]
    public void Output_is_sorted_by_score_descending()
    {
        var kept = Nms(0.45f, 10, Box(0, 0, 1, 1, 0.2f), Box(10, 10, 11, 11, 0.9f), Box(20, 20, 21, 21, 0.5f), Box(30, 30, 31, 31, 0.7f));

        Assert.Equal([0.9f, 0.7f, 0.5f, 0.2f], kept.Select(d => d.Score));
    }

    [Fact]
    public void Keeps_at_most_maxKept_best_boxes()
    {
        var kept = Nms(0.45f, 2, Box(0, 0, 1, 1, 0.2f), Box(10, 10, 11, 11, 0.9f), Box(20, 20, 21, 21, 0.5f));

        Assert.Equal([0.9f, 0.5f], kept.Select(d => d.Score));
    }

    [Fact]
    public void Suppressed_boxes_do_not_count_towards_maxKept()
    {
        // B overlaps A (IoU 0.82) and goes; C is apart and takes the second place
        var kept = Nms(0.45f, 2, Box(0, 0, 10, 10, 0.9f), Box(1, 0, 11, 10, 0.8f), Box(50, 50, 60, 60, 0.7f));

        Assert.Equal([0.9f, 0.7f], kept.Select(d => d.Score));
    }

    [Fact]
    public void A_suppressed_box_does_not_suppress_others()
    {
        var a = Box(0, 0, 10, 10, 0.9f);
        var b = Box(4, 0, 14, 10, 0.8f);
        var c = Box(8, 0, 18, 10, 0.7f);
        // IoU(A,B) = IoU(B,C) = 60 / 140 = 0.43 > 0.4; IoU(A,C) = 20 / 180 = 0.11
        // A suppresses B; B is gone, so C survives

        var kept = Nms(0.4f, 10, c, b, a);

        Assert.Equal([0.9f, 0.7f], kept.Select(d => d.Score));
        Assert.Equal(8f, kept[1].X1);
    }

    [Fact]
    public void Equal_scores_keep_the_earliest_box_as_opencv_does()
    {
        // 40 candidates: indices 10-13 are overlapping boxes [i, 0, i+10, 10] with the same score 0.9
        // (IoU of neighbours 9*10 / 110 = 0.82); the other 36 are far apart with scores 0.01*i.
        // cv2.dnn.NMSBoxes sorts stably, so of the tied boxes it keeps the first, index 10
        // (checked with OpenCV 4.6: kept indices start 10, 39, 38, ...).
        var boxes = new Detection[40];
        for (var i = 0; i < 40; i++)
            boxes[i] = i is >= 10 and <= 13 ? Box(i, 0, i + 10, 10, 0.9f) : Box(100 + 20 * i, 0, 110 + 20 * i, 10, 0.01f * i);

        var kept = Nms(0.45f, 100, boxes);

        Assert.Equal(37, kept.Length); // 36 apart + 1 of the tied four
        Assert.Equal(10f, kept[0].X1);
    }

    [Fact]
    public void Runs_on_a_prefix_and_reuses_its_buffers()
    {
        var nms = new NonMaxSuppression(8);
        Detection[] first = [Box(0, 0, 10, 10, 0.9f), Box(1, 0, 11, 10, 0.8f), Box(100, 100, 110, 110, 0.99f)];
        Detection[] second = [Box(0, 0, 10, 10, 0.3f), Box(20, 0, 30, 10, 0.6f)];

        var n1 = nms.Run(first, 2, 0.45f, 10); // the third box is beyond count: ignored
        var n2 = nms.Run(second, 2, 0.45f, 10);

        Assert.Equal(1, n1);
        Assert.Equal(0.9f, first[0].Score);
        Assert.Equal(2, n2);
        Assert.Equal([0.6f, 0.3f], second.Select(d => d.Score));
    }

    // ---- DetectionPostprocessor on a hand-built YOLOX output: 64x64 input, 3 classes, stride-8 cells ----

    private static readonly string[] Labels = ["person", "car", "dog"];

    /// <summary>
    /// Plants a box (centre, size in input pixels) at stride-8 cell (gx, gy) = anchor gy*8 + gx with
    /// objectness 1 and probability <paramref name="score"/> for <paramref name="cls"/>.
    /// </summary>
    private static void Plant(float[] output, int gx, int gy, float cx, float cy, float w, float h, float score, int cls)
    {
        var row = (gy * 8 + gx) * 8;
        output[row + 0] = cx / 8 - gx;
        output[row + 1] = cy / 8 - gy;
        output[row + 2] = MathF.Log(w / 8);
        output[row + 3] = MathF.Log(h / 8);
        output[row + 4] = 1f;
        output[row + 5 + cls] = score;
    }

    private static Detection[] Postprocess(float[] output, DetectConfig config, int sourceWidth, int sourceHeight)
    {
        var pp = new DetectionPostprocessor(new YoloxDecoder(64, 64, 3), Labels, config);
        var into = new Detection[100];
        var n = pp.Run(output, Letterbox.For(sourceWidth, sourceHeight, 64, 64, PadAlign.TopLeft), sourceWidth, sourceHeight, into);
        return into[..n];
    }

    [Fact]
    public void Postprocessor_maps_boxes_to_source_pixels()
    {
        var output = new float[84 * 8];
        Plant(output, 2, 1, cx: 16, cy: 12, w: 16, h: 8, score: 0.9f, cls: 1); // input box [8, 8, 24, 16]

        // 128x96 source into 64x64: scale = min(64/96, 64/128) = 0.5, so source = input * 2
        var d = Assert.Single(Postprocess(output, new DetectConfig(), 128, 96));

        Assert.Equal(1, d.ClassId);
        Assert.Equal(0.9f, d.Score, 5);
        Assert.Equal(16f, d.X1, 3);
        Assert.Equal(16f, d.Y1, 3);
        Assert.Equal(48f, d.X2, 3);
        Assert.Equal(32f, d.Y2, 3);
    }

    [Fact]
    public void Postprocessor_applies_nms_and_max_detections()
    {
        var output = new float[84 * 8];
        Plant(output, 1, 1, 12, 12, 16, 16, 0.9f, 0);
        Plant(output, 2, 1, 13, 12, 16, 16, 0.8f, 0); // IoU with the first = 15*16 / (256+256-240) = 0.88: suppressed
        Plant(output, 5, 5, 44, 44, 8, 8, 0.7f, 0);
        Plant(output, 6, 6, 52, 52, 4, 4, 0.6f, 0);

        var all = Postprocess(output, new DetectConfig(), 64, 64);
        var two = Postprocess(output, new DetectConfig { MaxDetections = 2 }, 64, 64);

        Assert.Equal([0.9f, 0.7f, 0.6f], all.Select(d => MathF.Round(d.Score, 3)));
        Assert.Equal([0.9f, 0.7f], two.Select(d => MathF.Round(d.Score, 3)));
    }

    [Fact]
    public void Postprocessor_keeps_only_allowed_classes()
    {
        var output = new float[84 * 8];
        Plant(output, 1, 1, 12, 12, 8, 8, 0.9f, 0);    // person
        Plant(output, 5, 5, 44, 44, 8, 8, 0.8f, 1);    // car
        Plant(output, 6, 1, 52, 12, 8, 8, 0.7f, 2);    // dog

        var kept = Postprocess(output, new DetectConfig { Classes = ["car", "dog"] }, 64, 64);

        Assert.Equal([1, 2], kept.Select(d => d.ClassId));
    }

    [Fact]
    public void Postprocessor_applies_per_class_min_score()
    {
        var output = new float[84 * 8];
        Plant(output, 1, 1, 12, 12, 8, 8, 0.72f, 0);   // person below its 0.8
        Plant(output, 6, 6, 52, 52, 8, 8, 0.85f, 0);   // person above its 0.8
        Plant(output, 5, 1, 44, 12, 8, 8, 0.72f, 1);   // car: only the global 0.3 applies
        var config = new DetectConfig { PerClass = new Dictionary<string, ClassFilter> { ["person"] = new(0.8f, 0, 0) } };

        var kept = Postprocess(output, config, 64, 64);

        Assert.Equal([(0, 0.85f), (1, 0.72f)], kept.Select(d => (d.ClassId, MathF.Round(d.Score, 3))));
    }

    [Fact]
    public void Postprocessor_min_and_max_area_are_in_source_pixels()
    {
        var output = new float[84 * 8];
        Plant(output, 1, 1, 12, 12, 8, 8, 0.9f, 0);    // input 8x8 = 64 -> source 16x16 = 256
        Plant(output, 4, 4, 36, 36, 16, 16, 0.8f, 0);  // input 16x16 = 256 -> source 32x32 = 1024
        Plant(output, 6, 1, 52, 12, 4, 4, 0.7f, 0);    // input 4x4 = 16 -> source 8x8 = 64

        // 128x128 source into 64x64: scale 0.5, areas x4. In input pixels min 100 would drop the first box.
        var kept = Postprocess(output, new DetectConfig { MinArea = 100, MaxArea = 1000 }, 128, 128);

        var d = Assert.Single(kept);
        Assert.Equal(256f, d.Area, 1);
    }

    [Fact]
    public void Postprocessor_per_class_area_overrides_the_global_one()
    {
        var output = new float[84 * 8];
        Plant(output, 1, 1, 12, 12, 8, 8, 0.9f, 0);    // person, source area 256
        Plant(output, 5, 5, 44, 44, 8, 8, 0.8f, 1);    // car, source area 256
        var config = new DetectConfig
        {
            MinArea = 100,
            PerClass = new Dictionary<string, ClassFilter> { ["car"] = new(null, 300, 0) },
        };

        var kept = Postprocess(output, config, 128, 128);

        Assert.Equal(0, Assert.Single(kept).ClassId);
    }

    [Fact]
    public void Postprocessor_clips_boxes_to_the_image()
    {
        var output = new float[84 * 8];
        Plant(output, 0, 0, 4, 4, 16, 16, 0.9f, 0);    // input [-4, -4, 12, 12] -> source [-8, -8, 24, 24]
        Plant(output, 7, 5, 64, 48, 16, 16, 0.8f, 1);  // input [56, 40, 72, 56] -> source [112, 80, 144, 112]

        // 128x96 source: scale 0.5
        var kept = Postprocess(output, new DetectConfig(), 128, 96);

        Assert.Equal(2, kept.Length);
        Assert.Equal([0f, 0f, 24f, 24f], Corners(kept[0]));
        Assert.Equal([112f, 80f, 128f, 96f], Corners(kept[1]));
    }

    private static float[] Corners(Detection d) => [MathF.Round(d.X1, 2), MathF.Round(d.Y1, 2), MathF.Round(d.X2, 2), MathF.Round(d.Y2, 2)];

    [Fact]
    public void UnknownLabels_names_each_missing_label_once()
    {
        var config = new DetectConfig
        {
            Classes = ["person", "unicorn"],
            PerClass = new Dictionary<string, ClassFilter> { ["car"] = new(0.5f, 0, 0), ["dragon"] = new(0.5f, 0, 0), ["unicorn"] = new(0.5f, 0, 0) },
        };

        var unknown = DetectionPostprocessor.UnknownLabels(config, Labels);

        Assert.Equal(["dragon", "unicorn"], unknown.Order());
        Assert.Empty(DetectionPostprocessor.UnknownLabels(new DetectConfig { Classes = ["dog"] }, Labels));
    }
}
