using System.Text;
using Microsoft.Extensions.Logging;
using OpenCvSharp;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.HandOver;
using SmartCam.Messaging;
using SmartCam.Viewing;

namespace SmartCam.Snapshots;

/// <summary>The snapshots folder cannot be used: a user mistake, one line naming <c>snapshots.path</c>.</summary>
public sealed class SnapshotStartException(string message) : Exception(message);

/// <summary>
/// <c>sc-snapshot</c>: the event pictures (docs/actuation.md#snapshots). It takes the frames the inference threads copied
/// (<see cref="SnapshotTap"/>, one per camera), draws their boxes, encodes them as JPEG, and pairs each picture with its
/// events as the bus carries them (its own copy of the bus, evt. only, <see cref="BusTap.ForOffBox"/>): a <c>rule</c> event
/// that turned an output on names its frame by <c>ts_capture_ns</c>, an enter or cross event by its id's seq and index.
/// Each pair is written as <c>CAMERA/RUN-SEQ-INDEX.jpg</c> and <c>.json</c>, then <see cref="Retention"/> keeps the folder
/// within max_mb and max_days. An ordinary thread on the housekeeping CPUs; the loop threads never wait for it.
/// </summary>
public sealed class SnapshotWriter : IDisposable
{
    /// <summary>Evt. messages queued for sc-snapshot; beyond them the publish thread does not copy one, and counts it.</summary>
    public const int EventDepth = 256;

    /// <summary>
    /// How long a picture waits for its events, and an event for its picture (one may be missing: sc-snapshot's copy of the
    /// bus was full), and how many pictures wait at most (the oldest is let go first).
    /// </summary>
    private const long PairingWindowNs = 3_000_000_000;
    private const int PicturesWaiting = 64;

    /// <summary>How often files older than max_days are looked for, after the look at start.</summary>
    private static readonly long AgeCheckNs = TimeSpan.FromHours(1).Ticks * 100;

    private static readonly byte[] EvtPrefix = Encoding.UTF8.GetBytes(MessageNames.EvtPrefix);

    private readonly SnapshotsConfig _config;
    private readonly string[] _cameras;
    private readonly string[] _labels;
    private readonly SnapshotTap[] _taps;
    private readonly BusTap _events;
    private readonly Wakeup _wake = new();
    private readonly Retention _retention;
    private readonly int[] _jpegParameters;
    private readonly ILogger _log;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _written, _failed;

    // sc-snapshot's own. The picture is made in one buffer and encoded into reused ones: a burst of snapshots makes no
    // garbage to speak of, so no collection stops the loop threads for it.
    private readonly PictureConverter _converter = PictureConverter.FullSize();
    private readonly LabelTexts _labelTexts = new();
    private readonly Mat _full = new();
    private readonly InputArrays _arrays = new();
    private readonly OpenCvSharp.Internal.Vectors.VectorOfByte _encoded = new();
    private readonly Stack<byte[]> _jpegBuffers = new();
    private readonly List<Picture> _pictures = [];
    private readonly List<WaitingEvent> _waiting = [];
    private long _nextAgeCheckNs;

    private SnapshotWriter(SmartCamConfig config, string[] labels, int maxDetections, ILogger log)
    {
        _config = config.Snapshots!;
        _cameras = config.Cameras.Select(c => c.Id).ToArray();
        _labels = labels;
        _taps = _cameras.Select(_ => new SnapshotTap(maxDetections, _wake)).ToArray();
        _events = BusTap.ForOffBox(EventDepth, TappedMessage.Capacity, detections: false, _wake);
        _retention = new Retention(_config.Path, _config.MaxBytes, TimeSpan.FromDays(_config.MaxDays), log);
        _jpegParameters = [(int)ImwriteFlags.JpegQuality, config.Http?.JpegQuality ?? HttpSection.JpegQuality.Default];
        _log = log;
        _thread = new Thread(Run) { Name = "sc-snapshot", IsBackground = true };
    }

