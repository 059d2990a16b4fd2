namespace SmartCam.Inference;

/// <summary>
/// YOLOX raw grid output [1, anchors, 5 + classes]: rows are (dx, dy, log w, log h, objectness, class
/// probabilities...) for every cell of the stride 8, 16 and 32 grids, in that order, row-major.
/// Score = objectness × class probability.
/// </summary>
public sealed class YoloxDecoder : IDetectionDecoder
{
    private readonly float[] _gridX, _gridY, _stride;

    public YoloxDecoder(int inputWidth, int inputHeight, int classCount)
    {
        ClassCount = classCount;
        var anchors = AnchorCount(inputWidth, inputHeight);
        OutputShape = [1, anchors, 5 + classCount];
        _gridX = new float[anchors];
        _gridY = new float[anchors];
        _stride = new float[anchors];
        var i = 0;
        foreach (var stride in Strides)
            for (var y = 0; y < inputHeight / stride; y++)
                for (var x = 0; x < inputWidth / stride; x++, i++)
                {
                    _gridX[i] = x;
                    _gridY[i] = y;
                    _stride[i] = stride;
                }
    }

    public static readonly int[] Strides = [8, 16, 32];

    /// <summary>Cells of the stride 8, 16 and 32 grids together: 3549 for 416×416, 8400 for 640×640.</summary>
    public static int AnchorCount(int inputWidth, int inputHeight)
    {
        var n = 0;
        foreach (var s in Strides) n += (inputWidth / s) * (inputHeight / s);
        return n;
    }

    public int[] OutputShape { get; }

    public int ClassCount { get; }

    public int Decode(ReadOnlySpan<float> output, float scoreThreshold, Span<Detection> candidates)
    {
        var width = 5 + ClassCount;
        var count = 0;
        for (var i = 0; i < _stride.Length; i++)
        {
            var row = output.Slice(i * width, width);
            if (!ClassScores.TryObjectnessScore(row, scoreThreshold, out var cls, out var score)) continue;
            var s = _stride[i];
            var cx = (row[0] + _gridX[i]) * s;
            var cy = (row[1] + _gridY[i]) * s;
            var w = MathF.Exp(row[2]) * s;
            var h = MathF.Exp(row[3]) * s;
            candidates[count++] = new Detection(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, cls);
        }
        return count;
    }
}
