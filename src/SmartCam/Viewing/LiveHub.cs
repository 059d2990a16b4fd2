using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Messaging;

namespace SmartCam.Viewing;

/// <summary>
/// What the HTTP server knows of the running pipeline, kept off the loop threads: the bus's messages as the publish
/// thread sent them (<see cref="BusTap"/>, read here on <c>sc-http</c>), and camera pictures from the capture threads'
/// <see cref="FrameTap"/>s, encoded to JPEG on <c>sc-live</c> only while a viewer or a snapshot wants one, at
/// <c>http.live_fps</c> at most. Both threads are ordinary threads on the housekeeping CPUs. Each viewer has a
/// bounded queue that drops its oldest item when the viewer does not keep up, so a slow or stalled viewer costs a
/// fixed amount of memory and nobody else anything.
/// </summary>
public sealed class LiveHub : IDisposable
{
    private readonly SmartCamConfig _config;
    private readonly BusTap _bus;
    private readonly ILogger _log;
    private readonly CameraView[] _cameras;
    private readonly Thread _busThread, _liveThread;
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _wanted = new(false);
    private readonly object _gate = new(); // guards the state below; only sc-http, sc-live and request threads take it
    private byte[]? _boxStatus;
    private readonly long _startedNs = MonotonicClock.NowNs();

    /// <summary>Recent det. messages kept per camera, to pair a picture with the detections of the same frame.</summary>
    public const int DetectionsKept = 128;

    /// <summary>Recent evt. messages kept per camera, for a viewer that just connected.</summary>
    public const int EventsKept = 200;

    /// <summary>Items a viewer may have queued before its oldest is dropped.</summary>
    public const int ViewerQueue = 16;

    /// <summary>How long a picture waits for its frame's det. message before it is shown without boxes (a live frame the detector skipped has none).</summary>
    public static readonly TimeSpan DetectionWait = TimeSpan.FromSeconds(2);

    public LiveHub(SmartCamConfig config, BusTap bus, IReadOnlyList<FrameTap> frames, ILogger log)
    {
        _config = config;
        _bus = bus;
        _log = log;
        _cameras = config.Cameras.Select((c, i) => new CameraView(c, frames[i])).ToArray();
        _busThread = new Thread(ReadBus) { Name = "sc-http", IsBackground = true };
        _liveThread = new Thread(EncodeLive) { Name = "sc-live", IsBackground = true };
    }

    public HttpConfig Http => _config.Http!;
    public SmartCamConfig Config => _config;
    public IEnumerable<string> CameraIds => _cameras.Select(c => c.Config.Id);

    public void Start()
    {
        _busThread.Start();
        _liveThread.Start();
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
    public IReadOnlyList<(string Id, int Viewers, long Dropped)> ViewerCounts
    {
        get { lock (_gate) return _cameras.Select(c => (c.Config.Id, c.Viewers.Count, Interlocked.Read(ref c.ViewerDropped))).ToArray(); }
    }

    /// <summary>Bus messages the HTTP side did not read in time (dropped from its copy of the bus).</summary>
    public long BusCopiesDropped => _bus.Dropped;

    /// <summary>The latest status.box message, or null before the first.</summary>
    public byte[]? BoxStatus
    {
        get { lock (_gate) return _boxStatus; }
    }

    /// <summary>Every camera's latest status. message (null before the first), in the config's order.</summary>
    public IReadOnlyList<(string Id, byte[]? Status)> Statuses
    {
        get { lock (_gate) return _cameras.Select(c => (c.Config.Id, c.Status)).ToArray(); }
    }

    /// <summary>
    /// Healthy while every camera's latest status says running and its processed count moved within the stall
    /// window (3 status intervals, at least 2 s); else why not, per camera.
    /// </summary>
    public (bool Healthy, IReadOnlyList<(string Id, string State)> Cameras) Health()
    {
        var now = MonotonicClock.NowNs();
        var window = Math.Max(2000L, 3L * _config.Publish.StatusIntervalMs) * 1_000_000L;
        lock (_gate)
        {
            var states = new List<(string, string)>();
            var healthy = true;
            foreach (var c in _cameras)
            {
                var state = c.Status is null ? "starting" : c.State;
                if (state == "running" && now - c.ProgressNs > window) state = "stalled";
                if (c.Status is not null && now - c.StatusNs > window) state = "stalled"; // the publish thread itself stopped
                healthy &= state == "running";
                states.Add((c.Config.Id, state));
            }
            return (healthy, states);
        }
    }

    /// <summary>A new viewer of <paramref name="camera"/>: <paramref name="burnBoxes"/> for MJPEG (boxes drawn into the JPEG), else the page's feed.</summary>
    public Viewer Join(CameraView camera, bool burnBoxes)
    {
        var viewer = new Viewer(camera, burnBoxes, item =>
        {
            Interlocked.Increment(ref camera.ViewerDropped);
            item.Picture?.Release();
        });
        lock (_gate)
        {
            camera.Viewers.Add(viewer);
            foreach (var e in camera.Events) viewer.Backlog.Add(e);
        }
        _wanted.Set();
        return viewer;
    }

    public void Leave(Viewer viewer)
    {
        lock (_gate) viewer.Camera.Viewers.Remove(viewer);
        viewer.Queue.Writer.TryComplete();
        while (viewer.Queue.Reader.TryRead(out var item)) item.Picture?.Release();
    }

    /// <summary>The camera's picture as JPEG (no boxes): the next frame it captures, encoded on sc-live; null when none comes within <paramref name="timeout"/>.</summary>
    public async Task<byte[]?> Snapshot(CameraView camera, TimeSpan timeout, CancellationToken cancel)
    {
        var waiter = (Result: new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously), SinceNs: MonotonicClock.NowNs());
        lock (_gate) camera.SnapshotWaiters.Add(waiter);
        _wanted.Set();
        try
        {
            return await waiter.Result.Task.WaitAsync(timeout, cancel);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            lock (_gate) camera.SnapshotWaiters.Remove(waiter);
        }
    }

