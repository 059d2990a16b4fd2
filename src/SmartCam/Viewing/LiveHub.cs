using Microsoft.Extensions.Logging;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Messaging;

namespace SmartCam.Viewing;

/// <summary>
/// What the HTTP server knows of the running pipeline, kept off the loop threads, in three parts: the
/// <see cref="BusMirror"/> (the bus's messages as the publish thread sent them, read on <c>sc-http</c>), the
/// <see cref="PictureEncoder"/> (camera pictures as JPEG on <c>sc-live</c>, only while someone wants them) and the
/// <see cref="ViewerRegistry"/> (who watches, each with a bounded queue). Both threads are ordinary threads on the
/// housekeeping CPUs; the loop threads only fill the <see cref="BusTap"/> and the <see cref="FrameTap"/>s.
/// </summary>
public sealed class LiveHub : IDisposable
{
    private volatile SmartCamConfig _config;
    private readonly CameraView[] _cameras;
    private readonly BusMirror _bus;
    private readonly PictureEncoder _encoder;
    private readonly ViewerRegistry _viewers;

    public LiveHub(SmartCamConfig config, BusTap bus, IReadOnlyList<FrameTap> frames, ILogger log)
    {
        _config = config;
        _cameras = config.Cameras.Select((c, i) => new CameraView(c, frames[i])).ToArray();
        _bus = new BusMirror(_cameras, bus, config.Publish.StatusIntervalMs, log);
        _encoder = new PictureEncoder(_cameras, Http, log);
        _viewers = new ViewerRegistry(_cameras);
    }

    public HttpConfig Http => _config.Http!;
    public SmartCamConfig Config => _config;

    /// <summary>The model's class labels, for the page's rule editor (a rule's labels must be among them); empty when unknown.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Reads and writes the cameras' scenes for /api/cameras/ID/scene; null: the routes answer 404.</summary>
    public ISceneEditor? Editor { get; set; }

    /// <summary>A live reload was applied: pages that connect from now on (and /api/config) see its scenes.</summary>
    public void Reloaded(SmartCamConfig config)
    {
        for (var i = 0; i < _cameras.Length; i++) _cameras[i].Config = config.Cameras[i];
        _config = config;
    }
    public IEnumerable<string> CameraIds => _cameras.Select(c => c.Config.Id);

    public void Start()
    {
        _bus.Start();
        _encoder.Start();
    }

    /// <summary>The outputs <paramref name="camera"/> declares (their levels are in its status).</summary>
    public IEnumerable<string> OutputsOf(CameraView camera)
    {
        var index = Array.IndexOf(_cameras, camera);
        return _config.Outputs.Where(o => o.Owner == index).Select(o => o.Name);
    }

    /// <summary>The camera named <paramref name="id"/>, or null.</summary>
    public CameraView? Camera(string id) => _cameras.FirstOrDefault(c => c.Config.Id == id);

    /// <summary>Per camera: viewers connected now, and items dropped from viewers' queues so far.</summary>
    public IReadOnlyList<(string Id, int Viewers, long Dropped)> ViewerCounts => _viewers.Counts();

    /// <summary>Bus messages the HTTP side did not read in time (dropped from its copy of the bus).</summary>
    public long BusCopiesDropped => _bus.CopiesDropped;

    /// <summary>Bus messages too large for the HTTP side's copy of the bus, never seen here.</summary>
    public long BusCopiesTooLarge => _bus.CopiesTooLarge;

    /// <summary>The latest status.box message, or null before the first.</summary>
    public byte[]? BoxStatus => _bus.BoxStatus;

    /// <summary>Every camera's latest status. message (null before the first), in the config's order.</summary>
    public IReadOnlyList<(string Id, byte[]? Status)> Statuses => _bus.Statuses();

    /// <inheritdoc cref="BusMirror.Health"/>
    public (bool Healthy, IReadOnlyList<(string Id, string State)> Cameras) Health() => _bus.Health();

    /// <inheritdoc cref="ViewerRegistry.Join"/>
    public Viewer Join(CameraView camera, bool burnBoxes)
    {
        var viewer = _viewers.Join(camera, burnBoxes);
        _encoder.Wake();
        return viewer;
    }

    public void Leave(Viewer viewer) => _viewers.Leave(viewer);

    /// <inheritdoc cref="PictureEncoder.Snapshot"/>
    public Task<byte[]?> Snapshot(CameraView camera, TimeSpan timeout, CancellationToken cancel) => _encoder.Snapshot(camera, timeout, cancel);

    public void Dispose()
    {
        _bus.Dispose();
        _encoder.Dispose();
        _viewers.CompleteAll();
    }
}
