using SmartCam.Inference;

namespace SmartCam.Tests.Unit;

/// <summary>
/// The decoders on hand-built outputs for a 64x64 input: grids 8x8 (stride 8, anchors 0-63), 4x4 (stride 16,
/// anchors 64-79) and 2x2 (stride 32, anchors 80-83), 84 anchors in all; 3 classes.
/// </summary>
public class DecoderTests
{
    private const int Anchors = 84; // 8*8 + 4*4 + 2*2
    private const int Row = 8;      // 5 + 3 classes (YOLOX, YOLOv5)

    private static Detection[] Decode(IDetectionDecoder decoder, float[] output, float threshold = 0.3f)
    {
        var candidates = new Detection[decoder.OutputShape[1] * decoder.OutputShape[2]];
        var n = decoder.Decode(output, threshold, candidates);
        return candidates[..n];
    }

    private static void AssertBox(Detection d, float x1, float y1, float x2, float y2, float score, int cls)
    {
        Assert.Equal(cls, d.ClassId);
        Assert.Equal(score, d.Score, 5);
        Assert.Equal(x1, d.X1, 4);
        Assert.Equal(y1, d.Y1, 4);
        Assert.Equal(x2, d.X2, 4);
        Assert.Equal(y2, d.Y2, 4);
    }

    [Fact]
    public void Output_shapes()
    {
        Assert.Equal([1, 84, 8], new YoloxDecoder(64, 64, 3).OutputShape);
        Assert.Equal([1, 252, 8], new Yolov5Decoder(64, 64, 3).OutputShape);  // 3 * 84
        Assert.Equal([1, 7, 84], new Yolov8Decoder(64, 64, 3).OutputShape);   // 4 + 3 channels
        Assert.Equal([1, 3549, 85], new YoloxDecoder(416, 416, 80).OutputShape); // 52² + 26² + 13² = 2704 + 676 + 169
        Assert.Equal([1, 84, 8400], new Yolov8Decoder(640, 640, 80).OutputShape); // 80² + 40² + 20²
        Assert.Equal([1, 25200, 85], new Yolov5Decoder(640, 640, 80).OutputShape); // 3 * 8400
        Assert.Equal(6300, YoloxDecoder.AnchorCount(640, 480)); // 80*60 + 40*30 + 20*15 = 4800 + 1200 + 300
        Assert.Equal(3, new YoloxDecoder(64, 64, 3).ClassCount);
    }

    // ---- YOLOX: rows (dx, dy, log w, log h, objectness, p0, p1, p2), box = ((d + grid) * stride, exp(log) * stride) ----

    [Fact]
    public void Yolox_decodes_an_anchor_in_the_stride_16_grid()
    {
        var output = new float[Anchors * Row];
        // stride-16 grid cell (gx=1, gy=2): anchor 64 + 2*4 + 1 = 73
        float[] row = [0.5f, 0.25f, MathF.Log(2), 0f, 0.9f, 0.1f, 0.8f, 0.3f];
        row.CopyTo(output, 73 * Row);

        var found = Decode(new YoloxDecoder(64, 64, 3), output);

        // class 1, score 0.9*0.8 = 0.72; cx = (0.5+1)*16 = 24, cy = (0.25+2)*16 = 36, w = 2*16 = 32, h = 1*16 = 16
        var d = Assert.Single(found);
        AssertBox(d, 8, 28, 40, 44, 0.72f, 1);
    }

    [Fact]
    public void Yolox_uses_each_grid_with_its_own_stride()
    {
        var output = new float[Anchors * Row];
        // stride 8, cell (gx=3, gy=5) = anchor 5*8 + 3 = 43: cx = 3.5*8 = 28, cy = 5.5*8 = 44, w = h = 8
        float[] small = [0.5f, 0.5f, 0f, 0f, 0.9f, 1f, 0f, 0f];
        small.CopyTo(output, 43 * Row);
        // stride 32, cell (gx=1, gy=1) = anchor 80 + 1*2 + 1 = 83: cx = cy = 1*32 = 32, w = h = 32
        float[] large = [0f, 0f, 0f, 0f, 0.5f, 0f, 0f, 1f];
        large.CopyTo(output, 83 * Row);

        var found = Decode(new YoloxDecoder(64, 64, 3), output);

        Assert.Equal(2, found.Length);
        AssertBox(found[0], 24, 40, 32, 48, 0.9f, 0);
        AssertBox(found[1], 16, 16, 48, 48, 0.5f, 2);
    }

