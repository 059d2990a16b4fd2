using System.Diagnostics;
using System.Text.Json;
using NetMQ;
using NetMQ.Sockets;
using SmartCam.Capture;
using SmartCam.Logging;

namespace SmartCam.Tests.Integration;

/// <summary>
/// Issue 27: a damaged file makes FFmpeg (inside OpenCV) log on nearly every frame from the capture thread. With the
/// service's stderr a pipe nobody reads (64 KiB, then write(2) blocks), the old service stopped publishing after 498
/// of 793 frames and never recovered. Every log line now goes through the ring and its drain thread, so only that
/// thread may block: every frame the decoder can read is published, and the service ends by itself.
/// </summary>
public sealed class StuckStderrTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void With_stderr_a_pipe_nobody_reads_a_damaged_file_is_published_to_the_last_readable_frame()
    {
        var damaged = _dir.File("damaged.avi");
        File.WriteAllBytes(damaged, Damaged(File.ReadAllBytes(Repo.Video)));
        var readable = ReadableFrames(damaged);
        Assert.InRange(readable, 100, 795); // the damage leaves most frames decodable, and FFmpeg complains about many

        var port = ChildProcess.FreePort();
        var config = ServiceConfig.Write(_dir, "file://" + damaged, port, sendHighWatermark: 4 * 795);
        using var bus = new Subscriber(port);
        var info = new ProcessStartInfo(ChildProcess.SmartCamBinary) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "run", "--config", config }) info.ArgumentList.Add(a);
        // stderr is redirected and never read: once its 64 KiB pipe buffer is full, every write(2) to fd 2 blocks.
        using var service = Process.Start(info)!;
        try
        {
            // A bounded wait on the exit itself (generous: a loaded machine only makes it longer).
            Assert.True(service.WaitForExit(TimeSpan.FromMinutes(5)),
                $"the service did not end by itself within 5 min; {bus.Det} of the {readable} readable frames were published");
            Assert.Equal(0, service.ExitCode);
            Eventually.Until(() => bus.Final is not null, TimeSpan.FromSeconds(60), "the run's final status (state ended)");
            var final = bus.Final!.Value;
            Assert.Equal(readable, final.GetProperty("processed").GetInt64());
            Assert.Equal(readable, bus.Det);
            Assert.True(final.GetProperty("log_dropped").GetInt64() > 0, "FFmpeg's lines over its rate, at least, are counted as dropped");
        }
        finally
        {
            if (!service.HasExited) service.Kill(entireProcessTree: true);
            service.WaitForExit(10_000);
        }
    }

    /// <summary>40 bytes overwritten every 20 KiB of the frame data (after the headers, before the index), deterministically.</summary>
    private static byte[] Damaged(byte[] bytes)
    {
        var index = bytes.AsSpan().LastIndexOf("idx1"u8);
        var random = new Random(27);
        for (var at = 8192; at + 40 < index; at += 20 * 1024) random.NextBytes(bytes.AsSpan(at, 40));
        return bytes;
    }

    /// <summary>Frames the same decoder yields from the file, read as the capture loop reads a file (up to its end, or 50 unreadable in a row).</summary>
    private static int ReadableFrames(string path)
    {
        // FFmpeg's complaints about the damage into a ring nobody reads, not onto the test run's output.
        NativeLogs.Route(new LogRing(2), new RateLimit(NativeLogs.FfmpegCategory, 1));
        using var source = FrameSources.Create(new Configuration.CameraConfig { Kind = Configuration.SourceKind.File, Location = path });
        using var frame = new OpenCvSharp.Mat();
        source.Open();
        int frames = 0, unreadableInRow = 0;
        while (true)
        {
            var result = source.Read(frame);
            if (result == ReadResult.Frame) (frames, unreadableInRow) = (frames + 1, 0);
            else if (result != ReadResult.Corrupt || ++unreadableInRow >= new Configuration.CameraConfig().MaxConsecutiveErrors) return frames;
        }
    }

    /// <summary>The test's own subscriber: counts det.cam0 and keeps the status.cam0 that ends the run.</summary>
    private sealed class Subscriber : IDisposable
    {
        private readonly Thread _thread;
        private readonly Lock _gate = new();
        private volatile bool _stop;
        private long _det;
        private JsonElement? _final;

        public Subscriber(int port)
        {
            using var connected = new ManualResetEventSlim();
            _thread = new Thread(() =>
            {
                using var socket = new SubscriberSocket();
                socket.Options.ReceiveHighWatermark = 100_000;
                socket.Subscribe("det.cam0");
                socket.Subscribe("status.cam0");
                socket.Connect($"tcp://127.0.0.1:{port}");
                connected.Set();
                var frames = new List<string>();
                while (!_stop)
                {
                    frames.Clear();
                    if (!socket.TryReceiveMultipartStrings(TimeSpan.FromMilliseconds(100), ref frames!) || frames.Count != 2) continue;
                    if (frames[0] == "det.cam0") Interlocked.Increment(ref _det);
                    else if (JsonDocument.Parse(frames[1]).RootElement is var status && status.GetProperty("state").GetString() == "ended")
                        lock (_gate) _final = status;
                }
            }) { IsBackground = true, Name = "stuck-stderr-bus" };
            _thread.Start();
            Assert.True(connected.Wait(TimeSpan.FromSeconds(30)), "the subscriber did not start");
        }

        public long Det => Interlocked.Read(ref _det);

        public JsonElement? Final
        {
            get { lock (_gate) return _final; }
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }
    }
}
