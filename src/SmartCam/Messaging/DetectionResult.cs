using SmartCam.Core;
using SmartCam.Inference;
using SmartCam.Tracking;

namespace SmartCam.Messaging;

/// <summary>What the inference thread hands to the publish thread for one frame: a reusable record, never allocated per frame.</summary>
public sealed class DetectionResult(int maxDetections, int maxEvents = 0, int zones = 0)
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

    /// <summary>Candidates of this frame dropped for a NaN or infinite score or box (<see cref="Inference.DetectionPostprocessor.NonFiniteDropped"/>).</summary>
    public int NonFinite { get; set; }

    /// <summary>Per detection, the confirmed track it belongs to (0: none yet); meaningful when tracking is on.</summary>
    public int[] TrackIds { get; } = new int[maxDetections];

    /// <summary>Zone and line events seen in this frame.</summary>
    public SceneEvent[] Events { get; } = new SceneEvent[maxEvents];
    public int EventCount { get; set; }

    /// <summary>Objects in each zone after this frame.</summary>
    public int[] ZoneCounts { get; } = new int[zones];

    public ReadOnlySpan<Detection> Found => Detections.AsSpan(0, Count);

    /// <summary>Brings every page of the record's arrays in now, not when a burst of results first reaches it.</summary>
    public void Prefault()
    {
        Core.Prefault.Touch(Detections);
        Core.Prefault.Touch(TrackIds);
        Core.Prefault.Touch(Events);
        Core.Prefault.Touch(ZoneCounts);
    }
}