    /// <summary>Makes each camera's folder and starts sc-snapshot; a folder that cannot be made is a <see cref="SnapshotStartException"/>.</summary>
    public static SnapshotWriter Start(SmartCamConfig config, string[] labels, ILogger log)
    {
        var path = config.Snapshots!.Path;
        try
        {
            foreach (var camera in config.Cameras) Directory.CreateDirectory(Path.Combine(path, camera.Id));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SnapshotStartException($"{SnapshotsSection.Path.Path}: cannot use '{path}': {e.Message}; expected a folder SmartCam can write (on the box: /var/lib/smartcam/snapshots)");
        }
        var writer = new SnapshotWriter(config, labels, config.Detect.MaxDetections, log);
        writer._thread.Start();
        return writer;
    }

    /// <summary>Camera <paramref name="index"/>'s frames, for its inference thread.</summary>
    public SnapshotTap TapFor(int index) => _taps[index];

    /// <summary>The copy of the bus it pairs pictures with: the publisher's tap.</summary>
    public BusTap Events => _events;

    /// <summary>Read on the publish thread for status.box: allocation-free.</summary>
    public SnapshotCounters Counters
    {
        get
        {
            long dropped = 0;
            foreach (var t in _taps) dropped += t.Dropped;
            return new(Interlocked.Read(ref _written), dropped, Interlocked.Read(ref _failed), _retention.Deleted);
        }
    }

    private void Run()
    {
        // SCHED_IDLE: it draws, encodes and writes only in time no other thread wants, so where the loop threads share
        // CPUs with it (no isolated CPUs, a bench) the encoding cannot slow them; when it falls behind, the pool's four
        // buffers fill and further snapshots are dropped and counted. Lowering one's own policy needs no privilege; a
        // failure leaves it an ordinary thread.
        Libc.SetScheduler(0, Libc.SchedIdle, 0);
        try
        {
            _retention.Load();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An exception here would end the process: the snapshots go on, only what earlier runs left is not bounded.
            _log.LogWarning("Snapshots: what earlier runs left in {Path} could not be listed: {Error}", _config.Path, e.Message);
        }
        _nextAgeCheckNs = MonotonicClock.NowNs();
        while (true)
        {
            // Read the flag first: whatever was handed over before it was set is taken in this round.
            var stopping = _stopping;
            _wake.Wait(100_000_000);
            try
            {
                TakeFrames();
                TakeEvents();
                var now = MonotonicClock.NowNs();
                Expire(stopping ? long.MaxValue : now);
                if (now >= _nextAgeCheckNs)
                {
                    _retention.DeleteOld(DateTime.UtcNow);
                    _nextAgeCheckNs = now + AgeCheckNs;
                }
            }
            catch (Exception e) when (e is OpenCVException or IOException or UnauthorizedAccessException)
            {
                _log.LogWarning("Snapshots: {Error}", e.Message);
            }
            if (stopping) return;
        }
    }

    private void TakeFrames()
    {
        for (var c = 0; c < _taps.Length; c++)
        {
            var frames = _taps[c].Frames;
            while (frames.TryRead(out var frame))
            {
                Picture? picture;
                try
                {
                    picture = Encode(c, frame);
                }
                catch (OpenCVException e)
                {
                    _log.LogWarning("Snapshots: camera {Camera}: frame {Seq} could not be encoded: {Error}", _cameras[c], frame.Seq, e.Message);
                    picture = null;
                }
                finally
                {
                    frames.Release(frame);
                }
                if (picture is null)
                {
                    Interlocked.Add(ref _failed, frame.Fired + frame.EventCount);
                    continue;
                }
                if (_pictures.Count == PicturesWaiting)
                {
                    _jpegBuffers.Push(_pictures[0].Jpeg);
                    _pictures.RemoveAt(0);
                }
                _pictures.Add(picture);
                // Events that came before their picture.
                for (var i = 0; i < _waiting.Count; i++)
                {
                    if (!TryPair(_waiting[i], picture)) continue;
                    _waiting.RemoveAt(i--);
                }
            }
        }
    }

