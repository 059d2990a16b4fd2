namespace SmartCam.Inference;

/// <summary>
/// Turns one model output into candidate boxes in model-input pixels, keeping for each anchor its best
/// class when that class's score is above the threshold. No NMS: that is <see cref="NonMaxSuppression"/>.
/// </summary>
public interface IDetectionDecoder
{
    /// <summary>The output shape this decoder reads, e.g. [1, 3549, 85].</summary>
    int[] OutputShape { get; }

    int ClassCount { get; }

    /// <summary>
    /// Writes candidates into <paramref name="candidates"/> (which holds one per anchor) and returns how many. A score is
    /// tested as "not at or below the threshold", so NaN and +Inf scores become candidates: <see cref="DetectionPostprocessor"/>
    /// drops and counts every candidate whose score or box is not finite.
    /// </summary>
    int Decode(ReadOnlySpan<float> output, float scoreThreshold, Span<Detection> candidates);
}

internal static class ClassScores
{
    /// <summary>
    /// For a row laid out as (box × 4, objectness, class probabilities…): the best class and its
    /// score objectness × probability, when that score is above <paramref name="threshold"/>.
    /// </summary>
    public static bool TryObjectnessScore(ReadOnlySpan<float> row, float threshold, out int cls, out float score)
    {
        var objectness = row[4];
        cls = 0;
        score = 0;
        // Class probabilities are at most 1, so a low objectness cannot pass: skip the class scan.
        if (objectness <= threshold) return false;
        (cls, var p) = ArgMax(row[5..]);
        score = objectness * p;
        // Not "score > threshold": a NaN must pass, so that the postprocessor drops and counts it rather than lose it unseen.
        return !(score <= threshold);
    }

    /// <summary>Index and value of the largest of <paramref name="scores"/>, first one on ties.</summary>
    public static (int Index, float Value) ArgMax(ReadOnlySpan<float> scores)
    {
        var best = 0;
        var value = scores[0];
        for (var c = 1; c < scores.Length; c++)
            if (scores[c] > value) { value = scores[c]; best = c; }
        return (best, value);
    }
}
