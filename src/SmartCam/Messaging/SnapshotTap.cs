using OpenCvSharp;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.HandOver;
using SmartCam.Inference;

namespace SmartCam.Messaging;

/// <summary>
/// One frame to make snapshots of, copied on the inference thread into buffers made once: its picture (a share of the
/// decoder's full-size picture where the source decodes in-process, else a copy of the frame's BGR picture), its boxes, and
/// which of its events want a picture.
/// </summary>
public sealed class SnapshotFrame : IDisposable
{
    public SnapshotFrame(int maxDetections, int maxEvents)
    {
        Boxes = new Detection[maxDetections];
        TrackIds = new int[maxDetections];
        EventIndexes = new int[maxEvents];
    }

    public long Seq { get; private set; }

    /// <summary>The frame's capture time: the <c>ts_capture_ns</c> of its rule events, which is how they find it.</summary>
    public long CaptureNs { get; private set; }

    /// <summary>The camera's picture size, which the boxes are given in.</summary>
    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>A copy of the frame's BGR picture, where <see cref="Picture"/> holds none (it may be the detector's scaled size).</summary>
    public Mat Image { get; } = new();

    /// <summary>A share of the decoder's full-size picture (null where the linked FFmpeg cannot be called directly).</summary>
    internal DecodedPicture? Picture { get; } = LibAv.Available ? new DecodedPicture() : null;

    public Detection[] Boxes { get; }
    public int[] TrackIds { get; }
    public int BoxCount { get; private set; }

    /// <summary>Outputs the rules turned on at this frame: as many <c>rule</c> events will name its capture time.</summary>
    public int Fired { get; internal set; }

    /// <summary>The places among the frame's events of the enter and cross events a <c>snapshot: true</c> rule wants pictured.</summary>
    public int[] EventIndexes { get; }
    public int EventCount { get; internal set; }

    /// <summary>On the inference thread: the frame's picture and boxes. Allocation-free once the slot's picture has the frame's size.</summary>
    internal unsafe void Fill(Frame frame, DetectionResult result)
    {
        Seq = frame.Seq;
        CaptureNs = frame.CaptureNs;
        Width = frame.Width;
        Height = frame.Height;
        BoxCount = Math.Min(result.Count, Boxes.Length);
        result.Detections.AsSpan(0, BoxCount).CopyTo(Boxes);
        result.TrackIds.AsSpan(0, BoxCount).CopyTo(TrackIds);
        if (frame.Decoded is { IsEmpty: false } decoded && Picture is not null)
        {
            // A reference to the decoder's picture (FFmpeg counts it); converted to BGR on sc-snapshot.
            Picture.ShareOf(decoded);
            return;
        }
        Picture?.Release();
        var image = frame.Image;
        if (Image.Rows != image.Rows || Image.Cols != image.Cols || Image.Type() != image.Type())
            Image.Create(image.Rows, image.Cols, image.Type()); // once per slot, at the first snapshot of this size
        if (!image.IsContinuous()) return;
        var bytes = (long)image.Rows * image.Cols * image.ElemSize();
        Buffer.MemoryCopy((void*)image.Data, (void*)Image.Data, bytes, bytes);
    }

    public void Dispose()
    {
        Image.Dispose();
        Picture?.Dispose();
    }
}

/// <summary>
/// One camera's frames for <c>sc-snapshot</c>, handed over from the inference thread through a <see cref="SlotChannel{T}"/>
/// of <see cref="Slots"/> buffers made at start: <see cref="FullMode.Lossless"/> without waiting, as <see cref="BusTap.ForOffBox"/>.
/// When no slot is free the frame is not copied and its snapshots are counted as dropped: the loop never waits for the disk
/// or the encoder, and nothing queues without bound.
/// </summary>
public sealed class SnapshotTap : IDisposable
{
    /// <summary>Frames queued for sc-snapshot; the pool holds two more (one being filled, one being encoded).</summary>
    public const int Depth = 2;

