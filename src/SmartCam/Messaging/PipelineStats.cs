namespace SmartCam.Messaging;

/// <summary>Counters and per-stage latency histograms of one camera, written by the pipeline thread and read for status messages.</summary>
public sealed class PipelineStats
{
    public LatencyHistogram Capture { get; } = new();
    public LatencyHistogram Pre { get; } = new();
    public LatencyHistogram Infer { get; } = new();
    public LatencyHistogram Post { get; } = new();
    public LatencyHistogram Publish { get; } = new();
    public LatencyHistogram CaptureToPublish { get; } = new();

    /// <summary>The stages in the order the status message lists them.</summary>
    public (string Name, LatencyHistogram Histogram)[] Stages { get; }

    public PipelineStats() =>
        Stages = [("capture", Capture), ("pre", Pre), ("infer", Infer), ("post", Post), ("publish", Publish), ("capture_to_publish", CaptureToPublish)];

    /// <summary>Forgets the latencies seen so far (after a benchmark's warm-up); counters keep counting.</summary>
    public void ResetLatencies()
    {
        foreach (var (_, histogram) in Stages) histogram.Reset();
    }

    public long Frames { get; set; }
    public long Processed { get; set; }
    public long Dropped { get; set; }
    public long Corrupt { get; set; }
    public long Reconnects { get; set; }
}