    /// <summary>The frame at the camera's picture size with its boxes drawn, as JPEG; null if it cannot be made.</summary>
    private unsafe Picture? Encode(int camera, SnapshotFrame frame)
    {
        if (frame.Picture is { IsEmpty: false } decoded)
        {
            var converted = _converter.Convert(decoded, _full, decoded.Width, decoded.Height);
            decoded.Release();
            if (!converted) return null;
        }
        else if (frame.Image.Empty()) return null;
        else frame.Image.CopyTo(_full);
        if (_full.Cols != frame.Width || _full.Rows != frame.Height)
        {
            // The detector's scaled picture (a big frame converted straight to the model's size): back to the camera's size.
            Cv2.Resize(_full, _full, new Size(frame.Width, frame.Height));
        }
        for (var i = 0; i < frame.BoxCount; i++)
        {
            ref readonly var d = ref frame.Boxes[i];
            var label = (uint)d.ClassId < (uint)_labels.Length ? _labels[d.ClassId] : "?";
            Overlay.DrawBox(_full, d.X1, d.Y1, d.X2, d.Y2, label, frame.TrackIds[i], d.Score, _labelTexts);
        }
        var array = _arrays.For(_full);
        OpenCvSharp.Internal.NativeMethods.HandleException(OpenCvSharp.Internal.NativeMethods.imgcodecs_imencode_vector(
            ".jpg", array.CvPtr, _encoded.CvPtr, _jpegParameters, _jpegParameters.Length, out var ok));
        GC.KeepAlive(_full);
        if (ok == 0) return null;
        var length = _encoded.Size;
        var jpeg = _jpegBuffers.TryPop(out var reused) && reused.Length >= length ? reused : new byte[length + length / 4];
        new ReadOnlySpan<byte>((void*)_encoded.ElemPtr, length).CopyTo(jpeg);
        return new Picture(camera, frame.Seq, frame.CaptureNs, jpeg, length, frame.Fired, frame.EventIndexes.AsSpan(0, frame.EventCount).ToArray(), MonotonicClock.NowNs());
    }

    private void TakeEvents()
    {
        var messages = _events.Messages;
        while (messages.TryRead(out var message))
        {
            try
            {
                if (ReadEvent(message.Topic, message.Body) is not { } e) continue;
                var paired = false;
                foreach (var picture in _pictures)
                    if (TryPair(e, picture))
                    {
                        paired = true;
                        break;
                    }
                if (!paired) _waiting.Add(e);
            }
            finally
            {
                messages.Release(message);
            }
        }
    }

    /// <summary>An event that may have a picture: a rule turning its output on, an enter or a cross; null for any other message.</summary>
    private WaitingEvent? ReadEvent(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> body)
    {
        if (!topic.StartsWith(EvtPrefix)) return null;
        var type = TopLevelJson.String(body, MessageNames.Type);
        if (type is not ("rule" or "enter" or "cross")) return null;
        if (type == "rule" && !TurnedOn(body)) return null;
        var camera = Array.IndexOf(_cameras, TopLevelJson.String(body, MessageNames.Camera));
        var id = TopLevelJson.String(body, MessageNames.EventId);
        if (camera < 0 || id is null || SnapshotFiles.For(id) is not { } file) return null;
        var index = int.Parse(id.AsSpan(id.LastIndexOf('/') + 1));
        return new WaitingEvent(camera, type == "rule", TopLevelJson.Long(body, MessageNames.TsCaptureNs), TopLevelJson.Long(body, MessageNames.Seq), index,
            file.Name, body.ToArray(), MonotonicClock.NowNs());
    }

    /// <summary>A rule event's <c>active</c>: true when the rule turned its output on (a release has no picture).</summary>
    private static bool TurnedOn(ReadOnlySpan<byte> body)
    {
        var reader = new System.Text.Json.Utf8JsonReader(body);
        return TopLevelJson.MoveTo(ref reader, MessageNames.Active) && reader.TokenType == System.Text.Json.JsonTokenType.True;
    }

