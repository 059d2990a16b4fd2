using System.Text.Json.Serialization;

namespace SmartCam.Commands.Bench;

// The JSON lines of both benches, field for field (docs/benchmarks.md, scripts/bench.sh and the tests read them). Names
// come from the snake_case policy; dictionary keys (stage, loop and thread names) are written as they are.

/// <summary>Latency percentiles in µs; <c>max</c> and <c>count</c> only where the figure has them.</summary>
internal sealed record PercentilesJson(long P50, long P99,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Max = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Count = null);

internal sealed record GcJson(int Gen0, int Gen1, int Gen2);

internal sealed record SingleCameraJson(
    string Model, string Provider, string[] Providers, string Source, string Pace, long Frames, double Fps,
    Dictionary<string, PercentilesJson> LatencyUs, double LatencyP50Ratio, double LatencyP99Ratio, double ThroughputRatio,
    double BytesPerFramePipeline, double BytesPerFrameProcess, SingleCameraJson.ThreadBytesJson BytesAllocated, GcJson Gc,
    long PeakRssBytes, double StartupS, long Dropped, long Burst, SingleCameraJson.DeadlineJson Deadline,
    Dictionary<string, SingleCameraJson.LatenessJson> LatenessUs, SingleCameraJson.PageFaultsJson PageFaults, long[] ViewerPictures,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SingleCameraJson.ReloadsJson? Reloads = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SingleCameraJson.SnapshotsJson? Snapshots = null)
{
    internal sealed record SnapshotsJson(long Written, long Dropped, long Failed, long Deleted);
    internal sealed record ReloadsJson(long Applied, long Switched);
    internal sealed record ThreadBytesJson(long Capture, long Infer, long Publish);
    internal sealed record DeadlineJson(long PeriodUs, long Misses);
    internal sealed record LatenessJson(long P50, long P99, long P999, long Max);
    internal sealed record PageFaultsJson(long Minor, long Major, long LoopMinor, long LoopMajor);
}

internal sealed record MultiCameraJson(
    string Model, string Provider, string Source, int Instances, PercentilesJson BareSessionRunUs, double NominalFps, int WarmupS,
    long PeakRssBytesConfigured, long PeakRssBytes, MultiCameraJson.WindowJson Configured, MultiCameraJson.CapacityJson Capacity,
    MultiCameraJson.OverloadJson Overload, MultiCameraJson.DyingJson CameraDying)
{
    internal sealed record CameraJson(string Id, string State, double Fps, double NominalFps, long Processed, long Dropped, PercentilesJson CaptureToPublishUs);

    internal sealed record WindowJson(double WindowS, CameraJson[] Cameras, double MinFps, double MaxFps, double[] DetectorLoad,
        Dictionary<string, double> BytesPerFrame, Dictionary<string, long> BytesAllocated, GcJson Gc);

    internal sealed record ProbeJson(int Cameras, double MinFps, bool Kept);

    internal sealed record CapacityJson(int Cameras, bool Limited, double Target, bool Met, int ProbeS, ProbeJson[] Probes);

    internal sealed record OverloadJson(int Cameras, double MinFps, double MaxFps, double Fairness, bool Met, WindowJson Window);

    internal sealed record DyingJson(int Cameras, string Camera, long OthersP99BeforeUs, long OthersP99AfterUs, double OthersP99Change, bool Met,
        long OthersP50BeforeUs, long OthersP50AfterUs, long OthersMaxBeforeUs, long OthersMaxAfterUs,
        double OthersMinFpsBefore, double OthersMinFpsAfter, string StateAfter);
}

/// <summary><c>bench --decode-only</c>: per camera, the decoder's own rate and each read's time (µs).</summary>
internal sealed record DecodeOnlyJson(DecodeOnlyJson.DecodedCameraJson[] DecodeOnly)
{
    internal sealed record DecodedCameraJson(string Camera, string Source, int Width, int Height, long Frames, double Fps, PercentilesJson ReadUs);
}
