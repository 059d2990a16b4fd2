using SmartCam.Configuration;

namespace SmartCam.Inference;

/// <summary>
/// From raw model output to the frame's final detections: decode above the score threshold, map boxes
/// back to source pixels, class-aware NMS, then the user's filters (class allow-list, per-class minimum
/// score, box area) and clipping to the image. Filters run after NMS so the decode stays the model's reference decode.
/// </summary>
public sealed class DetectionPostprocessor
{
    private readonly IDetectionDecoder _decoder;
    private readonly DetectConfig _config;
    private readonly Detection[] _candidates;
    private readonly NonMaxSuppression _nms;
    private readonly bool[] _allowed;
    private readonly float[] _minScore, _minArea, _maxArea;

    public DetectionPostprocessor(IDetectionDecoder decoder, string[] labels, DetectConfig config)
    {
        _decoder = decoder;
        _config = config;
        var anchors = decoder.OutputShape[1] > decoder.OutputShape[2] ? decoder.OutputShape[1] : decoder.OutputShape[2];
        _candidates = new Detection[anchors];
        _nms = new NonMaxSuppression(anchors);
        var classes = decoder.ClassCount;
        _allowed = new bool[classes];
        _minScore = new float[classes];
        _minArea = new float[classes];
        _maxArea = new float[classes];
        for (var c = 0; c < classes; c++)
        {
            _allowed[c] = config.Classes.Count == 0 || config.Classes.Contains(labels[c]);
            var filter = config.PerClass.GetValueOrDefault(labels[c]);
            _minScore[c] = filter?.MinScore ?? 0;
            _minArea[c] = filter is { MinArea: > 0 } ? filter.MinArea : config.MinArea;
            _maxArea[c] = filter is { MaxArea: > 0 } ? filter.MaxArea : config.MaxArea;
        }
    }

    /// <summary>Labels named in the config that the model does not have, so the config can be rejected at start.</summary>
    public static IEnumerable<string> UnknownLabels(DetectConfig config, string[] labels) =>
        config.Classes.Concat(config.PerClass.Keys).Where(l => Array.IndexOf(labels, l) < 0).Distinct();

    /// <summary>
    /// Candidates the latest <see cref="Run"/> dropped because the model gave a score or box coordinate that is NaN or
    /// infinite (a broken or badly quantised model): such values are never published.
    /// </summary>
    public int NonFiniteDropped { get; private set; }

    /// <summary>Writes the frame's detections, best first, into <paramref name="into"/> and returns how many.</summary>
    public int Run(ReadOnlySpan<float> output, Letterbox letterbox, int sourceWidth, int sourceHeight, Span<Detection> into)
    {
        var decoded = _decoder.Decode(output, _config.Score, _candidates);
        var count = 0;
        var nonFinite = 0;
        // Only candidates (scores not at or below the threshold) get here, so the check costs nothing per anchor.
        for (var i = 0; i < decoded; i++)
        {
            var d = _candidates[i];
            d.X1 = letterbox.ToSourceX(d.X1);
            d.Y1 = letterbox.ToSourceY(d.Y1);
            d.X2 = letterbox.ToSourceX(d.X2);
            d.Y2 = letterbox.ToSourceY(d.Y2);
            if (!(float.IsFinite(d.Score) && float.IsFinite(d.X1) && float.IsFinite(d.Y1) && float.IsFinite(d.X2) && float.IsFinite(d.Y2)))
            {
                nonFinite++;
                continue;
            }
            _candidates[count++] = d;
        }
        NonFiniteDropped = nonFinite;
        count = _nms.Run(_candidates, count, _config.NmsIou, _candidates.Length);

        var kept = 0;
        for (var i = 0; i < count && kept < into.Length && kept < _config.MaxDetections; i++)
        {
            var d = _candidates[i];
            var c = d.ClassId;
            d.X1 = Math.Clamp(d.X1, 0, sourceWidth);
            d.Y1 = Math.Clamp(d.Y1, 0, sourceHeight);
            d.X2 = Math.Clamp(d.X2, 0, sourceWidth);
            d.Y2 = Math.Clamp(d.Y2, 0, sourceHeight);
            if (!_allowed[c] || d.Score < _minScore[c]) continue;
            var area = d.Area;
            if (area < _minArea[c] || (_maxArea[c] > 0 && area > _maxArea[c])) continue;
            into[kept++] = d;
        }
        return kept;
    }
}
