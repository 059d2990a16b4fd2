namespace SmartCam.Inference;

/// <summary>
/// Greedy class-aware non-maximum suppression: boxes suppress only boxes of their own class, the higher
/// score wins, and a box goes when its IoU with a kept one is above the threshold (as OpenCV's NMSBoxes).
/// Buffers are sized once for the largest candidate count; nothing is allocated per call.
/// </summary>
public sealed class NonMaxSuppression(int capacity)
{
    private readonly long[] _keys = new long[capacity];
    private readonly int[] _order = new int[capacity];
    private readonly bool[] _suppressed = new bool[capacity];
    private readonly Detection[] _kept = new Detection[capacity];

    /// <summary>Keeps the survivors of <paramref name="boxes"/>[..count], best score first, at most <paramref name="maxKept"/>; returns how many.</summary>
    public int Run(Span<Detection> boxes, int count, float iouThreshold, int maxKept)
    {
        for (var i = 0; i < count; i++)
        {
            _keys[i] = SortKey(boxes[i].Score, i);
            _order[i] = i;
            _suppressed[i] = false;
        }
        Array.Sort(_keys, _order, 0, count);

        var kept = 0;
        for (var a = 0; a < count && kept < maxKept; a++)
        {
            if (_suppressed[a]) continue;
            var box = boxes[_order[a]];
            _kept[kept++] = box;
            for (var b = a + 1; b < count; b++)
            {
                if (_suppressed[b]) continue;
                ref readonly var other = ref boxes[_order[b]];
                if (other.ClassId == box.ClassId && IoU(box, other) > iouThreshold) _suppressed[b] = true;
            }
        }
        _kept.AsSpan(0, kept).CopyTo(boxes);
        return kept;
    }

    /// <summary>
    /// Orders by score, highest first, and equal scores by their original position, as OpenCV's
    /// stable sort does: saturated YOLOX scores do tie exactly. Scores are non-negative, and the bits of
    /// a non-negative float order like the float, so one integer sort does both.
    /// </summary>
    private static long SortKey(float score, int index) =>
        ((long)(int.MaxValue - BitConverter.SingleToInt32Bits(MathF.Max(score, 0))) << 32) | (uint)index;

    public static float IoU(in Detection a, in Detection b)
    {
        var w = MathF.Min(a.X2, b.X2) - MathF.Max(a.X1, b.X1);
        var h = MathF.Min(a.Y2, b.Y2) - MathF.Max(a.Y1, b.Y1);
        if (w <= 0 || h <= 0) return 0;
        var inter = w * h;
        return inter / (a.Area + b.Area - inter);
    }
}