    /// <summary>Buffers in the pool.</summary>
    public const int Slots = Depth + 2;

    private readonly SlotChannel<SnapshotFrame> _channel;
    private readonly int[] _events; // the inference thread's own
    private long _dropped;

    /// <summary>The most events of one frame pictured (enter and cross events of <c>snapshot: true</c> rules); more are counted as dropped.</summary>
    public const int MaxEventsPerFrame = 32;

    public SnapshotTap(int maxDetections, Wakeup readable)
    {
        _channel = new SlotChannel<SnapshotFrame>(Depth, FullMode.Lossless, () => new SnapshotFrame(maxDetections, MaxEventsPerFrame), readable);
        _events = new int[MaxEventsPerFrame];
    }

    /// <summary>The reader's side.</summary>
    public SlotChannel<SnapshotFrame> Frames => _channel;

    /// <summary>Snapshots not made because every slot was taken.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>On the inference thread, after the rules: copies the frame when a rule fired or an event wants a picture. Never waits.</summary>
    public void Offer(Frame frame, DetectionResult result, RuleStage rules)
    {
        var fired = rules.OutputsTurnedOn;
        var events = rules.SnapshotEvents(result.Events.AsSpan(0, result.EventCount), _events);
        if (fired == 0 && events == 0) return;
        var item = _channel.Rent(CancellationToken.None, wait: false);
        if (item is null)
        {
            Interlocked.Add(ref _dropped, fired + events);
            return;
        }
        var kept = Math.Min(events, _events.Length);
        if (kept < events) Interlocked.Add(ref _dropped, events - kept);
        item.Fill(frame, result);
        item.Fired = fired;
        _events.AsSpan(0, kept).CopyTo(item.EventIndexes);
        item.EventCount = kept;
        _channel.Write(item);
    }

    /// <summary>No more frames (the pipeline ended): the reader drains what is queued.</summary>
    public void Complete() => _channel.Complete();

    public void Dispose() => _channel.Dispose();
}

/// <summary>What <c>status.box</c>'s <c>snapshots</c> object says (docs/actuation.md#snapshots), counts since start.</summary>
/// <param name="Written">Snapshots written (a JPEG and its event's JSON).</param>
/// <param name="Dropped">Snapshots not made because the inference thread found no free buffer.</param>
/// <param name="Failed">Snapshots the disk refused (each logged).</param>
/// <param name="Deleted">Snapshots deleted by retention (the folder over max_mb, or older than max_days).</param>
public readonly record struct SnapshotCounters(long Written, long Dropped, long Failed, long Deleted);

/// <summary>
/// Where an event's snapshot lies: <c>PATH/CAMERA/RUN-SEQ-INDEX.jpg</c> (and <c>.json</c>, the event), its name made from
/// the event's id <c>RUN/CAMERA/SEQ/INDEX</c>, so the events API finds a snapshot from the event alone.
/// </summary>
public static class SnapshotFiles
{
    /// <summary>The camera and file name (without extension) of event <paramref name="id"/>'s snapshot; null for an id not of that form.</summary>
    public static (string Camera, string Name)? For(string id)
    {
        var parts = id.Split('/');
        if (parts.Length != 4 || !IsName(parts[0]) || !IsName(parts[1]) || !long.TryParse(parts[2], out _) || !int.TryParse(parts[3], out _)) return null;
        return (parts[1], $"{parts[0]}-{parts[2]}-{parts[3]}");
    }

    /// <summary>
    /// A camera id or file name that is safe as one path segment: letters, digits, '-', '_' and '.', not starting with '.'
    /// (so a request cannot climb out of the snapshots folder).
    /// </summary>
    public static bool IsName(string s)
    {
        if (s.Length == 0 || s.Length > 128 || s[0] == '.') return false;
        foreach (var c in s)
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_' && c != '.') return false;
        return true;
    }
}
