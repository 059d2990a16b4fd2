using System.Device.Gpio;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Commands;
using SmartCam.Configuration;
using SmartCam.Hosting;
using SmartCam.Inference;
using SmartCam.Messaging;

namespace SmartCam.Tests.Integration;

/// <summary>
/// vtest.avi through the real pipeline in this process, with a zone and a line across the walkway and two
/// GPIO outputs on a <see cref="RecordingGpioDriver"/> (the one seam: no GPIO hardware here), publishing to
/// python3-zmq subscribers for det. and evt.
/// </summary>
public sealed class ActuationRunFixture : IDisposable
{
    public const int LampLine = 17, BeaconLine = 27, PulseMs = 300;
    private readonly TempDir _dir = new();

    public ActuationRunFixture()
    {
        var port = ChildProcess.FreePort();
        var path = ServiceConfig.Write(_dir, "file://" + Repo.Video, port, waitForSubscribers: 4 /* det. (1), evt. with its status. (2), status.box (1) */, sendHighWatermark: 4000, extra: $"""
            zones:
              middle: {"{"} polygon: [[0.40, 0.30], [0.60, 0.30], [0.60, 0.60], [0.40, 0.60]] {"}"}
            lines:
              gate: {"{"} points: [[0.50, 0.25], [0.50, 0.75]] {"}"}
            outputs:
              lamp:   {"{"} driver: gpio, chip: 0, line: {LampLine}, active: high, safe: low {"}"}
              beacon: {"{"} driver: gpio, chip: 0, line: {BeaconLine}, active: low, safe: high {"}"}
            rules:
              - name: someone-in-the-middle
                when: {"{"} labels: [person], zone: middle, min_score: 0.5, min_frames: 3 {"}"}
                then: {"{"} output: lamp, hold_ms: 1000 {"}"}
              - name: walked-through-the-gate
                when: {"{"} labels: [person], line: gate, direction: in {"}"}
                then: {"{"} output: beacon, pulse_ms: {PulseMs} {"}"}
            """);
        DetFile = _dir.File("det.jsonl");
        EvtFile = _dir.File("evt.jsonl");
        using var det = Collect(port, "det.cam0", "det.v1.schema.json", DetFile, count: 795);
        // How many events there are is what the tests find out: collect until the run's final status (a quiet spell on a
        // loaded machine can be longer than any idle limit).
        using var evt = Collect(port, "evt.cam0", "evt.v1.schema.json", EvtFile, count: 100_000, untilEnded: true);
        BoxFile = _dir.File("box.jsonl");
        using var box = Collect(port, "status.box", "status-box.v1.schema.json", BoxFile, count: 100_000, untilEnded: true);

        var (config, detector) = RunCommand.Load(path);
        Config = config;
        using (detector)
        using (var publisher = new DetectionPublisher(config.Publish.Endpoint, config.Publish.SendHighWatermark, 2000))
        {
            Outputs = OutputBank.Open(config.Outputs, _ => Driver, NullLogger.Instance, TimeSpan.FromMilliseconds(config.WatchdogMs));
            using var pipeline = new DetectionPipeline(config, detector, publisher, FrameSources.Create(config.Camera), NullLogger.Instance, new PipelineOptions(Outputs: Outputs));
            ExitCode = pipeline.Run(CancellationToken.None);
            Stats = pipeline.Stats;
            WritesBeforeDispose = Driver.WriteCount;
            Outputs.Dispose();
        }
        DetExit = det.WaitForExit(TimeSpan.FromSeconds(30));
        EvtExit = evt.WaitForExit(TimeSpan.FromSeconds(30));
        BoxExit = box.WaitForExit(TimeSpan.FromSeconds(30));
        DetSummary = det.Stdout + det.Stderr;
        EvtSummary = evt.Stdout + evt.Stderr;
        BoxSummary = box.Stdout + box.Stderr;
    }

