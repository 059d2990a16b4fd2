using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Hosting;
using SmartCam.Inference;
using SmartCam.Messaging;
using Xunit.Abstractions;

namespace SmartCam.Tests.Integration;

/// <summary>
/// Slow and dead subscribers cost the camera nothing: real pipeline, real model and footage, real python3-zmq
/// subscribers (tests/python/bus_probe.py) that never read, or come and go by the hundred.
/// Free ports, picked per test.
/// </summary>
public sealed class BusSubscriberTests(ITestOutputHelper output) : IDisposable
{
    private readonly int StuckPort = ChildProcess.FreePort(), ChurnPort = ChildProcess.FreePort();
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void WaitForFile(string path, ChildProcess writer)
    {
        Assert.True(writer.WaitFor(_ => File.Exists(path), TimeSpan.FromSeconds(30)), $"{path} not written within 30 s\n{writer.Stderr}");
    }

    [Fact]
    public void A_subscriber_that_never_reads_loses_messages_at_the_hwm_while_a_reader_gets_every_one_and_the_loops_allocate_nothing()
    {
        // The high-water mark is per subscriber: the reader needs room to fall behind on a loaded machine (python
        // validating every message), so it is 500, and the warm-up runs until the stuck subscriber's queue is full
        // and allocates no more chunks (NetMQ grows a pipe's queue in 256-frame chunks on the publish thread),
        // so the measured window shows the steady state: every message dropped for it, nothing allocated.
        const int hwm = 500, warmup = 3 * hwm, measured = 240;
        // The stuck subscriber's share otherwise as small as it goes: a 4 KiB kernel send buffer here, and RCVHWM 1
        // with a 4 KiB receive buffer on its side.
        var path = ServiceConfig.Write(_dir, "file://" + Repo.Video, StuckPort, camera: "loop: true\n  pace: max", waitForSubscribers: 2, sendHighWatermark: hwm);
        File.WriteAllText(path, File.ReadAllText(path).Replace("status_interval_ms: 200", "status_interval_ms: 200\n  send_buffer_bytes: 4096"));
        var config = ConfigLoader.Load(path);
        Assert.Equal((hwm, 4096), (config.Publish.SendHighWatermark, config.Publish.SendBufferBytes));
        var endpoint = $"tcp://127.0.0.1:{StuckPort}";

        var stuckReady = _dir.File("stuck.ready");
        using var stuck = ChildProcess.PythonWithInput(Repo.Path("tests", "python", "bus_probe.py"), "stuck", endpoint, stuckReady);
        var received = _dir.File("det.jsonl");
        var readerReady = _dir.File("reader.ready");
        using var reader = ChildProcess.Python(Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", endpoint,
            "--topic", "det.cam0", "--count", (warmup + measured).ToString(), "--timeout", "900",
            "--schema", Repo.Path("docs", "schema", "det.v1.schema.json"), "--out", received, "--ready-file", readerReady);
        using var detector = OnnxDetector.Load(config.Model);
        using var publisher = new DetectionPublisher(config.Publish.Endpoint, config.Publish.SendHighWatermark, 1000,
            sendBufferBytes: config.Publish.SendBufferBytes);
        // The stuck subscriber connects first: its handshake needs the bound socket. Both are counted by
        // wait_for_subscribers before the loops start: a subscriber connecting later costs the publish thread
        // its new pipe (NetMQ attaches pipes on the socket's own thread; about 10 KB, once per connection).
        WaitForFile(stuckReady, stuck);
        WaitForFile(readerReady, reader);
        using var pipeline = new DetectionPipeline(config, detector, publisher, FrameSources.Create(config.Camera), NullLogger.Instance,
            new PipelineOptions(warmup, warmup + measured));
        var exit = -1;
        var thread = new Thread(() => exit = pipeline.Run(CancellationToken.None)) { Name = "sc-infer" };
        thread.Start();

        Assert.True(pipeline.Publishing.WarmedUp.Wait(TimeSpan.FromSeconds(600)), "no warm-up within 600 s");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = pipeline.AllocatedBytes;
        var droppedAtWarmup = publisher.DroppedAtHwm;
        Assert.True(thread.Join(TimeSpan.FromSeconds(300)), "the pipeline did not finish: something blocked");
        var after = pipeline.AllocatedBytes;

        Assert.Equal(0, exit);
        Assert.Equal(warmup + measured, pipeline.Stats.Processed);
        // The reader got every detection message, whole and valid, in order: the stuck one cost it nothing.
        Assert.True(reader.WaitForExit(TimeSpan.FromSeconds(60)) == 0, reader.Stdout + reader.Stderr);
        var seqs = Messages.ReadJsonLines(received, wrapped: true).Select(m => m.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order().ToList(), seqs);
        // The stuck subscriber holds at most its high-water mark plus a few dozen messages of ≥ 800 bytes (its
        // 1-message queue and some 8 KiB buffers); every other message sent while it was connected was dropped
        // for it, and counted.
        var sent = publisher.Sent;
        output.WriteLine($"sent {sent} messages; dropped at the HWM for the stuck subscriber: {droppedAtWarmup} by the end of the warm-up, {publisher.DroppedAtHwm} at the end");
        Assert.True(publisher.DroppedAtHwm > droppedAtWarmup, $"the drop count did not grow in the measured window: {droppedAtWarmup} → {publisher.DroppedAtHwm}");
        Assert.True(publisher.DroppedAtHwm >= sent - hwm - 200, $"{publisher.DroppedAtHwm} drops of {sent} messages sent");
        // Nothing allocated on the loop threads in the measured window, stuck subscriber or not.
        Assert.Equal((0L, 0L, 0L), (after.Capture - before.Capture, after.Infer - before.Infer, after.Publish - before.Publish));
        // Sending stayed a matter of microseconds (a blocked send would take a frame period or forever).
        var publish = pipeline.Stats.Publish;
        output.WriteLine($"publish stage over the measured window: p50 {publish.Percentile(0.5)} µs, p99 {publish.Percentile(0.99)} µs, max {publish.Max} µs");
        Assert.True(publish.Percentile(0.5) < 5_000, $"publish stage p50 {publish.Percentile(0.5)} µs");

        // The final status message carried the count (its JSON is checked against the schema in the churn test).
        output.WriteLine($"final status: bus.hwm_dropped = {pipeline.Stats.BusDropped}");
        Assert.InRange(pipeline.Stats.BusDropped, droppedAtWarmup + 1, publisher.DroppedAtHwm);
    }