    // ---- sc-http: the bus copy ----

    private void ReadBus()
    {
        var channel = _bus.Messages;
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            channel.WaitToRead(100_000_000);
            while (channel.TryRead(out var message))
            {
                try
                {
                    Dispatch(message.Topic, message.Body);
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException)
                {
                    _log.LogWarning("HTTP: a bus message could not be read: {Error}", e.Message);
                }
                finally
                {
                    channel.Release(message);
                }
            }
        }
    }

    /// <summary>
    /// Sorts one bus message. det. messages (every frame) are copied into the camera's ring of reused buffers, so the
    /// steady stream of frames allocates nothing here; status and evt messages are few and kept as arrays.
    /// </summary>
    private void Dispatch(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> body)
    {
        if (topic.SequenceEqual(BoxTopic))
        {
            var copy = body.ToArray();
            lock (_gate) _boxStatus = copy;
            return;
        }
        foreach (var camera in _cameras)
        {
            if (topic.SequenceEqual(camera.DetTopic))
            {
                var seq = ReadLong(body, MessageNames.Seq);
                lock (_gate) camera.KeepDetections(seq, body);
                return;
            }
            if (topic.SequenceEqual(camera.EvtTopic))
            {
                var json = body.ToArray();
                var wrapped = Wrap("evt", json);
                lock (_gate)
                {
                    camera.Events.Add(json);
                    if (camera.Events.Count > EventsKept) camera.Events.RemoveAt(0);
                    foreach (var v in camera.Viewers)
                        if (!v.BurnBoxes) v.Queue.Writer.TryWrite(LiveItem.Text(wrapped));
                }
                return;
            }
            if (topic.SequenceEqual(camera.StatusTopic))
            {
                var json = body.ToArray();
                var state = ReadString(json, MessageNames.State) ?? "";
                var processed = ReadLong(json, MessageNames.Processed);
                var now = MonotonicClock.NowNs();
                var wrapped = Wrap("status", json);
                lock (_gate)
                {
                    if (processed != camera.Processed || camera.Status is null) camera.ProgressNs = now;
                    camera.Processed = processed;
                    camera.Status = json;
                    camera.State = state;
                    camera.StatusNs = now;
                    foreach (var v in camera.Viewers)
                        if (!v.BurnBoxes) v.Queue.Writer.TryWrite(LiveItem.Text(wrapped));
                }
                return;
            }
        }
    }

    private static readonly byte[] BoxTopic = Encoding.UTF8.GetBytes(MessageNames.BoxStatusTopic);

    /// <summary>{"kind":"…","msg":…}: a bus message for the page, its JSON untouched.</summary>
    private static byte[] Wrap(string kind, byte[] json)
    {
        var head = Encoding.UTF8.GetBytes($"{{\"kind\":\"{kind}\",\"msg\":");
        var all = new byte[head.Length + json.Length + 1];
        head.CopyTo(all, 0);
        json.CopyTo(all, head.Length);
        all[^1] = (byte)'}';
        return all;
    }

    private static long ReadLong(ReadOnlySpan<byte> json, string property)
    {
        var reader = new Utf8JsonReader(json);
        return AtTopLevel(ref reader, property) && reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : -1;
    }

    private static string? ReadString(byte[] json, string property)
    {
        var reader = new Utf8JsonReader(json);
        return AtTopLevel(ref reader, property) && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    /// <summary>Moves <paramref name="reader"/> to the value of the message's top-level <paramref name="property"/>; false when it has none.</summary>
    private static bool AtTopLevel(ref Utf8JsonReader reader, string property)
    {
        var depth = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) depth++;
            else if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray) depth--;
            else if (depth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(property)) return reader.Read();
        }
        return false;
    }

    // ---- sc-live: pictures ----

    /// <summary>How often sc-live looks for a requested frame or its detections while someone is watching.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    private void EncodeLive()
    {
        var stop = _stop.Token;
        var periodNs = 1_000_000_000L / Http.LiveFps;
        int[] jpeg = [(int)ImwriteFlags.JpegQuality, Http.JpegQuality];
        while (!stop.IsCancellationRequested)
        {
            var busy = false;
            foreach (var camera in _cameras)
            {
                bool viewers, snapshots;
                lock (_gate)
                {
                    viewers = camera.Viewers.Count > 0;
                    snapshots = camera.SnapshotWaiters.Count > 0;
                }
                if (!viewers && !snapshots)
                {
                    camera.Pending = null;
                    camera.Requested = false;
                    continue;
                }
                busy = true;
                try
                {
                    Step(camera, viewers, snapshots, periodNs, jpeg);
                }
                catch (OpenCVException e)
                {
                    _log.LogWarning("HTTP: camera {Camera}: a picture could not be encoded: {Error}", camera.Config.Id, e.Message);
                    camera.Pending = null;
                }
            }
            if (!busy)
            {
                _wanted.Reset();
                // Not Wait(timeout, stop): that throws when the stop comes first, and on this thread an exception ends
                // the process. Dispose cancels, then sets _wanted; the check after Reset catches a Set that Reset undid.
                if (stop.IsCancellationRequested) return;
                _wanted.Wait(TimeSpan.FromSeconds(1));
            }
            else
            {
                stop.WaitHandle.WaitOne(Poll);
            }
        }
    }

    private void Step(CameraView camera, bool viewers, bool snapshots, long periodNs, int[] jpeg)
    {
        var now = MonotonicClock.NowNs();
        if (camera.Pending is null)
        {
            // Ask as soon as the last picture was taken, so the next is there when it is due (live_fps); a snapshot asks at once.
            var due = snapshots || now - camera.LastSentNs >= periodNs;
            if (!camera.Requested)
            {
                camera.Tap.TakeLatest(); // anything already there answers an earlier request: too old
                camera.Requested = true;
                camera.RequestedNs = now;
                camera.Tap.Request();
            }
            if (!due || camera.Tap.TakeLatest() is not { } frame) return;
            camera.Requested = false;
            camera.Pending = (frame, now, camera.RequestedNs);
            camera.LastSentNs = now; // the pace is set by when pictures are taken, not by how long their detections took
        }
        var (picture, since, requestedNs) = camera.Pending.Value;
        bool found;
        lock (_gate) found = camera.FindDetections(picture.Seq, _det);
        // Wait for the frame's detections (a live frame the detector skipped has none: shown without boxes after a while).
        if (!found && now - since < DetectionWait.Ticks * 100 && viewers) return;
        camera.Pending = null;
        var det = found ? _det.WrittenSpan : default;

        var plain = _pictures.Rent();
        plain.Retain(1); // the encoder's own hold, given back below
        plain.Encode(picture.Image, _arrays.For(picture.Image), picture.Seq, jpeg, _encoded);
        plain.SetHead(det);
        Picture? burnt = null;
        List<(TaskCompletionSource<byte[]> Result, long SinceNs)>? answered = null;
        bool burn;
        lock (_gate)
        {
            // Only snapshots asked for before this frame was: a snapshot is never an old picture.
            foreach (var w in camera.SnapshotWaiters)
                if (w.SinceNs <= requestedNs) (answered ??= []).Add(w);
            burn = camera.Viewers.Any(v => v.BurnBoxes);
        }
        if (answered is not null)
        {
            var copy = plain.Jpeg.ToArray();
            foreach (var w in answered) w.Result.TrySetResult(copy);
        }
        if (burn)
        {
            DrawDetections(picture.Image, det, _labelTexts);
            burnt = _pictures.Rent();
            burnt.Retain(1);
            burnt.Encode(picture.Image, _arrays.For(picture.Image), picture.Seq, jpeg, _encoded);
        }
        lock (_gate)
        {
            foreach (var v in camera.Viewers)
            {
                var item = v.BurnBoxes ? burnt : plain;
                if (item is null) continue;
                item.Retain(1);
                if (!v.Queue.Writer.TryWrite(LiveItem.Of(item))) item.Release(); // the viewer left
            }
        }
        plain.Release();
        burnt?.Release();
    }

    private readonly PicturePool _pictures = new();
    private readonly InputArrays _arrays = new(); // sc-live's
    private readonly LabelTexts _labelTexts = new(); // sc-live's
    private readonly OpenCvSharp.Internal.Vectors.VectorOfByte _encoded = new(); // sc-live's: imencode's output, copied into a picture
    private readonly ReusableBufferWriter _det = new(16 * 1024); // sc-live's: the det. message of the picture being made

    /// <summary>Pictures made so far: steady once every viewer's queue was full once (what the pool holds at most).</summary>
    public int PicturesCreated => _pictures.Created;

    private static readonly Scalar BoxColour = new(0, 220, 255), TextColour = new(0, 0, 0);

    /// <summary>Boxes, labels, scores and track ids into the picture, for MJPEG clients that cannot draw.</summary>
    /// <remarks>
    /// Read with a <see cref="Utf8JsonReader"/> (no document), each caption made once and then found again by its characters
    /// (<see cref="LabelTexts"/>). What is left per box is OpenCvSharp's: Cv2.PutText takes only an InputOutputArray, and
    /// makes one for the Mat on every call (a wrapper kept across calls crashed OpenCvSharp 4.13's native side).
    /// </remarks>
    internal static void DrawDetections(Mat image, ReadOnlySpan<byte> det, LabelTexts texts)
    {
        if (det.IsEmpty) return;
        var reader = new Utf8JsonReader(det);
        if (!AtTopLevel(ref reader, MessageNames.Detections) || reader.TokenType != JsonTokenType.StartArray) return;
        Span<double> box = stackalloc double[4];
        Span<char> label = stackalloc char[64];
        Span<char> text = stackalloc char[128];
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            var labelLength = 1;
            label[0] = '?';
            long track = 0;
            double score = 0;
            var corners = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(MessageNames.Box))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray) { reader.Skip(); continue; }
                    while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                        if (corners < 4) box[corners++] = reader.GetDouble();
                }
                else if (reader.ValueTextEquals(MessageNames.Label))
                {
                    reader.Read();
                    labelLength = reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= label.Length && !reader.ValueIsEscaped
                        ? Encoding.UTF8.GetChars(reader.ValueSpan, label)
                        : 1;
                }
                else if (reader.ValueTextEquals(MessageNames.TrackId))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number) track = reader.GetInt64();
                }
                else if (reader.ValueTextEquals(MessageNames.Score))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number) score = reader.GetDouble();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (corners < 4) continue;
            var p1 = new Point(box[0], box[1]);
            var p2 = new Point(box[2], box[3]);
            Cv2.Rectangle(image, p1, p2, BoxColour, 2);
            // "person #12 0.56" (no "#" for an untracked box)
            ReadOnlySpan<char> name = label[..labelLength];
            int n;
            var written = track > 0
                ? text.TryWrite(CultureInfo.InvariantCulture, $"{name} #{track} {score:0.00}", out n)
                : text.TryWrite(CultureInfo.InvariantCulture, $"{name} {score:0.00}", out n);
            var caption = texts.For(written ? text[..n] : name);
            var size = Cv2.GetTextSize(caption, HersheyFonts.HersheySimplex, 0.45, 1, out var baseline);
            var top = Math.Max(0, p1.Y - size.Height - baseline - 2);
            Cv2.Rectangle(image, new Rect(p1.X, top, size.Width + 4, size.Height + baseline + 2), BoxColour, -1);
            Cv2.PutText(image, caption, new Point(p1.X + 2, top + size.Height + 1), HersheyFonts.HersheySimplex, 0.45, TextColour, 1, LineTypes.AntiAlias);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _wanted.Set();
        if (_busThread.IsAlive) _busThread.Join();
        if (_liveThread.IsAlive) _liveThread.Join();
        lock (_gate)
            foreach (var c in _cameras)
                foreach (var v in c.Viewers) v.Queue.Writer.TryComplete();
        _stop.Dispose();
        _arrays.Dispose();
        _encoded.Dispose();
        _wanted.Dispose();
    }
}

