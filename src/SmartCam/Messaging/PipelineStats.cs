using SmartCam.Core;

namespace SmartCam.Messaging;

/// <summary>
/// Counters, per-stage latency histograms, deadline misses and loop lateness of one camera, written by
/// the publish thread and read for status messages and benchmarks.
/// </summary>
public sealed class PipelineStats
{
    /// <summary>Waiting for a live camera to deliver the frame (its pace), apart from reading and decoding it.</summary>
    public LatencyHistogram Wait { get; } = new();
    public LatencyHistogram Capture { get; } = new();
    /// <summary>Converting decoded pictures into the detector's picture (and scaling them, for HD and 4K sources).</summary>
    public LatencyHistogram Convert { get; } = new();
    public LatencyHistogram Pre { get; } = new();
    public LatencyHistogram Infer { get; } = new();
    public LatencyHistogram Post { get; } = new();
    public LatencyHistogram Publish { get; } = new();
    public LatencyHistogram CaptureToPublish { get; } = new();
    /// <summary>From a frame's capture to the output write its rule caused (rule activations only).</summary>
    public LatencyHistogram CaptureToOutput { get; } = new();

    /// <summary>
    /// How late each loop iteration started against its intended start: the capture thread against its
    /// schedule (paced files, the just-in-time read), the inference thread against the moment both the
    /// frame and the thread were free, the publish thread against the moment its result was handed over.
    /// This is the scheduling latency the real-time placement exists to bound.
    /// </summary>
    public LatencyHistogram CaptureLateness { get; } = new();
    public LatencyHistogram InferLateness { get; } = new();
    public LatencyHistogram PublishLateness { get; } = new();

    /// <summary>The stages in the order the status message lists them; misses count durations over one frame period.</summary>
    public (string Name, LatencyHistogram Histogram)[] Stages { get; }

    /// <summary>Per stage (same order as <see cref="Stages"/>): samples longer than the frame period.</summary>
    public long[] Misses { get; }

    public (string Name, LatencyHistogram Histogram)[] Loops { get; }

    public PipelineStats()
    {
        Stages = [(MessageNames.Capture, Capture), (MessageNames.Pre, Pre), (MessageNames.Infer, Infer), (MessageNames.Post, Post), (MessageNames.Publish, Publish),
            (MessageNames.CaptureToPublish, CaptureToPublish), (MessageNames.CaptureToOutput, CaptureToOutput), (MessageNames.Wait, Wait),
            (MessageNames.Convert, Convert)];
        Misses = new long[Stages.Length];
        Loops = [(MessageNames.Capture, CaptureLateness), (MessageNames.Infer, InferLateness), (MessageNames.Publish, PublishLateness)];
    }

    /// <summary>The camera's frame period in µs (0 until the source is open): each frame's deadline.</summary>
    public long PeriodUs { get; set; }

    /// <summary>Frames whose result went out more than one frame period after capture.</summary>
    public long DeadlineMisses => Misses[5];

    /// <summary>Forgets the latencies seen so far (after a benchmark's warm-up); counters keep counting.</summary>
    public void ResetLatencies()
    {
        foreach (var (_, histogram) in Stages) histogram.Reset();
        foreach (var (_, histogram) in Loops) histogram.Reset();
        Array.Clear(Misses);
    }

    /// <summary>Records one frame's stage durations, in the order of <see cref="Stages"/>.</summary>
    public void RecordStages(long captureUs, long preUs, long inferUs, long postUs, long publishUs, long captureToPublishUs, long waitUs = 0, long convertUs = 0)
    {
        Record(7, waitUs);
        Record(8, convertUs);
        Record(0, captureUs);
        Record(1, preUs);
        Record(2, inferUs);
        Record(3, postUs);
        Record(4, publishUs);
        Record(5, captureToPublishUs);
    }

    /// <summary>Records one rule-caused output activation: capture of the causing frame to the write.</summary>
    public void RecordOutput(long captureToOutputUs) => Record(6, captureToOutputUs);

    private void Record(int stage, long us)
    {
        Stages[stage].Histogram.Record(us);
        if (PeriodUs > 0 && us > PeriodUs) Misses[stage]++;
    }

    public long Frames { get; set; }
    public long Processed { get; set; }
    public long Dropped { get; set; }
    public long Corrupt { get; set; }
    /// <summary>Candidate detections of published frames dropped because the model gave a NaN or infinite score or box.</summary>
    public long DetectionsNonFinite { get; set; }
    /// <summary>Track-frames that zones and lines ignored because <c>tracking.max_tracks</c> tracks were already followed.</summary>
    public long TracksIgnored { get; set; }
    /// <summary>Zone and line events that did not fit a result (never, by construction: counted so that a bug would show).</summary>
    public long EventsDropped { get; set; }
    public long Reconnects { get; set; }
    /// <summary>Live frames replaced during a burst from the source (not counted in <see cref="Dropped"/>).</summary>
    public long Burst { get; set; }
    public long Stalls { get; set; }
    /// <summary>Messages dropped for subscribers whose queue was full (<see cref="DetectionPublisher.DroppedAtHwm"/>).</summary>
    public long BusDropped { get; set; }
}
