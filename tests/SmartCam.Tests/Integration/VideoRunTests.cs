using System.Text.Json;

namespace SmartCam.Tests.Integration;

/// <summary>
/// One real run, shared by the tests below: the service on vtest.avi (pace: max, loop: false) with two
/// python3-zmq subscribers (det. and status.), and the independent reference decode (cv2.dnn) of the same file.
/// </summary>
public sealed class VideoRunFixture : IDisposable
{
    public const int FrameCount = 795; // vtest.avi: 795 frames (shared/README.md)
    private readonly TempDir _dir = new();

    public VideoRunFixture()
    {
        var port = ChildProcess.FreePort();
        // Every message must arrive: past the high-water mark a subscriber that falls behind (python validating
        // each message against its schema, on a loaded machine) loses messages by design, so hold the whole run.
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, port, waitForSubscribers: 2, sendHighWatermark: 2 * FrameCount); // det. and status.
        DetFile = _dir.File("det.jsonl");
        StatusFile = _dir.File("status.jsonl");
        ReferenceFile = _dir.File("reference.jsonl");

        // The reference gets the very pixels the service decodes: Debian's FFmpeg converts YUV to BGR
        // slightly differently (up to 2 levels), and that difference is the video decoder's, not the detector's.
        using var reference = ChildProcess.PythonWithInput(Repo.Path("tests", "reference", "yolox_reference.py"), "--model", Repo.Model,
            "--labels", Repo.Labels, "--source", "-", "--size", "768x576", "--score", "0.3", "--nms", "0.45", "--out", ReferenceFile);
        var feeder = new Thread(() => FeedFrames(Repo.Video, reference.Stdin)) { IsBackground = true };
        feeder.Start();
        using var det = Collector(port, "det.cam0", FrameCount, "det.v1.schema.json", DetFile, "det.ready");
        // Every status until the run's last one: the first few can come before any frame was inferred on a loaded machine.
        using var status = Collector(port, "status.cam0", 1_000_000, "status.v1.schema.json", StatusFile, "status.ready", untilEnded: true);
        Eventually.Until(() => File.Exists(_dir.File("det.ready")) && File.Exists(_dir.File("status.ready")), TimeSpan.FromSeconds(60),
            "the det. and status. subscribers connecting (their ready files)");

        using var service = ChildProcess.SmartCam("run", "--config", config);
        ServiceExitCode = service.WaitForExit(TimeSpan.FromMinutes(5));
        ServiceStderr = service.Stderr;
        DetExitCode = det.WaitForExit(TimeSpan.FromSeconds(30));
        DetSummary = det.Stdout + det.Stderr;
        StatusExitCode = status.WaitForExit(TimeSpan.FromSeconds(30));
        StatusSummary = status.Stdout + status.Stderr;
        feeder.Join(TimeSpan.FromMinutes(10));
        ReferenceExitCode = reference.WaitForExit(TimeSpan.FromMinutes(10));
        ReferenceStderr = reference.Stderr;
    }

    /// <summary>Decodes the file with OpenCvSharp, as the service does, and writes raw BGR frames to <paramref name="output"/>.</summary>
    private static unsafe void FeedFrames(string video, Stream output)
    {
        using var capture = new OpenCvSharp.VideoCapture(video, OpenCvSharp.VideoCaptureAPIs.FFMPEG);
        using var frame = new OpenCvSharp.Mat();
        try
        {
            while (capture.Read(frame) && !frame.Empty())
                output.Write(new ReadOnlySpan<byte>((void*)frame.Data, frame.Rows * frame.Cols * 3));
        }
        catch (IOException) { } // the reference exited early: its exit code and stderr tell why
        finally
        {
            try { output.Close(); } catch (IOException) { }
        }
    }

    private ChildProcess Collector(int port, string topic, int count, string schema, string output, string ready, bool untilEnded = false) =>
        ChildProcess.Python([Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{port}", "--topic", topic,
            "--count", count.ToString(), "--timeout", "240", "--schema", Repo.Path("docs", "schema", schema), "--out", output,
            "--ready-file", _dir.File(ready), .. (untilEnded ? new[] { "--until-ended" } : [])]);

    public string DetFile { get; }
    public string StatusFile { get; }
    public string ReferenceFile { get; }
    public int ServiceExitCode { get; }
    public string ServiceStderr { get; }
    public int DetExitCode { get; }
    public string DetSummary { get; }
    public int StatusExitCode { get; }
    public string StatusSummary { get; }
    public int ReferenceExitCode { get; }
    public string ReferenceStderr { get; }

    public void Dispose() => _dir.Dispose();
}