/// <summary>One camera as the HTTP server sees it. Fields are guarded by the hub's lock, except Pending and LastSentNs (sc-live's own).</summary>
public sealed class CameraView(CameraConfig config, FrameTap tap)
{
    public CameraConfig Config { get; } = config;
    internal FrameTap Tap { get; } = tap;
    internal byte[]? Status;
    internal string State = "starting";
    internal long Processed, ProgressNs, StatusNs;
    /// <summary>Items viewers did not take in time, dropped from their queues (Interlocked).</summary>
    internal long ViewerDropped;


    internal readonly byte[] DetTopic = Encoding.UTF8.GetBytes(MessageNames.DetTopic(config.Id));
    internal readonly byte[] EvtTopic = Encoding.UTF8.GetBytes(MessageNames.EvtTopic(config.Id));
    internal readonly byte[] StatusTopic = Encoding.UTF8.GetBytes(MessageNames.StatusTopic(config.Id));

    // The latest det. messages, in buffers reused round the ring (a message larger than its slot grows it, once).
    private readonly long[] _detSeq = Enumerable.Repeat(-1L, LiveHub.DetectionsKept).ToArray();
    private readonly byte[][] _det = Enumerable.Range(0, LiveHub.DetectionsKept).Select(_ => new byte[4096]).ToArray();
    private readonly int[] _detLength = new int[LiveHub.DetectionsKept];
    private int _nextDet;

