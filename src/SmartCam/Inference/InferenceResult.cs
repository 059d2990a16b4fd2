using SmartCam.Core;

namespace SmartCam.Inference;

/// <summary>
/// What the inference thread writes for one frame: the frame's identity and times, and the detections. A reusable
/// record, never allocated per frame; the stages after detection extend it with what they add (tracks, events), so the
/// channel's item type is theirs while this folder knows only its own part.
/// </summary>
public class InferenceResult(int maxDetections)
{
    public long Seq { get; set; }
    public long CaptureNs { get; set; }

    /// <summary>When the frame was read, where <see cref="CaptureNs"/> is the device's own timestamp; else 0.</summary>
    public long ReadNs { get; set; }
    public DateTime CaptureUtc { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public StageTimes Stages { get; set; }
    /// <summary>When the inference thread handed the result over: the publish thread's intended start.</summary>
    public long ReadyNs { get; set; }
    public Detection[] Detections { get; } = new Detection[maxDetections];
    public int Count { get; set; }

    /// <summary>Candidates of this frame dropped for a NaN or infinite score or box (<see cref="DetectionPostprocessor.NonFiniteDropped"/>).</summary>
    public int NonFinite { get; set; }

    public ReadOnlySpan<Detection> Found => Detections.AsSpan(0, Count);
}