    private static ChildProcess Collect(int port, string topic, string schema, string output, int count, bool untilEnded = false)
    {
        var ready = output + ".ready";
        var collector = ChildProcess.Python([Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{port}",
            "--topic", topic, "--count", count.ToString(), "--timeout", "240", .. untilEnded ? new[] { "--until-ended" } : [],
            "--schema", Repo.Path("docs", "schema", schema), "--out", output, "--ready-file", ready]);
        Eventually.Until(() => File.Exists(ready), TimeSpan.FromSeconds(60), $"the subscriber for {topic} connecting (its ready file)");
        return collector;
    }

    public SmartCamConfig Config { get; }
    public RecordingGpioDriver Driver { get; } = new();
    public OutputBank Outputs { get; }
    public int ExitCode { get; }
    public PipelineStats Stats { get; }
    public int WritesBeforeDispose { get; }
    public string DetFile { get; }
    public string EvtFile { get; }
    public int DetExit { get; }
    public int EvtExit { get; }
    public string DetSummary { get; }
    public string EvtSummary { get; }
    public string BoxFile { get; }
    public int BoxExit { get; }
    public string BoxSummary { get; }

    public void Dispose() => _dir.Dispose();
}

public sealed class ActuationRunTests(ActuationRunFixture run) : IClassFixture<ActuationRunFixture>
{
    private const double GateX = 0.50 * 768, GateTop = 0.25 * 576, GateBottom = 0.75 * 576;

    private List<JsonElement> Events() => Messages.ReadJsonLines(run.EvtFile, wrapped: true);

    private Dictionary<long, JsonElement> FramesBySeq() =>
        Messages.ReadJsonLines(run.DetFile, wrapped: true).ToDictionary(m => m.GetProperty("seq").GetInt64());

    /// <summary>The bottom-centre of the detection with this track id in frame <paramref name="frame"/>, or null.</summary>
    private static (double X, double Y)? Feet(JsonElement frame, int trackId)
    {
        foreach (var d in frame.GetProperty("detections").EnumerateArray())
            if (d.GetProperty("track_id").GetInt32() == trackId)
            {
                var b = d.GetProperty("box");
                return ((b[0].GetDouble() + b[2].GetDouble()) / 2, b[3].GetDouble());
            }
        return null;
    }

    [Fact]
    public void The_run_completes_and_every_message_is_valid()
    {
        Assert.Equal(0, run.ExitCode);
        Assert.True(run.DetExit == 0, run.DetSummary);
        using var evt = JsonDocument.Parse(run.EvtSummary.Trim().Split('\n')[^1]);
        Assert.Equal(0, evt.RootElement.GetProperty("invalid").GetInt32());
        Assert.True(evt.RootElement.GetProperty("received").GetInt32() > 0, run.EvtSummary);
        Assert.Equal(795, Messages.ReadJsonLines(run.DetFile, wrapped: true).Count);
    }

    [Fact]
    public void The_box_status_validates_and_reports_no_output_failures()
    {
        Assert.True(run.BoxExit == 0, run.BoxSummary);
        var last = Messages.ReadJsonLines(run.BoxFile, wrapped: true)[^1];
        Assert.Equal("ended", last.GetProperty("state").GetString());
        var actuation = last.GetProperty("actuation");
        Assert.Equal((0L, 0L, 0L), (actuation.GetProperty("write_failures").GetInt64(), actuation.GetProperty("requests_dropped").GetInt64(),
            actuation.GetProperty("transitions_dropped").GetInt64()));
    }