    internal void KeepDetections(long seq, ReadOnlySpan<byte> json)
    {
        var i = _nextDet;
        _nextDet = (i + 1) % LiveHub.DetectionsKept;
        if (_det[i].Length < json.Length) _det[i] = new byte[json.Length * 2];
        json.CopyTo(_det[i]);
        _detLength[i] = json.Length;
        _detSeq[i] = seq;
    }

    internal readonly List<byte[]> Events = [];
    internal readonly List<Viewer> Viewers = [];
    internal readonly List<(TaskCompletionSource<byte[]> Result, long SinceNs)> SnapshotWaiters = [];
    internal (TappedFrame Frame, long SinceNs, long RequestedNs)? Pending;
    internal bool Requested;
    internal long RequestedNs;
    internal long LastSentNs = long.MinValue / 2;

    /// <summary>Copies the det. message of frame <paramref name="seq"/> into <paramref name="into"/>; false when it is not (yet) here.</summary>
    internal bool FindDetections(long seq, ReusableBufferWriter into)
    {
        for (var i = 0; i < _detSeq.Length; i++)
        {
            if (_detSeq[i] != seq) continue;
            into.Reset();
            _det[i].AsSpan(0, _detLength[i]).CopyTo(into.GetSpan(_detLength[i]));
            into.Advance(_detLength[i]);
            return true;
        }
        return false;
    }
}