    [Fact]
    public void Yolox_drops_scores_at_or_below_the_threshold()
    {
        var output = new float[Anchors * Row];
        float[] atThreshold = [0, 0, 0, 0, 0.5f, 0.6f, 0, 0];   // 0.5 * 0.6 = 0.3, not above 0.3
        float[] objectnessOnly = [0, 0, 0, 0, 0.3f, 1f, 0, 0];  // 0.3 * 1 = 0.3
        float[] lowProbability = [0, 0, 0, 0, 0.9f, 0.3f, 0, 0]; // 0.27
        float[] above = [0, 0, 0, 0, 0.5f, 0.8f, 0, 0];          // 0.4
        atThreshold.CopyTo(output, 0);
        objectnessOnly.CopyTo(output, 1 * Row);
        lowProbability.CopyTo(output, 2 * Row);
        above.CopyTo(output, 3 * Row);

        var found = Decode(new YoloxDecoder(64, 64, 3), output, 0.3f);

        // anchor 3 is stride-8 cell (3, 0): cx = 3*8 = 24, cy = 0, w = h = exp(0)*8 = 8
        var d = Assert.Single(found);
        AssertBox(d, 20, -4, 28, 4, 0.4f, 0);
    }

    [Fact]
    public void Yolox_picks_the_first_class_on_ties()
    {
        var output = new float[Anchors * Row];
        float[] row = [0, 0, 0, 0, 1f, 0.2f, 0.7f, 0.7f];
        row.CopyTo(output, 10 * Row);

        var d = Assert.Single(Decode(new YoloxDecoder(64, 64, 3), output));

        Assert.Equal(1, d.ClassId);
        Assert.Equal(0.7f, d.Score, 6);
    }

    // ---- YOLOv5: rows (cx, cy, w, h, objectness, p0, p1, p2) in input pixels, 3 * 84 = 252 rows ----

    [Fact]
    public void Yolov5_reads_boxes_in_input_pixels_from_any_of_the_252_rows()
    {
        var output = new float[3 * Anchors * Row];
        float[] row = [20, 30, 10, 6, 0.8f, 0.2f, 0.1f, 0.9f];
        row.CopyTo(output, 251 * Row); // the last row: beyond the 84 grid cells, so the decoder must read 3x anchors

        var d = Assert.Single(Decode(new Yolov5Decoder(64, 64, 3), output));

        // class 2, score 0.8*0.9 = 0.72; box [20-5, 30-3, 20+5, 30+3]
        AssertBox(d, 15, 27, 25, 33, 0.72f, 2);
    }

    [Fact]
    public void Yolov5_threshold_is_strict_and_ties_pick_the_first_class()
    {
        var output = new float[3 * Anchors * Row];
        float[] atThreshold = [10, 10, 4, 4, 0.5f, 0.6f, 0, 0]; // 0.3, dropped
        float[] tie = [40, 40, 8, 4, 1f, 0.5f, 0.5f, 0.5f];    // 0.5 for every class -> class 0
        atThreshold.CopyTo(output, 7 * Row);
        tie.CopyTo(output, 100 * Row);

        var d = Assert.Single(Decode(new Yolov5Decoder(64, 64, 3), output, 0.3f));

        AssertBox(d, 36, 38, 44, 42, 0.5f, 0);
    }

    // ---- YOLOv8: [1, 4+3, 84] channel-major, out[ch * 84 + anchor]; score = best class score ----

    private static void PlantV8(float[] output, int anchor, params float[] channels)
    {
        for (var ch = 0; ch < channels.Length; ch++) output[ch * Anchors + anchor] = channels[ch];
    }

    [Fact]
    public void Yolov8_reads_the_channel_major_layout()
    {
        var output = new float[7 * Anchors];
        PlantV8(output, 50, 20, 30, 10, 6, 0.1f, 0.6f, 0.4f);

        var d = Assert.Single(Decode(new Yolov8Decoder(64, 64, 3), output));

        // class 1, score 0.6 (no objectness); box [20-5, 30-3, 20+5, 30+3]
        AssertBox(d, 15, 27, 25, 33, 0.6f, 1);
    }

    [Fact]
    public void Yolov8_reads_the_first_and_last_anchor()
    {
        var output = new float[7 * Anchors];
        PlantV8(output, 0, 4, 4, 8, 8, 0.9f, 0, 0);
        PlantV8(output, 83, 60, 60, 8, 8, 0, 0, 0.5f);

        var found = Decode(new Yolov8Decoder(64, 64, 3), output);

        Assert.Equal(2, found.Length);
        AssertBox(found[0], 0, 0, 8, 8, 0.9f, 0);
        AssertBox(found[1], 56, 56, 64, 64, 0.5f, 2);
    }

    [Fact]
    public void Yolov8_threshold_is_strict_and_ties_pick_the_first_class()
    {
        var output = new float[7 * Anchors];
        PlantV8(output, 5, 10, 10, 4, 4, 0.3f, 0.3f, 0.3f); // exactly 0.3: dropped
        PlantV8(output, 9, 10, 10, 4, 4, 0.1f, 0.7f, 0.7f); // tie between classes 1 and 2 -> 1

        var d = Assert.Single(Decode(new Yolov8Decoder(64, 64, 3), output, 0.3f));

        AssertBox(d, 8, 8, 12, 12, 0.7f, 1);
    }
}
