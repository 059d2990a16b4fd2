namespace SmartCam.Commands.Bench;

/// <summary>What the single-camera bench measured, unrounded (the table and the JSON line round it each their own way).</summary>
public sealed record SingleCameraReport(
    string Model, string Provider, string[] Providers, string Source, string Pace, long Frames, double Fps,
    (string Stage, long P50, long P99, long Max, long Count)[] Stages,
    long BareP50, long BareP99, double LatencyP50Ratio, double LatencyP99Ratio, double ThroughputRatio,
    double BytesPerFramePipeline, double BytesPerFrameProcess, (long Capture, long Infer, long Publish) ThreadBytes, (int Gen0, int Gen1, int Gen2) Gcs,
    long PeakRssBytes, double StartupSeconds, long Dropped, long Burst,
    long PeriodUs, long DeadlineMisses, (string Loop, long P50, long P99, long P999, long Max)[] Lateness,
    (long Minor, long Major) ProcessFaults, (long Minor, long Major) LoopFaults)
{
    /// <summary>--viewers: pictures each connected viewer received during the run (empty without viewers).</summary>
    public long[] ViewerPictures { get; init; } = [];

    /// <summary>--reload-every-ms: reloads applied during the run and how many the camera switched to (null without).</summary>
    public (long Applied, long Switched)? Reloads { get; init; }

    /// <summary>With <c>snapshots:</c>: the event pictures of the whole run, warm-up included (null without).</summary>
    public Messaging.SnapshotCounters? Snapshots { get; init; }
}

/// <param name="Dropped">Files: frames it fell behind its nominal rate over the window (files lose no frame, they play late);
/// live cameras: frames replaced unread (<c>status.dropped</c>).</param>
public readonly record struct CameraFigures(string Id, string State, double NominalFps, double Fps, long Processed, long Dropped, long P50, long P99, long Max);

/// <summary>One loop thread's allocations over a window and the frames (or messages) it handled.</summary>
public readonly record struct ThreadFigures(string Thread, long Bytes, long Frames)
{
    public double BytesPerFrame => Frames > 0 ? (double)Bytes / Frames : Bytes;
}

/// <summary>One measured window of the multi-camera bench; <paramref name="Others"/>: capture→publish pooled over every camera but the excluded one.</summary>
public sealed record Window(double Seconds, CameraFigures[] Cameras, double[] DetectorLoad, ThreadFigures[] Threads, (int Gen0, int Gen1, int Gen2) Gcs,
    (long P50, long P99, long Max, long Count) Others)
{
    /// <summary>A camera must keep this share of its frames for the box to count as keeping up with it.</summary>
    public const double KeepShare = 0.95;

    /// <summary>Each camera's capture→publish distribution over the window, where the run kept them (--plot); null otherwise.</summary>
    public LatencyCurve[]? Curves { get; init; }

    public double MinFps => Cameras.Min(c => c.Fps);
    public double MaxFps => Cameras.Max(c => c.Fps);
    public bool KeepsUp => Cameras.All(c => c.Fps >= KeepShare * c.NominalFps);

    /// <summary>The lowest fps of every camera but the last (the one that dies).</summary>
    public double MinFpsOfOthers => Cameras[..^1].Min(c => c.Fps);
}

/// <summary>One capacity probe: that many copies of the first camera, the slowest one's fps, and whether all kept up.</summary>
public readonly record struct Probe(int Cameras, double MinFps, bool Kept);

/// <summary>What the multi-camera bench measured (docs/benchmarks.md#many-cameras), unrounded.</summary>
public sealed record MultiCameraReport(string Model, string Provider, string Source, int Instances, int ConfiguredCameras, int WarmupSeconds,
    long BareP50, long BareP99, double NominalFps, Window Configured,
    Probe[] Probes, int ProbeSeconds, int Capacity, bool CapacityLimited, double CapacityTarget,
    int OverloadCameras, Window Overload, int DyingCameras, string DyingCamera, Window DyingBefore, Window DyingAfter,
    long ConfiguredPeakRssBytes, long PeakRssBytes)
{
    public double Fairness => Overload.MaxFps > 0 ? Overload.MinFps / Overload.MaxFps : 0;
    public double DyingP99Change => DyingBefore.Others.P99 > 0 ? (double)(DyingAfter.Others.P99 - DyingBefore.Others.P99) / DyingBefore.Others.P99 : 0;

    /// <summary>The targets of docs/benchmarks.md#many-cameras, met or not.</summary>
    public bool CapacityMet => Capacity >= CapacityTarget;
    public bool FairnessMet => Fairness >= 0.9;
    public bool DyingMet => Math.Abs(DyingP99Change) < 0.1;
}