    /// <summary>Writes <paramref name="e"/>'s snapshot if <paramref name="picture"/> is its frame.</summary>
    private bool TryPair(WaitingEvent e, Picture picture)
    {
        if (e.Camera != picture.Camera || e.CaptureNs != picture.CaptureNs) return false;
        if (e.Rule)
        {
            if (picture.Fired == 0) return false;
            picture.Fired--;
        }
        else
        {
            var at = Array.IndexOf(picture.EventIndexes, e.Index);
            if (e.Seq != picture.Seq || at < 0) return false;
            picture.EventIndexes[at] = -1; // one snapshot per event
        }
        Write(picture, e);
        return true;
    }

    private void Write(Picture picture, WaitingEvent e)
    {
        var folder = Path.Combine(_config.Path, _cameras[e.Camera]);
        var jpg = Path.Combine(folder, e.Name + ".jpg");
        var json = Path.Combine(folder, e.Name + ".json");
        try
        {
            using (var file = File.OpenHandle(jpg, FileMode.Create, FileAccess.Write))
                RandomAccess.Write(file, picture.Jpeg.AsSpan(0, picture.Length), 0);
            // The event last: a .json always has its picture beside it.
            File.WriteAllBytes(json, e.Json);
        }
        catch (Exception x) when (x is IOException or UnauthorizedAccessException)
        {
            Interlocked.Increment(ref _failed);
            _log.LogWarning("Snapshots: camera {Camera}: {File} could not be written: {Error}", _cameras[e.Camera], jpg, x.Message);
            return;
        }
        Interlocked.Increment(ref _written);
        _retention.Added(jpg, json, picture.Length + e.Json.Length, DateTime.UtcNow);
    }

    /// <summary>Pictures and events that found no partner in time are let go (a rule that fired while its output was already on sends no event).</summary>
    private void Expire(long nowNs)
    {
        for (var i = _pictures.Count - 1; i >= 0; i--)
        {
            var p = _pictures[i];
            if (nowNs - p.TakenNs < PairingWindowNs && (p.Fired > 0 || Array.Exists(p.EventIndexes, e => e >= 0))) continue;
            _pictures.RemoveAt(i);
            _jpegBuffers.Push(p.Jpeg);
        }
        for (var i = _waiting.Count - 1; i >= 0; i--)
            if (nowNs - _waiting[i].SeenNs >= PairingWindowNs) _waiting.RemoveAt(i);
    }

    public void Dispose()
    {
        // After the pipeline: its frames and last events are handed over; they are written before the thread ends.
        _stopping = true;
        _wake.Signal();
        if (_thread.IsAlive) _thread.Join();
        var c = Counters;
        _log.LogInformation("Snapshots: {Written} written, {Dropped} dropped (no free buffer), {Failed} failed, {Deleted} deleted by retention",
            c.Written, c.Dropped, c.Failed, c.Deleted);
        foreach (var t in _taps) t.Dispose();
        _events.Dispose();
        _converter.Dispose();
        _arrays.Dispose();
        _encoded.Dispose();
        _full.Dispose();
        _wake.Dispose();
    }

    /// <summary>A frame's JPEG, waiting for its events.</summary>
    private sealed class Picture(int camera, long seq, long captureNs, byte[] jpeg, int length, int fired, int[] eventIndexes, long takenNs)
    {
        public int Camera { get; } = camera;
        public long Seq { get; } = seq;
        public long CaptureNs { get; } = captureNs;
        public byte[] Jpeg { get; } = jpeg; // a buffer of sc-snapshot's, given back when the picture is let go
        public int Length { get; } = length;
        public int Fired { get; set; } = fired;
        public int[] EventIndexes { get; } = eventIndexes;
        public long TakenNs { get; } = takenNs;
    }

    /// <summary>An event as the bus carried it, waiting for its frame's picture.</summary>
    private sealed record WaitingEvent(int Camera, bool Rule, long CaptureNs, long Seq, int Index, string Name, byte[] Json, long SeenNs);
}