/// <summary>One connected page or MJPEG client: what it has yet to be sent.</summary>
public sealed class Viewer(CameraView camera, bool burnBoxes, Action<LiveItem> dropped)
{
    public CameraView Camera { get; } = camera;
    public bool BurnBoxes { get; } = burnBoxes;

    /// <summary>Events that happened before it connected, for the page's list.</summary>
    internal List<byte[]> Backlog { get; } = [];

    /// <summary>Bounded: a viewer that does not keep up loses its oldest items, and holds at most this many.</summary>
    public Channel<LiveItem> Queue { get; } = Channel.CreateBounded<LiveItem>(new BoundedChannelOptions(LiveHub.ViewerQueue)
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

/// <summary>
/// The captions sc-live draws ("person #12 0.56"), each made once and found again by its characters, so a scene that
/// does not change draws without allocating. Bounded: when full it starts over (one thread's, no lock).
/// </summary>
internal sealed class LabelTexts
{
    public const int Capacity = 1024;
    private readonly Dictionary<string, string> _known = new(Capacity);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    public LabelTexts() => _byChars = _known.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _known.Count;

    public string For(ReadOnlySpan<char> caption)
    {
        if (_byChars.TryGetValue(caption, out var known)) return known;
        if (_known.Count == Capacity) _known.Clear();
        var made = new string(caption);
        _known[made] = made;
        return made;
    }
}
