using System.Threading.Channels;

namespace SmartCam.Viewing;

/// <summary>
/// Who watches which camera. Each page or MJPEG client is a <see cref="Viewer"/> with a bounded queue that drops its
/// oldest item when the viewer does not keep up, so a slow or stalled viewer costs a fixed amount of memory and nobody
/// else anything. Filled by the bus mirror (the pages' messages) and the encoder (pictures).
/// </summary>
internal sealed class ViewerRegistry(IReadOnlyList<CameraView> cameras)
{
    /// <summary>A new viewer of <paramref name="camera"/>: <paramref name="burnBoxes"/> for MJPEG (boxes drawn into the JPEG), else the page's feed.</summary>
    public Viewer Join(CameraView camera, bool burnBoxes)
    {
        var viewer = new Viewer(camera, burnBoxes, item =>
        {
            Interlocked.Increment(ref camera.ViewerDropped);
            item.Picture?.Release();
        });
        lock (camera.Gate)
        {
            // Under the gate the bus mirror adds events under: each event is in the backlog or the queue, once.
            camera.Viewers.Add(viewer);
            viewer.Backlog.AddRange(camera.Events);
        }
        return viewer;
    }

    public void Leave(Viewer viewer)
    {
        lock (viewer.Camera.Gate) viewer.Camera.Viewers.Remove(viewer);
        viewer.Queue.Writer.TryComplete();
        while (viewer.Queue.Reader.TryRead(out var item)) item.Picture?.Release();
    }

    /// <summary>Per camera: viewers connected now, and items dropped from viewers' queues so far.</summary>
    public IReadOnlyList<(string Id, int Viewers, long Dropped)> Counts()
    {
        var counts = new (string, int, long)[cameras.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            var c = cameras[i];
            lock (c.Gate) counts[i] = (c.Config.Id, c.Viewers.Count, Interlocked.Read(ref c.ViewerDropped));
        }
        return counts;
    }

    /// <summary>Queues a picture for the camera's viewers: <paramref name="burnt"/> (boxes drawn in) for MJPEG clients, <paramref name="plain"/> for pages.</summary>
    public static void Deliver(CameraView camera, Picture plain, Picture? burnt)
    {
        lock (camera.Gate)
        {
            foreach (var v in camera.Viewers)
            {
                var item = v.BurnBoxes ? burnt : plain;
                if (item is null) continue;
                item.Retain(1);
                if (!v.Queue.Writer.TryWrite(LiveItem.Of(item))) item.Release(); // the viewer left
            }
        }
    }

    /// <summary>Ends every viewer's feed (the server is stopping).</summary>
    public void CompleteAll()
    {
        foreach (var c in cameras)
            lock (c.Gate)
                foreach (var v in c.Viewers) v.Queue.Writer.TryComplete();
    }
}

/// <summary>One connected page or MJPEG client: what it has yet to be sent.</summary>
public sealed class Viewer(CameraView camera, bool burnBoxes, Action<LiveItem> dropped)
{
    /// <summary>Items a viewer may have queued before its oldest is dropped.</summary>
    public const int QueueLength = 16;

    public CameraView Camera { get; } = camera;
    public bool BurnBoxes { get; } = burnBoxes;

    /// <summary>Events that happened before it connected, for the page's list.</summary>
    internal List<byte[]> Backlog { get; } = [];

    /// <summary>Bounded: a viewer that does not keep up loses its oldest items, and holds at most this many.</summary>
    public Channel<LiveItem> Queue { get; } = Channel.CreateBounded<LiveItem>(new BoundedChannelOptions(QueueLength)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
        SingleWriter = false,
    }, dropped);
}

/// <summary>Something for a viewer: a text message, or a picture (which the viewer releases once sent).</summary>
public readonly record struct LiveItem(byte[]? Message, Picture? Picture)
{
    public static LiveItem Text(byte[] json) => new(json, null);
    public static LiveItem Of(Picture picture) => new(null, picture);
}
