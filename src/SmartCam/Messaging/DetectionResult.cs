using SmartCam.Inference;

namespace SmartCam.Messaging;

/// <summary>What the inference thread hands to the publish thread for one frame: a reusable record, never allocated per frame.</summary>
public sealed class DetectionResult(int maxDetections)
{
    public long Seq { get; set; }
    public long CaptureNs { get; set; }
    public DateTime CaptureUtc { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public StageTimes Stages { get; set; }
    /// <summary>When the inference thread handed the result over: the publish thread's intended start.</summary>
    public long ReadyNs { get; set; }
    public Detection[] Detections { get; } = new Detection[maxDetections];
    public int Count { get; set; }

    public ReadOnlySpan<Detection> Found => Detections.AsSpan(0, Count);
}