    [Fact]
    public void The_walkway_produces_enter_leave_and_cross_events_with_track_ids_seen_in_det_messages()
    {
        var events = Events();
        var types = events.Select(e => e.GetProperty("type").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "enter", "leave", "cross", "rule", "safe" }, types);
        var frames = FramesBySeq();
        foreach (var e in events.Where(e => e.GetProperty("type").GetString() is "enter" or "leave" or "cross"))
        {
            var frame = frames[e.GetProperty("seq").GetInt64()];
            Assert.Equal(frame.GetProperty("ts_capture_ns").GetInt64(), e.GetProperty("ts_capture_ns").GetInt64());
        }
        // A crossing needs a detection on both sides: its track is in the frame's det message.
        foreach (var e in events.Where(e => e.GetProperty("type").GetString() == "cross"))
            Assert.NotNull(Feet(frames[e.GetProperty("seq").GetInt64()], e.GetProperty("track_id").GetInt32()));
        // Every enter seen on a detection puts that track's feet inside the rectangle 0.4..0.6 × 0.3..0.6
        // (a second, trivial implementation); an enter on a briefly unseen track follows its predicted box.
        var checkedEnters = 0;
        foreach (var e in events.Where(e => e.GetProperty("type").GetString() == "enter"))
        {
            if (Feet(frames[e.GetProperty("seq").GetInt64()], e.GetProperty("track_id").GetInt32()) is not { } feet) continue;
            Assert.InRange(feet.X, 0.40 * 768 - 0.01, 0.60 * 768 + 0.01);
            Assert.InRange(feet.Y, 0.30 * 576 - 0.01, 0.60 * 576 + 0.01);
            checkedEnters++;
        }
        Assert.True(checkedEnters >= 5, $"{checkedEnters} enters on detections");
    }

    [Fact]
    public void The_man_in_the_dark_jacket_crosses_the_gate_left_to_right_once_in_frame_26()
    {
        // Hand-checked on the footage: the man in the dark jacket walks right along the walkway; his feet
        // are left of the gate (x = 384 px) in frame 21 and straddle it in frames 23 and 24 (384.4, 385.0 px:
        // inside the line's dead band, margin 0.005 = 3.8 px). In frame 25 the detector sees him and the man
        // walking left behind him as one box, which goes to the other man's track; in frame 26 he is seen alone,
        // clearly past the gate (391.7 px): the crossing is counted there, once. On the media clock that is the
        // same frame at any speed and load (it used to move between 25 and 27 with the load).
        var crossings = Events().Where(e => e.GetProperty("type").GetString() == "cross" && e.GetProperty("seq").GetInt64() < 60).ToList();
        var cross = Assert.Single(crossings);
        Assert.Equal(26, cross.GetProperty("seq").GetInt64());
        Assert.Equal("in", cross.GetProperty("direction").GetString());
        Assert.Equal("person", cross.GetProperty("label").GetString());
        Assert.Equal("gate", cross.GetProperty("line").GetString());
        var seq = cross.GetProperty("seq").GetInt64();
        var track = cross.GetProperty("track_id").GetInt32();
        var frames = FramesBySeq();
        var before = Feet(frames[21], track)!.Value;
        var after = Feet(frames[seq], track)!.Value;
        Assert.True(before.X < GateX && after.X >= GateX + 0.005 * 768, $"feet {before} → {after}");
        Assert.InRange(after.Y, GateTop, GateBottom);

        // The crossing rule fired from that very frame, on the beacon (active low: written low).
        var fired = Events().First(e => e.GetProperty("type").GetString() == "rule" && e.GetProperty("rule").GetString() == "walked-through-the-gate");
        Assert.Equal(frames[seq].GetProperty("ts_capture_ns").GetInt64(), fired.GetProperty("ts_capture_ns").GetInt64());
        Assert.Equal(track, fired.GetProperty("track_id").GetInt32());
        Assert.Equal("low", fired.GetProperty("level").GetString());
        Assert.True(fired.GetProperty("active").GetBoolean());
    }

    [Fact]
    public void Each_recorded_gpio_write_matches_a_published_output_event_traceable_to_its_frame()
    {
        var writes = run.Driver.Writes;
        var captures = FramesBySeq().Values.Select(f => f.GetProperty("ts_capture_ns").GetInt64()).ToHashSet();
        var outputEvents = Events().Where(e => e.GetProperty("type").GetString() is "rule" or "safe").ToList();
        var ruleEvents = outputEvents.Where(e => e.GetProperty("type").GetString() == "rule").ToList();
        Assert.NotEmpty(ruleEvents);
        foreach (var e in ruleEvents)
        {
            Assert.Contains(e.GetProperty("ts_capture_ns").GetInt64(), captures);
            var pin = e.GetProperty("output").GetString() == "lamp" ? ActuationRunFixture.LampLine : ActuationRunFixture.BeaconLine;
            var level = e.GetProperty("level").GetString() == "high" ? PinValue.High : PinValue.Low;
            var actuated = e.GetProperty("ts_actuate_ns").GetInt64();
            // The recording driver stamped the same write, just before the bank stamped it done. 100 ms allows for
            // the thread being preempted between the two stamps on a busy machine; the same pin never gets the
            // same level again that soon (a pulse is 300 ms), so the write found is this event's.
            Assert.Contains(writes, w => w.Pin == pin && w.Value == level && w.Ns <= actuated && actuated - w.Ns < 100_000_000);
            Assert.True(actuated >= e.GetProperty("ts_capture_ns").GetInt64());
        }
        // Pulses: the beacon is active for 300 ms of the file's media clock, ended by the rule at the first frame
        // 300 ms after the one that fired it: 3 frames later at the file's 10 fps, however fast the run went
        // (unless the file's end drove it safe first).
        var seqOf = FramesBySeq().Values.ToDictionary(f => f.GetProperty("ts_capture_ns").GetInt64(), f => f.GetProperty("seq").GetInt64());
        var beacon = outputEvents.Where(e => e.GetProperty("output").GetString() == "beacon").ToList();
        var pulses = 0;
        for (var i = 0; i < beacon.Count - 1; i++)
        {
            if (beacon[i].GetProperty("type").GetString() != "rule" || !beacon[i].GetProperty("active").GetBoolean()) continue;
            if (beacon[i + 1].GetProperty("type").GetString() != "rule") continue;
            Assert.False(beacon[i + 1].GetProperty("active").GetBoolean());
            var frames = seqOf[beacon[i + 1].GetProperty("ts_capture_ns").GetInt64()] - seqOf[beacon[i].GetProperty("ts_capture_ns").GetInt64()];
            Assert.Equal(ActuationRunFixture.PulseMs / 100, frames);
            pulses++;
        }
        Assert.True(pulses >= 1, "no complete pulse");
    }

    [Fact]
    public void Outputs_start_at_their_safe_levels_and_end_there_when_the_file_ends()
    {
        var writes = run.Driver.Writes;
        Assert.Equal(PinValue.Low, writes.First(w => w.Pin == ActuationRunFixture.LampLine).Value);
        Assert.Equal(PinValue.High, writes.First(w => w.Pin == ActuationRunFixture.BeaconLine).Value);
        // The pipeline drove them safe itself when the file ended, before anyone disposed the bank.
        var beforeDispose = writes.Take(run.WritesBeforeDispose).ToList();
        Assert.Equal(PinValue.Low, beforeDispose.Last(w => w.Pin == ActuationRunFixture.LampLine).Value);
        Assert.Equal(PinValue.High, beforeDispose.Last(w => w.Pin == ActuationRunFixture.BeaconLine).Value);
        Assert.Equal(PinValue.Low, run.Driver.Level(ActuationRunFixture.LampLine));
        Assert.Equal(PinValue.High, run.Driver.Level(ActuationRunFixture.BeaconLine));
    }

    [Fact]
    public void Capture_to_output_latency_is_recorded_for_every_rule_activation()
    {
        var activations = Events().Count(e => e.GetProperty("type").GetString() == "rule" && e.GetProperty("active").GetBoolean());
        Assert.Equal(activations, run.Stats.CaptureToOutput.Count);
        Assert.True(run.Stats.CaptureToOutput.Percentile(0.5) > 0);
    }
}

