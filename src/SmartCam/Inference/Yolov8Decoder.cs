namespace SmartCam.Inference;

/// <summary>
/// YOLOv8 / YOLO11 output [1, 4 + classes, anchors], channel-major: for anchor i, (cx, cy, w, h) in
/// input pixels at out[0..3][i], then class scores at out[4 + c][i]. No objectness: score = best class score.
/// </summary>
public sealed class Yolov8Decoder(int inputWidth, int inputHeight, int classCount) : IDetectionDecoder
{
    public int[] OutputShape { get; } = [1, 4 + classCount, YoloxDecoder.AnchorCount(inputWidth, inputHeight)];

    public int ClassCount => classCount;

    public int Decode(ReadOnlySpan<float> output, float scoreThreshold, Span<Detection> candidates)
    {
        var n = OutputShape[2];
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            var best = 0;
            var score = output[4 * n + i];
            for (var c = 1; c < classCount; c++)
            {
                var v = output[(4 + c) * n + i];
                if (v > score) { score = v; best = c; }
            }
            if (score <= scoreThreshold) continue; // NaN goes on, to be dropped and counted by the postprocessor
            float cx = output[i], cy = output[n + i], w = output[2 * n + i], h = output[3 * n + i];
            candidates[count++] = new Detection(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, score, best);
        }
        return count;
    }
}