    [Fact]
    public void Two_hundred_subscribers_coming_and_going_leave_open_files_and_memory_flat()
    {
        const int warmupCycles = 21, cycles = 201, fdMargin = 4; // multiples of bus_probe's three kinds
        const long rssMarginKb = 16 * 1024;
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, ChurnPort, camera: "loop: true\n  pace: realtime", waitForSubscribers: 0);
        var endpoint = $"tcp://127.0.0.1:{ChurnPort}";
        using var service = ChildProcess.SmartCam("run", "--config", config);

        // Publishing: one message seen.
        using (var first = ChildProcess.Python(Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", endpoint,
            "--topic", "status.cam0", "--count", "1", "--timeout", "120",
            "--schema", Repo.Path("docs", "schema", "status.v1.schema.json"), "--out", _dir.File("first.jsonl")))
            Assert.True(first.WaitForExit(TimeSpan.FromSeconds(150)) == 0, first.Stdout + service.Stderr);
        var startFds = OpenFiles(service.Id);

        Churn(endpoint, warmupCycles, service);
        var (warmFds, warmRss) = Settle(service.Id, startFds + fdMargin, "after the warm-up");
        Churn(endpoint, cycles - warmupCycles, service);
        var (endFds, endRss) = Settle(service.Id, warmFds + fdMargin, $"after {cycles} cycles");

        output.WriteLine($"open files: {startFds} at start, {warmFds} after {warmupCycles} cycles, {endFds} after {cycles}; " +
            $"RSS {warmRss / 1024.0:0.0} MB after {warmupCycles} cycles, {endRss / 1024.0:0.0} MB after {cycles}");
        Assert.True(endRss <= warmRss + rssMarginKb, $"RSS grew from {warmRss} kB to {endRss} kB over {cycles - warmupCycles} cycles");
        Assert.False(service.HasExited, service.Stderr);
    }

    private static void Churn(string endpoint, int cycles, ChildProcess service)
    {
        using var churn = ChildProcess.Python(Repo.Path("tests", "python", "bus_probe.py"), "churn", endpoint, cycles.ToString());
        Assert.True(churn.WaitForExit(TimeSpan.FromSeconds(300)) == 0, churn.Stderr + service.Stderr);
        Assert.Contains($"cycles {cycles}", churn.Stdout);
    }

    /// <summary>Waits until the service has closed the connections that went away: at most <paramref name="fdLimit"/> open files.</summary>
    private static (int Fds, long RssKb) Settle(int pid, int fdLimit, string when)
    {
        var fds = 0;
        var settled = Eventually.Within(() => (fds = OpenFiles(pid)) <= fdLimit, TimeSpan.FromSeconds(30));
        Assert.True(settled, $"{when}: {fds} open files, more than {fdLimit}, 30 s after the subscribers left");
        return (fds, RssKb(pid));
    }

    private static int OpenFiles(int pid) => Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length;

    private static long RssKb(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
