using System.Text.Json;

namespace SmartCam.Tests.Integration;

/// <summary>Still images, network streams through an ffmpeg child, a missing camera, and shutdown on signals.</summary>
public sealed class SourceTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private ChildProcess Collect(int port, string topic, int count, string schema, string output, int timeoutSeconds = 60, double idle = 0)
    {
        var ready = _dir.File(Path.GetFileName(output) + ".ready");
        var collector = ChildProcess.Python(Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{port}",
            "--topic", topic, "--count", count.ToString(), "--timeout", timeoutSeconds.ToString(), "--schema", Repo.Path("docs", "schema", schema),
            "--out", output, "--ready-file", ready, "--idle", idle.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Eventually.Until(() => File.Exists(ready), TimeSpan.FromSeconds(60), $"the subscriber for {topic} connecting (its ready file)");
        return collector;
    }

    [Fact]
    public void Still_image_gives_one_frame_matching_the_reference()
    {
        var port = ChildProcess.FreePort();
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Messi, port);
        var output = _dir.File("det.jsonl");
        using var collector = Collect(port, "det.cam0", 1, "det.v1.schema.json", output);
        using var service = ChildProcess.SmartCam("run", "--config", config);
        Assert.True(service.WaitForExit(TimeSpan.FromSeconds(60)) == 0, service.Stderr);
        Assert.True(collector.WaitForExit(TimeSpan.FromSeconds(30)) == 0, collector.Stdout);

        var referenceFile = _dir.File("reference.jsonl");
        using var reference = ChildProcess.Python(Repo.Path("tests", "reference", "yolox_reference.py"), "--model", Repo.Model,
            "--labels", Repo.Labels, "--source", Repo.Messi, "--score", "0.3", "--nms", "0.45", "--out", referenceFile);
        Assert.True(reference.WaitForExit(TimeSpan.FromSeconds(60)) == 0, reference.Stderr);

        var ours = Messages.ToFrame(Messages.ReadJsonLines(output, wrapped: true).Single());
        var expected = Messages.ToFrame(Messages.ReadJsonLines(referenceFile, wrapped: false).Single());
        Assert.Equal(expected.Width, ours.Width);
        Assert.Equal(expected.Height, ours.Height);
        Assert.NotEmpty(expected.Detections);
        var (problems, borderline) = Messages.Compare(ours, expected, threshold: 0.3);
        Assert.Empty(problems);
        Assert.Equal(0, borderline);
    }

    [Fact]
    public void Http_stream_is_read_through_an_ffmpeg_child_that_is_reaped_on_stop()
    {
        // A real HTTP video server: Debian's ffmpeg serving the sample clip as MPEG-TS, in real time.
        var streamPort = ChildProcess.FreePort();
        using var server = ChildProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", Repo.Video,
            "-c:v", "mpeg4", "-q:v", "4", "-f", "mpegts", "-listen", "1", $"http://127.0.0.1:{streamPort}/live.ts");
        // Read from /proc, not by connecting: this server serves the first client only.
        Eventually.Until(() => IsListening(streamPort), TimeSpan.FromSeconds(60), $"ffmpeg listening on port {streamPort}");

        var port = ChildProcess.FreePort();
        var config = ServiceConfig.Write(_dir, $"http://127.0.0.1:{streamPort}/live.ts", port, camera: "pace: realtime");
        var output = _dir.File("det.jsonl");
        using var collector = Collect(port, "det.cam0", 15, "det.v1.schema.json", output);
        using var service = ChildProcess.SmartCam("run", "--config", config);
        Assert.True(collector.WaitForExit(TimeSpan.FromSeconds(60)) == 0, collector.Stdout + service.Stderr);

        var frames = Messages.ReadJsonLines(output, wrapped: true).Select(Messages.ToFrame).ToList();
        Assert.All(frames, f => Assert.Equal((768, 576), (f.Width, f.Height)));
        Assert.Contains(frames, f => f.Detections.Any(d => d.Label == "person"));
        Assert.True(frames.Zip(frames.Skip(1)).All(p => p.Second.Seq > p.First.Seq), "seq must increase");

        var children = ChildrenOf(service.Id);
        Assert.Single(children); // the ffmpeg decoding the stream
        service.Signal(ChildProcess.SIGTERM);
        Assert.Equal(0, service.WaitForExit(TimeSpan.FromSeconds(15)));
        Assert.False(Directory.Exists($"/proc/{children[0]}"), $"ffmpeg child {children[0]} was left behind");
    }

    [Fact]
    public void Missing_camera_retries_with_backoff_reports_status_and_stops_on_sigterm()
    {
        var port = ChildProcess.FreePort();
        var config = ServiceConfig.Write(_dir, "v4l2:///dev/video63", port, camera: "reconnect: { initial_ms: 100, max_ms: 400 }", waitForSubscribers: 0);
        var output = _dir.File("status.jsonl");
        using var collector = Collect(port, "status.cam0", 3, "status.v1.schema.json", output);
        using var service = ChildProcess.SmartCam("run", "--config", config);
        Assert.True(collector.WaitForExit(TimeSpan.FromSeconds(30)) == 0, collector.Stdout + service.Stderr);
        var states = Messages.ReadJsonLines(output, wrapped: true).Select(s => s.GetProperty("state").GetString()).ToList();
        Assert.Contains("reconnecting", states);

        Assert.True(service.WaitFor(p => p.Stderr.Split("retrying in").Length >= 4, TimeSpan.FromSeconds(30)), service.Stderr);
        Assert.Contains("/dev/video63: no such camera device", service.Stderr);
        Assert.Contains("retrying in 100 ms", service.Stderr);
        Assert.Contains("retrying in 200 ms", service.Stderr);
        Assert.Contains("retrying in 400 ms", service.Stderr);
        Assert.DoesNotContain("retrying in 800 ms", service.Stderr); // capped at max_ms
        Assert.False(service.HasExited);
        service.Signal(ChildProcess.SIGTERM);
        Assert.Equal(0, service.WaitForExit(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain("   at ", service.Stderr);
    }

    [Fact]
    public void Sigint_stops_a_looping_run_and_the_last_status_says_ended()
    {
        var port = ChildProcess.FreePort();
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, port, camera: "loop: true\n  pace: realtime", waitForSubscribers: 0);
        var output = _dir.File("status.jsonl");
        using var collector = Collect(port, "status.cam0", 1000, "status.v1.schema.json", output, timeoutSeconds: 60, idle: 2);
        var running = System.Diagnostics.Stopwatch.StartNew(); // at least as long as the service has been playing
        using var service = ChildProcess.SmartCamWithDefaultSigint("run", "--config", config);
        Assert.True(service.WaitFor(p => p.Stderr.Contains("opened"), TimeSpan.FromSeconds(30)), service.Stderr);
        // Each stage runs on its own named thread, so it can be found (and pinned) from outside. Native
        // threads a stage starts (FFmpeg's decoder threads) inherit its name, so count at least one.
        string[] stages = ["sc-capture", "sc-infer", "sc-publish"];
        Eventually.Until(() => stages.All(ThreadNames(service.Id).Contains), TimeSpan.FromSeconds(30), "threads named " + string.Join(", ", stages));
        Thread.Sleep(1500); // let it play: the frame count below is checked against the time it played
        service.Signal(ChildProcess.SIGINT);
        Assert.Equal(0, service.WaitForExit(TimeSpan.FromSeconds(10)));
        var playedS = running.Elapsed.TotalSeconds;
        collector.WaitForExit(TimeSpan.FromSeconds(70));
        var statuses = Messages.ReadJsonLines(output, wrapped: true);
        Assert.Equal("ended", statuses[^1].GetProperty("state").GetString());
        // Played at the file's 10 fps: never more than 10 frames a second (plus the first, at 0 s), not hundreds.
        // A busy machine can only make it fewer.
        Assert.InRange(statuses[^1].GetProperty("frames").GetInt64(), 1, (long)(10 * playedS) + 1);
    }

    [Fact]
    public void Freshest_frame_hand_over_drops_and_counts_frames_when_a_live_source_is_faster_than_inference()
    {
        // A live source far faster than inference: the clip, encoded once, served over HTTP as fast as it is read
        // (no -re). Decoding it costs a fraction of inference on any load, so most frames must be dropped, every
        // drop counted, and the survivors published in order. (Files are never dropped: they hand over every frame.)
        var clip = _dir.File("clip.ts");
        using (var encode = ChildProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", Repo.Video, "-c:v", "mpeg4", "-q:v", "4", "-f", "mpegts", clip))
            Assert.True(encode.WaitForExit(TimeSpan.FromSeconds(120)) == 0, encode.Stderr);
        var streamPort = ChildProcess.FreePort();
        using var server = ChildProcess.Start("ffmpeg", "-hide_banner", "-loglevel", "error", "-i", clip, "-c", "copy", "-f", "mpegts",
            "-listen", "1", $"http://127.0.0.1:{streamPort}/live.ts");

        var port = ChildProcess.FreePort();
        // Until the server listens, the service retries every 100 ms: no sleep needed to line them up.
        var config = ServiceConfig.Write(_dir, $"http://127.0.0.1:{streamPort}/live.ts", port, camera: "reconnect: { initial_ms: 100, max_ms: 400 }", waitForSubscribers: 3, // status. (1), det. with its status. (2)
            sendHighWatermark: 4000); // every published frame reaches the collector, however slow the load makes it
        var dets = _dir.File("det.jsonl");
        var statuses = _dir.File("status.jsonl");
        using var statusCollector = CollectUntilEnded(port, "status.cam0", "status.v1.schema.json", statuses);
        using var detCollector = CollectUntilEnded(port, "det.cam0", "det.v1.schema.json", dets);
        using var service = ChildProcess.SmartCam("run", "--config", config);
        // The server sends the clip once: the source then ends, and the service goes on reconnecting.
        Assert.True(service.WaitFor(p => p.Stderr.Contains("stopped delivering frames"), TimeSpan.FromSeconds(180)), service.Stderr);
        service.Signal(ChildProcess.SIGTERM);
        Assert.Equal(0, service.WaitForExit(TimeSpan.FromSeconds(30)));
        Assert.True(detCollector.WaitForExit(TimeSpan.FromSeconds(30)) == 0, detCollector.Stdout);
        Assert.True(statusCollector.WaitForExit(TimeSpan.FromSeconds(30)) == 0, statusCollector.Stdout);

        var last = Messages.ReadJsonLines(statuses, wrapped: true)[^1];
        Assert.Equal("ended", last.GetProperty("state").GetString());
        var frames = last.GetProperty("frames").GetInt64();
        var processed = last.GetProperty("processed").GetInt64();
        // Frames that come far faster than the stream's own 10 fps are a burst, not the detector being busy:
        // they are counted in burst (status.burst), the rest of the replaced ones in dropped.
        var dropped = last.GetProperty("dropped").GetInt64() + last.GetProperty("burst").GetInt64();
        Assert.Equal(VideoRunFixture.FrameCount, frames);
        Assert.True(dropped > 0, $"processed {processed}, dropped or burst {dropped}");
        // Every captured frame is processed or counted as replaced; at most the one a stop caught still waiting is neither.
        Assert.InRange(frames - processed - dropped, 0, 1);

        var seqs = Messages.ReadJsonLines(dets, wrapped: true).Select(m => m.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(processed, seqs.Count);
        Assert.True(seqs.Zip(seqs.Skip(1)).All(p => p.Second > p.First), "seq must strictly increase: never reordered");
        Assert.Equal(frames - processed, seqs.Zip(seqs.Skip(1)).Sum(p => p.Second - p.First - 1) + seqs[0] + (frames - 1 - seqs[^1])); // gaps = frames not processed
    }

    private ChildProcess CollectUntilEnded(int port, string topic, string schema, string output)
    {
        var ready = _dir.File(Path.GetFileName(output) + ".ready");
        var collector = ChildProcess.Python(Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{port}",
            "--topic", topic, "--count", "1000000", "--timeout", "240", "--until-ended", "--schema", Repo.Path("docs", "schema", schema),
            "--out", output, "--ready-file", ready);
        Eventually.Until(() => File.Exists(ready) || collector.HasExited, TimeSpan.FromSeconds(60), $"the {topic} collector connecting");
        Assert.True(File.Exists(ready), $"{topic} collector exited before connecting: {collector.Stderr}");
        return collector;
    }

    private static List<string> ThreadNames(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task").Select(t => TryRead(Path.Combine(t, "comm"))?.Trim() ?? "").ToList();

    /// <summary>Whether a TCP socket listens on 127.0.0.1:<paramref name="port"/> (state 0A in /proc/net/tcp).</summary>
    private static bool IsListening(int port) =>
        File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f[1] == $"0100007F:{port:X4}" && f[3] == "0A");

    private static List<int> ChildrenOf(int pid) =>
        Directory.GetDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(n => int.TryParse(n, out _))
            .Select(n => (Pid: int.Parse(n!), Stat: TryRead($"/proc/{n}/stat")))
            .Where(p => p.Stat is not null && ParentOf(p.Stat) == pid && p.Stat.Contains("(ffmpeg)"))
            .Select(p => p.Pid)
            .ToList();

    private static int ParentOf(string stat) => int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path); } catch (IOException) { return null; } catch (UnauthorizedAccessException) { return null; }
    }
}
