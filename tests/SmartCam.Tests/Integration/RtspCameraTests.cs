using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetMQ;
using NetMQ.Sockets;
using Xunit.Abstractions;

namespace SmartCam.Tests.Integration;

/// <summary>
/// A real RTSP camera (tests/python/rtsp_camera.py: GStreamer's RTSP server, H.264 at 10 fps from
/// vtest.avi) that can be killed, stalled or made to send damaged H.264, read by the service as a
/// child process through its ffmpeg child, with every message on the bus recorded by a NetMQ subscriber.
/// Ports: free ones picked per test, so two runs of the suite on one machine do not collide.
/// </summary>
public sealed partial class RtspCameraTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();
    private readonly List<RtspCamera> _cameras = [];

    public void Dispose()
    {
        // Whatever an assertion left running: SIGKILLed and reaped.
        foreach (var camera in _cameras) camera.Dispose();
        _dir.Dispose();
    }

    private RtspCamera StartCamera(int port, params string[] args)
    {
        var camera = RtspCamera.Start(port, args);
        _cameras.Add(camera);
        return camera;
    }

    private string Config(int rtspPort, int busPort, string camera, string extra = "") =>
        ServiceConfig.Write(_dir, $"rtsp://127.0.0.1:{rtspPort}/cam", busPort, camera: camera, extra: extra, waitForSubscribers: 0);

    [Fact]
    public void Killed_camera_server_is_reported_at_once_outputs_go_safe_backoff_as_configured_and_detections_resume_when_it_returns()
    {
        int rtspPort = ChildProcess.FreePort(), busPort = ChildProcess.FreePort();
        const int maxMs = 1000;
        var config = Config(rtspPort, busPort, $"reconnect: {{ initial_ms: 200, max_ms: {maxMs} }}", """
            outputs:
              lamp: { driver: log }
            rules:
              - name: someone-in-view
                when: { labels: [person] }
                then: { output: lamp }
            """);
        var camera = StartCamera(rtspPort);
        using var bus = new BusRecorder(busPort);
        using var service = ChildProcess.SmartCam("run", "--config", config);

        // Running, with the lamp on: vtest.avi always has people in view.
        Assert.True(bus.WaitFor(m => m.Topic == "status.cam0" && m.Body.TryGetProperty("outputs", out var o) && o.GetProperty("lamp").GetString() == "high"
            && m.Body.GetProperty("processed").GetInt64() >= 20, Deadline) is not null, "no detections with the lamp on\n" + service.Stderr);

        var killedNs = camera.Kill();

        var reconnecting = bus.WaitFor(m => m.Topic == "status.cam0" && m.RecvNs > killedNs && m.Body.GetProperty("state").GetString() == "reconnecting", Deadline);
        Assert.True(reconnecting is not null, "no reconnecting status after the camera was killed\n" + service.Stderr);
        var reportedMs = (reconnecting.RecvNs - killedNs) / 1e6;
        Assert.True(reconnecting.Body.GetProperty("reconnects").GetInt64() >= 1, reconnecting.Json);
        // The requirement is 2 s; the pipe's end-of-file makes it about 0.2 s. The margin is for a loaded machine.
        Assert.True(reportedMs < 2000 + 3000, $"reconnecting reported {reportedMs:0} ms after the kill");

        // No frames, no heartbeat: the actuation watchdog drives the lamp to its safe level and says so.
        var safe = bus.WaitFor(m => m.Topic == "evt.cam0" && m.RecvNs > killedNs && m.Body.GetProperty("type").GetString() == "safe"
            && m.Body.GetProperty("output").GetString() == "lamp", Deadline);
        Assert.True(safe is not null, "no safe event for the lamp\n" + service.Stderr);
        Assert.Equal(("watchdog", "low"), (safe.Body.GetProperty("reason").GetString(), safe.Body.GetProperty("level").GetString()));
        Assert.True(bus.WaitFor(m => m.Topic == "status.cam0" && m.RecvNs > safe.RecvNs && m.Body.GetProperty("outputs").GetProperty("lamp").GetString() == "low", Deadline) is not null);

        // Backoff: 200, 400, 800 ms, then capped at max_ms.
        Assert.True(service.WaitFor(p => p.Stderr.Split($"retrying in {maxMs} ms").Length >= 3, Deadline), service.Stderr);
        foreach (var ms in new[] { 200, 400, 800, maxMs }) Assert.Contains($"retrying in {ms} ms", service.Stderr);
        Assert.DoesNotContain($"retrying in {2 * maxMs} ms", service.Stderr);
        Assert.DoesNotContain("retrying in 1600 ms", service.Stderr);

        camera = StartCamera(rtspPort);
        var backNs = camera.ReadyNs;
        var resumed = bus.WaitFor(m => m.Topic == "det.cam0" && m.RecvNs > backNs, Deadline);
        Assert.True(resumed is not null, "no detections after the camera came back\n" + service.Stderr);
        var resumedMs = (resumed.RecvNs - backNs) / 1e6;
        // The requirement is max_ms + 3 s (the next attempt comes within max_ms, opening takes under a second);
        // the margin is for a loaded machine.
        Assert.True(resumedMs < maxMs + 3000 + 10_000, $"detections resumed {resumedMs:0} ms after the camera came back");
        Assert.True(bus.WaitFor(m => m.Topic == "status.cam0" && m.RecvNs > resumed.RecvNs && m.Body.GetProperty("state").GetString() == "running", Deadline) is not null);

        output.WriteLine($"reconnecting reported {reportedMs:0} ms after the kill; lamp safe {(safe.RecvNs - killedNs) / 1e6:0} ms after; detections back {resumedMs:0} ms after the camera listened again");
        Assert.False(service.HasExited, service.Stderr);
        service.Signal(ChildProcess.SIGTERM);
        Assert.Equal(0, service.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.DoesNotContain("   at ", service.Stderr);
        camera.Kill();
    }

    [Fact]
    public void Stalled_stream_with_its_connection_open_is_detected_by_the_stall_timer_and_reconnected()
    {
        int rtspPort = ChildProcess.FreePort(), busPort = ChildProcess.FreePort();
        const int stallMs = 1000;
        var config = Config(rtspPort, busPort, $"stall_ms: {stallMs}\n  reconnect: {{ initial_ms: 200, max_ms: 1000 }}");
        var camera = StartCamera(rtspPort);
        using var bus = new BusRecorder(busPort);
        using var service = ChildProcess.SmartCam("run", "--config", config);
        Assert.True(bus.WaitFor(m => m.Topic == "det.cam0" && m.Body.GetProperty("seq").GetInt64() >= 20, Deadline) is not null, service.Stderr);

        var stalledNs = camera.SetMode("stall");
        var detected = bus.WaitFor(m => m.Topic == "status.cam0" && m.RecvNs > stalledNs && m.Body.GetProperty("stalls").GetInt64() == 1, Deadline);
        Assert.True(detected is not null, "no stall reported\n" + service.Stderr);
        Assert.Equal("reconnecting", detected.Body.GetProperty("state").GetString());
        Assert.Equal(1, detected.Body.GetProperty("reconnects").GetInt64());
        // The log line comes through the logger's queue and this process's stderr reader: it may trail the bus message.
        Assert.True(service.WaitFor(p => p.Stderr.Contains("stalled"), Deadline), service.Stderr);
        // The camera's connection stayed open: only the timer can have noticed, and not before stall_ms without a frame.
        var detectedMs = (detected.RecvNs - stalledNs) / 1e6;
        // ts_capture_ns is CLOCK_MONOTONIC when the frame was read, the clock of Stopwatch here.
        var lastFrame = bus.Last(m => m.Topic == "det.cam0" && m.RecvNs < detected.RecvNs)!;
        var sinceLastFrameMs = (detected.RecvNs - lastFrame.Body.GetProperty("ts_capture_ns").GetInt64()) / 1e6;
        Assert.True(sinceLastFrameMs >= stallMs - 1, $"stall reported {sinceLastFrameMs:0} ms after the last frame was read, before stall_ms");
        Assert.True(detectedMs < stallMs + 5000, $"stall reported {detectedMs:0} ms after the camera stopped sending");

        var normalNs = camera.SetMode("normal");
        var resumed = bus.WaitFor(m => m.Topic == "det.cam0" && m.RecvNs > normalNs, Deadline);
        Assert.True(resumed is not null, "no detections after the stream resumed\n" + service.Stderr);
        output.WriteLine($"stall reported {detectedMs:0} ms after the camera stopped sending ({sinceLastFrameMs:0} ms after the last frame); detections back {(resumed.RecvNs - normalNs) / 1e6:0} ms after it resumed");
        Assert.False(service.HasExited, service.Stderr);
    }

    [Fact]
    public void Damaged_h264_is_counted_as_corrupt_without_a_crash_and_detection_goes_on()
    {
        int rtspPort = ChildProcess.FreePort(), busPort = ChildProcess.FreePort();
        var config = Config(rtspPort, busPort, "reconnect: { initial_ms: 200, max_ms: 1000 }");
        var camera = StartCamera(rtspPort, "--damage", "1e-4");
        using var bus = new BusRecorder(busPort);
        using var service = ChildProcess.SmartCam("run", "--config", config);
        Assert.True(bus.WaitFor(m => m.Topic == "det.cam0" && m.Body.GetProperty("seq").GetInt64() >= 10, Deadline) is not null, service.Stderr);
        Assert.Equal(0, bus.Last(m => m.Topic == "status.cam0")!.Body.GetProperty("corrupt").GetInt64());

        var corruptNs = camera.SetMode("corrupt");
        var counted = bus.WaitFor(m => m.Topic == "status.cam0" && m.RecvNs > corruptNs && m.Body.GetProperty("corrupt").GetInt64() >= 3, Deadline);
        Assert.True(counted is not null, "no corrupt frames counted\n" + service.Stderr);
        // Detection went on through the damage: frames published while the stream was being damaged.
        Assert.True(bus.WaitFor(_ => bus.Count(m => m.Topic == "det.cam0" && m.RecvNs > corruptNs) >= 30, Deadline) is not null, service.Stderr);

        var normalNs = camera.SetMode("normal");
        Assert.True(bus.WaitFor(_ => bus.Count(m => m.Topic == "det.cam0" && m.RecvNs > normalNs && m.Body.GetProperty("detections").GetArrayLength() > 0) >= 10, Deadline) is not null,
            "no detections after the damage stopped\n" + service.Stderr);
        output.WriteLine($"corrupt frames counted: {bus.Last(m => m.Topic == "status.cam0")!.Body.GetProperty("corrupt").GetInt64()}, reconnects: {bus.Last(m => m.Topic == "status.cam0")!.Body.GetProperty("reconnects").GetInt64()}");
        Assert.False(service.HasExited, service.Stderr);
        service.Signal(ChildProcess.SIGTERM);
        Assert.Equal(0, service.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.DoesNotContain("   at ", service.Stderr);
    }

    [Fact]
    public void Live_camera_opens_fast_accounts_for_every_frame_and_reports_waiting_apart_from_decoding()
    {
        int rtspPort = ChildProcess.FreePort(), busPort = ChildProcess.FreePort();
        const int warmup = 30, frames = 180;
        var config = Config(rtspPort, busPort, "reconnect: { initial_ms: 200, max_ms: 1000 }");
        var camera = StartCamera(rtspPort);
        using var bus = new BusRecorder(busPort);
        using var service = ChildProcess.SmartCam("run", "--config", config);
        // The model's first runs are slow (start-up), so those frames can be dropped for real: count from after them.
        var warm = bus.WaitFor(m => m.Topic == "status.cam0" && m.Body.GetProperty("frames").GetInt64() >= warmup, TimeSpan.FromSeconds(120));
        Assert.True(warm is not null, service.Stderr);
        Assert.True(bus.WaitFor(m => m.Topic == "status.cam0" && m.Body.GetProperty("frames").GetInt64() >= frames, TimeSpan.FromSeconds(120)) is not null, service.Stderr);
        service.Signal(ChildProcess.SIGTERM);
        Assert.Equal(0, service.WaitForExit(TimeSpan.FromSeconds(20)));

        // First frame: about 0.5-0.8 s after opening here (3.3 s with ffmpeg's default probing); the bound is generous.
        var firstFrameMs = double.Parse(FirstFrame().Match(service.Stderr).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(firstFrameMs < 10_000, $"first frame {firstFrameMs} ms after opening");

        // A 10 fps camera and a detector of about 10 ms: a frame is dropped only when the detector was busy for
        // half a frame period; every captured frame is processed, dropped or counted in a burst.
        var last = bus.WaitFor(m => m.Topic == "status.cam0" && m.Body.GetProperty("state").GetString() == "ended", TimeSpan.FromSeconds(10))!;
        Assert.NotNull(last);
        var (captured, processed, dropped, burst) = (last.Body.GetProperty("frames").GetInt64(), last.Body.GetProperty("processed").GetInt64(),
            last.Body.GetProperty("dropped").GetInt64(), last.Body.GetProperty("burst").GetInt64());
        var steadyFrames = captured - warm.Body.GetProperty("frames").GetInt64();
        var steadyDropped = dropped - warm.Body.GetProperty("dropped").GetInt64();
        output.WriteLine($"first frame {firstFrameMs} ms after opening; {captured} frames, {processed} processed, {dropped} dropped, {burst} in bursts; after the first {warmup}: {steadyDropped} of {steadyFrames} dropped");
        // How many are dropped depends on how much CPU the detector gets, which is a benchmark's question
        // (docs/benchmarks.md), not this test's: on an idle machine none or one, beside stress-ng and two other
        // suites 22 of 150. Whatever the load, every frame is accounted for.
        Assert.InRange(captured - (processed + dropped + burst), 0, 1); // at most the frame waiting at the stop

        // Waiting for the camera (about a frame period) is its own stage; capture is reading and decoding.
        var wait = last.Body.GetProperty("latency_us").GetProperty("wait").GetProperty("p50").GetInt64();
        var capture = last.Body.GetProperty("latency_us").GetProperty("capture").GetProperty("p50").GetInt64();
        Assert.True(wait > capture, $"wait p50 {wait} µs, capture p50 {capture} µs");
        Assert.InRange(wait, 20_000, 200_000);
        var dets = bus.All(m => m.Topic == "det.cam0");
        Assert.All(dets, d => Assert.True(d.Body.GetProperty("stages_us").TryGetProperty("wait", out _), d.Json));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"first frame (\d+) ms after opening")]
    private static partial System.Text.RegularExpressions.Regex FirstFrame();
}

/// <summary>tests/python/rtsp_camera.py as a child process; its mode is changed by a line on its standard input.</summary>
public sealed class RtspCamera : IDisposable
{
    private readonly ChildProcess _process;

    private RtspCamera(ChildProcess process) => _process = process;

    /// <summary>When the camera said it listens (CLOCK_MONOTONIC ns, like the bus's receive times).</summary>
    public long ReadyNs { get; private set; }

    public static RtspCamera Start(int port, string[] args)
    {
        var camera = new RtspCamera(ChildProcess.PythonWithInput([Repo.Path("tests", "python", "rtsp_camera.py"), "--port", port.ToString(CultureInfo.InvariantCulture),
            "--video", Repo.Video, .. args]));
        if (!camera._process.WaitFor(p => p.Stdout.Contains($"ready {port}"), TimeSpan.FromSeconds(60)))
        {
            camera.Dispose();
            Assert.Fail($"the RTSP camera did not start on port {port}:\n{camera._process.Stdout}{camera._process.Stderr}");
        }
        camera.ReadyNs = Stopwatch.GetTimestamp();
        return camera;
    }

    /// <summary>Switches the fault mode (normal, stall, corrupt); returns when the camera acknowledged it.</summary>
    public long SetMode(string mode)
    {
        var acks = _process.Stdout.Split($"mode {mode}").Length;
        _process.Stdin.Write(Encoding.ASCII.GetBytes(mode + "\n"));
        _process.Stdin.Flush();
        Assert.True(_process.WaitFor(p => p.Stdout.Split($"mode {mode}").Length > acks, TimeSpan.FromSeconds(30)), _process.Stdout + _process.Stderr);
        return Stopwatch.GetTimestamp();
    }

    /// <summary>SIGKILL (a GLib main loop may ignore SIGTERM) and reap; returns when it was dead.</summary>
    public long Kill()
    {
        _process.Kill();
        return Stopwatch.GetTimestamp();
    }

    public void Dispose() => _process.Dispose();
}

/// <summary>Every message on the bus (status., det., evt.) with its receive time, recorded by a NetMQ subscriber on its own thread.</summary>
public sealed class BusRecorder : IDisposable
{
    public sealed record Message(string Topic, long RecvNs, string Json)
    {
        public JsonElement Body { get; } = JsonDocument.Parse(Json).RootElement;
    }

    private readonly List<Message> _messages = [];
    private readonly Thread _thread;
    private volatile bool _stop;

    public BusRecorder(int port)
    {
        var ready = new ManualResetEventSlim();
        _thread = new Thread(() =>
        {
            using var socket = new SubscriberSocket();
            socket.Options.ReceiveHighWatermark = 100_000;
            foreach (var topic in new[] { "status.", "det.", "evt." }) socket.Subscribe(topic);
            socket.Connect($"tcp://127.0.0.1:{port}");
            ready.Set();
            var frames = new List<string>();
            while (!_stop)
            {
                frames.Clear();
                if (!socket.TryReceiveMultipartStrings(TimeSpan.FromMilliseconds(100), ref frames!)) continue;
                var recvNs = Stopwatch.GetTimestamp();
                if (frames.Count == 2) lock (_messages) _messages.Add(new Message(frames[0], recvNs, frames[1]));
            }
        }) { IsBackground = true, Name = "bus-recorder" };
        _thread.Start();
        ready.Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>The first message that matches (a later one once it arrives), or null after <paramref name="timeout"/>.</summary>
    public Message? WaitFor(Func<Message, bool> match, TimeSpan timeout)
    {
        var seen = 0;
        Message? found = null;
        Eventually.Within(() =>
        {
            List<Message> fresh;
            lock (_messages) fresh = _messages.GetRange(seen, _messages.Count - seen);
            seen += fresh.Count;
            return (found = fresh.FirstOrDefault(match)) is not null;
        }, timeout);
        return found;
    }

    public Message? Last(Func<Message, bool> match)
    {
        lock (_messages) return _messages.LastOrDefault(match);
    }

    public List<Message> All(Func<Message, bool> match)
    {
        lock (_messages) return _messages.Where(match).ToList();
    }

    public int Count(Func<Message, bool> match)
    {
        lock (_messages) return _messages.Count(match);
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
