using SmartCam.Capture;
using SmartCam.Configuration;

namespace SmartCam.Viewing;

/// <summary>
/// One camera as the HTTP side sees it: what the bus said of it (written by <see cref="BusMirror"/>) and who wants its
/// pictures (<see cref="ViewerRegistry"/>, snapshots; served by <see cref="PictureEncoder"/>). The fields are guarded
/// by <see cref="Gate"/>.
/// </summary>
public sealed class CameraView(CameraConfig config, FrameTap tap)
{
    private volatile CameraConfig _config = config;

    /// <summary>The camera's config as running: replaced by a live reload (its scene), read by request threads.</summary>
    public CameraConfig Config
    {
        get => _config;
        internal set => _config = value;
    }
    internal FrameTap Tap { get; } = tap;

    /// <summary>Guards the fields below; taken by sc-http, sc-live and request threads, never by a loop thread.</summary>
    internal readonly object Gate = new();

    // From the bus.
    internal byte[]? Status;
    internal string State = "starting";
    internal long Processed, ProgressNs, StatusNs;
    internal readonly DetectionRing Detections = new();
    internal readonly List<byte[]> Events = [];

    // Who wants pictures.
    internal readonly List<Viewer> Viewers = [];
    internal readonly List<SnapshotWaiter> SnapshotWaiters = [];

    /// <summary>Items viewers did not take in time, dropped from their queues (Interlocked, not under the gate).</summary>
    internal long ViewerDropped;

    /// <summary>A message for every page watching (MJPEG clients get pictures only). The caller holds <see cref="Gate"/>.</summary>
    internal void SendToPages(byte[] message)
    {
        foreach (var v in Viewers)
            if (!v.BurnBoxes) v.Queue.Writer.TryWrite(LiveItem.Text(message));
    }
}

/// <summary>A snapshot request: answered by the first picture of a frame asked for at or after <paramref name="SinceNs"/>.</summary>
internal sealed record SnapshotWaiter(TaskCompletionSource<byte[]> Result, long SinceNs);