/// <summary>Faults and stops: whatever ends the pipeline, outputs end at their safe levels.</summary>
public sealed class ActuationFaultTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The real video, until the read that throws: a driver bug as a camera would have one.</summary>
    private sealed class FailingSource(IFrameSource inner, int failAt) : IFrameSource
    {
        private int _reads;
        public void Open() => inner.Open();
        public ReadResult Read(OpenCvSharp.Mat into) =>
            ++_reads == failAt ? throw new InvalidOperationException("driver fault (test)") : inner.Read(into);
        public double Fps => inner.Fps;
        public void Interrupt() => inner.Interrupt();
        public void Dispose() => inner.Dispose();
    }

    /// <summary>One relay that any person switches on (also the pipeline builder's test).</summary>
    internal const string AnyPersonLights = """
        outputs:
          relay: { driver: gpio, chip: 0, line: 5, active: high, safe: low }
        rules:
          - name: anyone
            when: { labels: [person], min_score: 0.5 }
            then: { output: relay }
        """;

    [Fact]
    public void A_fault_on_the_capture_thread_ends_the_run_with_exit_1_and_the_output_safe()
    {
        var port = ChildProcess.FreePort();
        var (config, detector) = RunCommand.Load(ServiceConfig.Write(_dir, "file://" + Repo.Video, port, waitForSubscribers: 0, extra: AnyPersonLights));
        var driver = new RecordingGpioDriver();
        using (detector)
        using (var publisher = new DetectionPublisher(config.Publish.Endpoint, config.Publish.SendHighWatermark, 0))
        using (var outputs = OutputBank.Open(config.Outputs, _ => driver, NullLogger.Instance, TimeSpan.FromSeconds(2)))
        {
            var source = new FailingSource(FrameSources.Create(config.Camera), failAt: 40);
            using var pipeline = new DetectionPipeline(config, detector, publisher, source, NullLogger.Instance, new PipelineOptions(Outputs: outputs));

            Assert.Equal(1, pipeline.Run(CancellationToken.None));

            // People are on the walkway from frame 0: the relay was switched on, and is off again now.
            Assert.Contains(driver.Writes, w => w.Pin == 5 && w.Value == PinValue.High);
            Assert.Equal(PinValue.Low, driver.Level(5));
            Assert.InRange(pipeline.Stats.Processed, 30, 39);
        }
    }

    [Fact]
    public void Sigterm_drives_log_outputs_safe_and_smartcam_safe_does_it_for_a_killed_service()
    {
        var port = ChildProcess.FreePort();
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, port, camera: "loop: true\n  pace: realtime", waitForSubscribers: 0, extra: """
            outputs:
              lamp: { driver: log, safe: low }
            rules:
              - name: anyone
                when: { labels: [person], min_score: 0.5 }
                then: { output: lamp }
            """);
        using (var service = ChildProcess.SmartCam("run", "--config", config))
        {
            Assert.True(service.WaitFor(p => p.Stderr.Contains("Output lamp: active (high)"), TimeSpan.FromSeconds(60)), service.Stderr);
            service.Signal(ChildProcess.SIGTERM);
            Assert.Equal(0, service.WaitForExit(TimeSpan.FromSeconds(20)));
            var after = service.Stderr[service.Stderr.LastIndexOf("Output lamp: active (high)", StringComparison.Ordinal)..];
            Assert.Contains("Output lamp: inactive (low)", after);
        }

        using var safe = ChildProcess.SmartCam("safe", "--config", config);
        Assert.Equal(0, safe.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.Contains("lamp: log set to its safe level (low)", safe.Stdout);
    }

    [Fact]
    public void A_gpio_chip_that_does_not_exist_is_a_clear_error_naming_it()
    {
        var port = ChildProcess.FreePort();
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, port, waitForSubscribers: 0, extra: """
            outputs:
              door_relay: { driver: gpio, chip: 7, line: 17 }
            """);
        foreach (var command in new[] { "run", "safe" })
        {
            using var p = ChildProcess.SmartCam(command, "--config", config);
            Assert.Equal(2, p.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.Contains("door_relay", p.Stderr);
            Assert.Contains("/dev/gpiochip7", p.Stderr);
            Assert.DoesNotContain("   at ", p.Stderr);
        }
    }

    [Fact]
    public void A_rule_naming_an_unknown_zone_or_label_is_a_clear_error()
    {
        var port = ChildProcess.FreePort();
        var zone = ServiceConfig.Write(_dir, "file://" + Repo.Video, port, waitForSubscribers: 0, extra: """
            zones:
              door: { polygon: [[0.1, 0.5], [0.4, 0.5], [0.4, 1.0]] }
            outputs:
              lamp: { driver: log }
            rules:
              - name: r
                when: { zone: dor }
                then: { output: lamp }
            """);
        using (var p = ChildProcess.SmartCam("run", "--config", zone))
        {
            Assert.Equal(2, p.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.Contains("rules[0].when.zone: 'dor' is not a zone; the zones are: door", p.Stderr);
        }
        File.WriteAllText(zone, File.ReadAllText(zone).Replace("when: { zone: dor }", "when: { labels: [persn] }"));
        using (var p = ChildProcess.SmartCam("run", "--config", zone))
        {
            Assert.Equal(2, p.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.Contains("'persn' is not a label of the model", p.Stderr);
            Assert.DoesNotContain("   at ", p.Stderr);
        }
    }
}

/// <summary>
/// The shipped binary (the AOT one when SMARTCAM_BIN points at it) with the whole scene allocates nothing on
/// its loop threads: Native AOT compiles some library calls differently from the JIT (a sort once allocated
/// a delegate per frame there and not under the JIT), so this is checked on the binary itself.
/// </summary>
public sealed class ActuationBenchTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Bench_with_tracking_zones_lines_and_rules_allocates_nothing_on_the_loop_threads_and_reports_capture_to_output()
    {
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, ChildProcess.FreePort(), waitForSubscribers: 0, extra: """
            zones:
              middle: { polygon: [[0.40, 0.30], [0.60, 0.30], [0.60, 0.60], [0.40, 0.60]], loiter_s: 2 }
            lines:
              gate: { points: [[0.50, 0.25], [0.50, 0.75]] }
            outputs:
              lamp:   { driver: log }
              beacon: { driver: log }
            rules:
              - name: someone-in-the-middle
                when: { labels: [person], zone: middle, min_frames: 3 }
                then: { output: lamp, hold_ms: 200 }
              - name: walked-through-the-gate
                when: { labels: [person], line: gate }
                then: { output: beacon, pulse_ms: 100 }
            """);
        using var bench = ChildProcess.SmartCam("bench", "--config", config, "--frames", "400", "--warmup", "100", "--bare", "20", "--json");
        Assert.True(bench.WaitForExit(TimeSpan.FromSeconds(180)) == 0, bench.Stderr);
        using var report = JsonDocument.Parse(bench.Stdout.Trim().Split('\n')[^1]);
        var r = report.RootElement;
        var bytes = r.GetProperty("bytes_allocated");
        Assert.Equal((0L, 0L, 0L), (bytes.GetProperty("capture").GetInt64(), bytes.GetProperty("infer").GetInt64(), bytes.GetProperty("publish").GetInt64()));
        var output = r.GetProperty("latency_us").GetProperty("capture_to_output");
        Assert.True(output.GetProperty("p50").GetInt64() > 0 && output.GetProperty("p50").GetInt64() <= output.GetProperty("max").GetInt64(), output.ToString());
    }
}
