using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SmartCam.Core;
using SmartCam.Messaging;

namespace SmartCam.Viewing;

/// <summary>
/// <c>sc-http</c>: the HTTP side's copy of the bus, read from the <see cref="BusTap"/> the publish thread fills, so the
/// server sees exactly what ZeroMQ subscribers get and the loop never waits for it. Keeps per camera the latest
/// status. message (and from it the camera's health), its recent det. messages (to pair a picture with its frame's
/// detections) and evt. messages (for a page that just connected), and the latest status.box; passes evt. and
/// status. messages on to the pages watching. An ordinary thread on the housekeeping CPUs.
/// </summary>
internal sealed class BusMirror : IDisposable
{
    /// <summary>Recent evt. messages kept per camera, for a viewer that just connected.</summary>
    public const int EventsKept = 200;

    private static readonly byte[] BoxTopic = Encoding.UTF8.GetBytes(MessageNames.BoxStatusTopic);

    private readonly IReadOnlyList<CameraView> _cameras;
    private readonly Topics[] _topics;
    private readonly BusTap _bus;
    private readonly long _stallWindowNs;
    private readonly ILogger _log;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();
    private byte[]? _boxStatus; // replaced whole, read with Volatile

    /// <param name="statusIntervalMs">publish.status_interval_ms: a camera whose status stops coming for 3 of them (at least 2 s) is stalled.</param>
    public BusMirror(IReadOnlyList<CameraView> cameras, BusTap bus, int statusIntervalMs, ILogger log)
    {
        _cameras = cameras;
        _topics = cameras.Select(c => new Topics(c.Config.Id)).ToArray();
        _bus = bus;
        _stallWindowNs = Math.Max(2000L, 3L * statusIntervalMs) * 1_000_000L;
        _log = log;
        _thread = new Thread(Read) { Name = "sc-http", IsBackground = true };
    }

    public void Start() => _thread.Start();

    /// <summary>Bus messages the HTTP side did not read in time (dropped from its copy of the bus).</summary>
    public long CopiesDropped => _bus.Dropped;

    /// <summary>Bus messages too large to copy for the HTTP side (over <see cref="TappedMessage.Capacity"/>), so never seen here.</summary>
    public long CopiesTooLarge => _bus.TooLarge;

    /// <summary>The latest status.box message, or null before the first.</summary>
    public byte[]? BoxStatus => Volatile.Read(ref _boxStatus);

    /// <summary>Every camera's latest status. message (null before the first), in the config's order.</summary>
    public IReadOnlyList<(string Id, byte[]? Status)> Statuses()
    {
        var statuses = new (string, byte[]?)[_cameras.Count];
        for (var i = 0; i < statuses.Length; i++)
        {
            var c = _cameras[i];
            lock (c.Gate) statuses[i] = (c.Config.Id, c.Status);
        }
        return statuses;
    }

    /// <summary>
    /// Healthy while every camera's latest status says running and its processed count moved within the stall
    /// window; else why not, per camera.
    /// </summary>
    public (bool Healthy, IReadOnlyList<(string Id, string State)> Cameras) Health()
    {
        var now = MonotonicClock.NowNs();
        var states = new List<(string, string)>();
        var healthy = true;
        foreach (var c in _cameras)
        {
            string state;
            lock (c.Gate)
            {
                state = c.Status is null ? "starting" : c.State;
                if (state == "running" && now - c.ProgressNs > _stallWindowNs) state = "stalled";
                if (c.Status is not null && now - c.StatusNs > _stallWindowNs) state = "stalled"; // the publish thread itself stopped
            }
            healthy &= state == "running";
            states.Add((c.Config.Id, state));
        }
        return (healthy, states);
    }

    private void Read()
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
            Volatile.Write(ref _boxStatus, body.ToArray());
            return;
        }
        for (var i = 0; i < _cameras.Count; i++)
        {
            var camera = _cameras[i];
            var topics = _topics[i];
            if (topic.SequenceEqual(topics.Det))
            {
                var seq = TopLevelJson.Long(body, MessageNames.Seq);
                lock (camera.Gate) camera.Detections.Keep(seq, body);
                return;
            }
            if (topic.SequenceEqual(topics.Evt))
            {
                var json = body.ToArray();
                var forPages = ForPages("evt", json);
                lock (camera.Gate)
                {
                    camera.Events.Add(json);
                    if (camera.Events.Count > EventsKept) camera.Events.RemoveAt(0);
                    camera.SendToPages(forPages);
                }
                return;
            }
            if (topic.SequenceEqual(topics.Status))
            {
                var json = body.ToArray();
                var state = TopLevelJson.String(json, MessageNames.State) ?? "";
                var processed = TopLevelJson.Long(json, MessageNames.Processed);
                var now = MonotonicClock.NowNs();
                var forPages = ForPages("status", json);
                lock (camera.Gate)
                {
                    if (processed != camera.Processed || camera.Status is null) camera.ProgressNs = now;
                    camera.Processed = processed;
                    camera.Status = json;
                    camera.State = state;
                    camera.StatusNs = now;
                    camera.SendToPages(forPages);
                }
                return;
            }
        }
    }

    /// <summary>{"kind":"…","msg":…}: a bus message for the page, its JSON untouched (docs/http.md).</summary>
    private static byte[] ForPages(string kind, byte[] json)
    {
        var buffer = new ArrayBufferWriter<byte>(json.Length + 32);
        using (var j = new Utf8JsonWriter(buffer))
        {
            j.WriteStartObject();
            j.WriteString("kind", kind);
            j.WritePropertyName("msg");
            j.WriteRawValue(json, skipInputValidation: true);
            j.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A camera's topics as the bus carries them (bytes, compared with each message's).</summary>
    private sealed class Topics(string camera)
    {
        public readonly byte[] Det = Encoding.UTF8.GetBytes(MessageNames.DetTopic(camera));
        public readonly byte[] Evt = Encoding.UTF8.GetBytes(MessageNames.EvtTopic(camera));
        public readonly byte[] Status = Encoding.UTF8.GetBytes(MessageNames.StatusTopic(camera));
    }

    public void Dispose()
    {
        _stop.Cancel();
        if (_thread.IsAlive) _thread.Join();
        _stop.Dispose();
    }
}
