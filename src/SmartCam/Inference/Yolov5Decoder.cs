namespace SmartCam.Inference;

/// <summary>
/// YOLOv5 output [1, anchors, 5 + classes]: rows are (cx, cy, w, h) already in input pixels, then
/// objectness and class probabilities; three anchor boxes per grid cell. Score = objectness × class probability.
/// </summary>
public sealed class Yolov5Decoder(int inputWidth, int inputHeight, int classCount) : IDetectionDecoder
{
    public static int AnchorCount(int inputWidth, int inputHeight) => 3 * YoloxDecoder.AnchorCount(inputWidth, inputHeight);

    public int[] OutputShape { get; } = [1, AnchorCount(inputWidth, inputHeight), 5 + classCount];

    public int ClassCount => classCount;

    public int Decode(ReadOnlySpan<float> output, float scoreThreshold, Span<Detection> candidates)
    {
        var width = 5 + classCount;
        var anchors = OutputShape[1];
        var count = 0;
        for (var i = 0; i < anchors; i++)
        {
            var row = output.Slice(i * width, width);
            if (!ClassScores.TryObjectnessScore(row, scoreThreshold, out var cls, out var score)) continue;
            float cx = row[0], cy = row[1], w = row[2], h = row[3];
            candidates[count++] = new Detection(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, cls);
        }
        return count;
    }
}