public sealed class VideoRunTests(VideoRunFixture run, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<VideoRunFixture>
{
    [Fact]
    public void Service_exits_zero_at_end_of_file()
    {
        Assert.True(run.ServiceExitCode == 0, $"exit {run.ServiceExitCode}\n{run.ServiceStderr}");
        Assert.Contains("795 frames captured, 795 processed, 0 dropped", run.ServiceStderr);
    }

    [Fact]
    public void Python_subscriber_receives_every_frame_in_order_and_valid_against_the_schema()
    {
        // collect_messages.py exits 0 only when all 795 arrived and each validated against docs/schema/det.v1.schema.json.
        Assert.True(run.DetExitCode == 0, run.DetSummary);
        var messages = Messages.ReadJsonLines(run.DetFile, wrapped: true);
        Assert.Equal(VideoRunFixture.FrameCount, messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            Assert.Equal(i, messages[i].GetProperty("seq").GetInt64());
            Assert.Equal("cam0", messages[i].GetProperty("camera").GetString());
            Assert.Equal(768, messages[i].GetProperty("width").GetInt32());
            Assert.Equal(576, messages[i].GetProperty("height").GetInt32());
            Assert.Equal("yolox_nano", messages[i].GetProperty("model").GetString());
            Assert.True(messages[i].GetProperty("ts_publish_ns").GetInt64() >= messages[i].GetProperty("ts_capture_ns").GetInt64());
        }
    }

    [Fact]
    public void Capture_timestamps_are_the_machines_monotonic_clock()
    {
        // The subscriber stamps arrival with Python's time.monotonic_ns(): same clock, so publish <= receive.
        foreach (var line in File.ReadLines(run.DetFile).Take(50))
        {
            var record = JsonDocument.Parse(line).RootElement;
            var published = record.GetProperty("msg").GetProperty("ts_publish_ns").GetInt64();
            var received = record.GetProperty("recv_ns").GetInt64();
            Assert.InRange(received - published, 0, 5_000_000_000);
        }
    }

    [Fact]
    public void Status_messages_report_counts_and_latencies()
    {
        // Collected until the run's final status: exit 0 means that one came and none was invalid.
        Assert.True(run.StatusExitCode == 0, run.StatusSummary);
        var statuses = Messages.ReadJsonLines(run.StatusFile, wrapped: true);
        Assert.True(statuses.Count >= 2, $"{statuses.Count} status messages");
        Assert.Equal("ended", statuses[^1].GetProperty("state").GetString());
        Assert.Equal(VideoRunFixture.FrameCount, statuses[^1].GetProperty("processed").GetInt64());
        var runIds = statuses.Select(s => s.GetProperty("run_id").GetString()).Distinct().ToList();
        Assert.Single(runIds);
        Assert.All(statuses, s => Assert.True(s.GetProperty("processed").GetInt64() <= s.GetProperty("frames").GetInt64()));
        var infer = statuses[^1].GetProperty("latency_us").GetProperty("infer");
        Assert.True(infer.GetProperty("p50").GetInt64() > 0);
        Assert.True(infer.GetProperty("p50").GetInt64() <= infer.GetProperty("p99").GetInt64());
        Assert.True(infer.GetProperty("p99").GetInt64() <= infer.GetProperty("max").GetInt64());
    }

    [Fact]
    public void Every_frame_matches_the_independent_reference_decode()
    {
        Assert.True(run.ReferenceExitCode == 0, run.ReferenceStderr);
        var reference = Messages.ReadJsonLines(run.ReferenceFile, wrapped: false).Select(Messages.ToFrame).ToList();
        var ours = Messages.ReadJsonLines(run.DetFile, wrapped: true).Select(Messages.ToFrame).ToList();
        Assert.Equal(VideoRunFixture.FrameCount, reference.Count);
        Assert.Equal(reference.Count, ours.Count);

        var problems = new List<string>();
        var borderline = 0;
        var detections = 0;
        for (var i = 0; i < ours.Count; i++)
        {
            Assert.Equal(reference[i].Seq, ours[i].Seq);
            var (p, b) = Messages.Compare(ours[i], reference[i], threshold: 0.3);
            problems.AddRange(p);
            borderline += b;
            detections += reference[i].Detections.Count;
        }
        var maxScoreDiff = 0.0;
        var maxBoxDiff = 0.0;
        for (var i = 0; i < ours.Count; i++)
            foreach (var r in reference[i].Detections)
                foreach (var o in ours[i].Detections.Where(o => o.Cls == r.Cls && o.Box.Zip(r.Box).All(p => Math.Abs(p.First - p.Second) <= 1)))
                {
                    maxScoreDiff = Math.Max(maxScoreDiff, Math.Abs(o.Score - r.Score));
                    maxBoxDiff = Math.Max(maxBoxDiff, o.Box.Zip(r.Box).Max(p => Math.Abs(p.First - p.Second)));
                }
        output.WriteLine($"{detections} reference detections on {ours.Count} frames; {borderline} borderline; max |score diff| {maxScoreDiff:0.000000}, max box edge diff {maxBoxDiff:0.000} px");
        Assert.True(problems.Count == 0, $"{problems.Count} mismatches over {detections} reference detections:\n" + string.Join("\n", problems.Take(20)));
        // Near-threshold flips must stay rare, or the tolerance is hiding a real difference.
        Assert.True(borderline <= detections / 1000 + 2, $"{borderline} borderline detections");
    }

    [Fact]
    public void Frame_zero_has_four_persons_per_the_reference()
    {
        var reference = Messages.ToFrame(Messages.ReadJsonLines(run.ReferenceFile, wrapped: false)[0]);
        var ours = Messages.ToFrame(Messages.ReadJsonLines(run.DetFile, wrapped: true)[0]);
        Assert.Equal(4, reference.Detections.Count(d => d.Label == "person" && d.Score >= 0.3));
        Assert.Equal(4, ours.Detections.Count(d => d.Label == "person" && d.Score >= 0.3));
    }
}
