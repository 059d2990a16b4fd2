using System.Text.Json;
using System.Text.Json.Nodes;

namespace SmartCam.Tests.Integration;

/// <summary>
/// A replay of a file must give the same answer however fast it runs and however busy the box is: the same
/// detections and track ids in every det. message and the same evt. events (timestamps aside). Tracking,
/// zones and rules run on the file's media clock, so the three runs here (as fast as possible, paced at 40 fps,
/// and as fast as possible beside stress-ng on every core) must agree exactly, timers (hold, pulse, cooldown,
/// loiter) included.
/// </summary>
public sealed class ReplayTests
{
    // Zones, a line, and rules with every kind of timer, so that a clock that depends on speed would show.
    private const string Scene = """
        zones:
          middle: { polygon: [[0.40, 0.30], [0.60, 0.30], [0.60, 0.60], [0.40, 0.60]], loiter_s: 3 }
        lines:
          gate: { points: [[0.50, 0.25], [0.50, 0.75]] }
        outputs:
          lamp:   { driver: log, safe: low }
          beacon: { driver: log, safe: low }
          siren:  { driver: log, safe: low }
        actuation:
          # The watchdog runs on the wall clock by design (it watches the real thread; docs/actuation.md): a box so
          # busy that no frame is processed for 2 s trips it, rightly, but that is no part of what a replay must repeat.
          watchdog_ms: 600000
        rules:
          - name: someone-in-the-middle
            when: { labels: [person], zone: middle, min_score: 0.5, min_frames: 3 }
            then: { output: lamp, hold_ms: 700 }
          - name: walked-through-the-gate
            when: { labels: [person], line: gate }
            then: { output: beacon, pulse_ms: 300, cooldown_ms: 1000 }
          - name: crowd-in-the-middle
            when: { labels: [person], zone: middle, min_frames: 1 }
            then: { output: siren, pulse_ms: 200, cooldown_ms: 500 }
        """;

    private sealed record Replay(List<string> Detections, List<string> SceneEvents, List<string> OutputEvents);

    private Replay Run(string name, string camera)
    {
        using var dir = new TempDir();
        {
            var port = ChildProcess.FreePort();
            var config = ServiceConfig.Write(dir, "file://" + Repo.Video, port, camera: camera, extra: Scene, waitForSubscribers: 4, // det. and evt., each with status.
                sendHighWatermark: 4000); // every message, even to a subscriber the load slows down
            var dets = dir.File("det.jsonl");
            var evts = dir.File("evt.jsonl");
            using var det = Collect(port, "det.cam0", "det.v1.schema.json", dets, dir);
            using var evt = Collect(port, "evt.cam0", "evt.v1.schema.json", evts, dir);
            using var service = ChildProcess.SmartCam("run", "--config", config);
            Assert.True(service.WaitForExit(TimeSpan.FromSeconds(300)) == 0, $"{name}: {service.Stderr}");
            Assert.True(det.WaitForExit(TimeSpan.FromSeconds(60)) == 0, $"{name}: det collector: {det.Stdout}{det.Stderr}");
            Assert.True(evt.WaitForExit(TimeSpan.FromSeconds(60)) == 0, $"{name}: evt collector: {evt.Stdout}{evt.Stderr}");

            var detections = Messages.ReadJsonLines(dets, wrapped: true)
                .Select(m => $"{m.GetProperty("seq").GetInt64()}: {m.GetProperty("detections").GetRawText()}")
                .ToList();
            var events = Messages.ReadJsonLines(evts, wrapped: true).Select(WithoutTimes).ToList();
            return new Replay(
                detections,
                events.Where(e => e["type"]!.GetValue<string>() is "enter" or "leave" or "cross" or "loiter").Select(e => e.ToJsonString()).ToList(),
                events.Where(e => e["type"]!.GetValue<string>() is "rule" or "safe").Select(e => e.ToJsonString()).ToList());
        }
    }

    /// <summary>
    /// An event without its timestamps (ts_capture_ns, ts_actuate_ns, ts_publish_ns, time) and its run: what must not differ.
    /// A zone or line event keeps its id's SEQ/INDEX (the same in every run, docs/messages.md#event-ids); a rule or safe
    /// event's id follows when its write happened, so it goes.
    /// </summary>
    private static JsonObject WithoutTimes(JsonElement e)
    {
        var o = JsonNode.Parse(e.GetRawText())!.AsObject();
        foreach (var key in o.Select(p => p.Key).Where(k => k.StartsWith("ts_", StringComparison.Ordinal) || k == "time").ToList()) o.Remove(key);
        var id = o["id"]!.GetValue<string>();
        if (o["type"]!.GetValue<string>() is "rule" or "safe") o.Remove("id");
        else o["id"] = id[(id.IndexOf('/') + 1)..];
        return o;
    }

    private static ChildProcess Collect(int port, string topic, string schema, string output, TempDir dir)
    {
        var ready = dir.File(Path.GetFileName(output) + ".ready");
        var collector = ChildProcess.Python(Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{port}",
            "--topic", topic, "--count", "1000000", "--timeout", "300", "--until-ended",
            "--schema", Repo.Path("docs", "schema", schema), "--out", output, "--ready-file", ready);
        Eventually.Until(() => File.Exists(ready) || collector.HasExited, TimeSpan.FromSeconds(60), $"the {topic} collector connecting");
        Assert.True(File.Exists(ready), $"{topic} collector exited before connecting: {collector.Stderr}");
        return collector;
    }

    [Fact]
    public void The_same_file_gives_the_same_tracks_and_events_at_max_pace_at_real_time_and_under_full_cpu_load()
    {
        var fast = Run("max", "loop: false\n  pace: max");
        // Paced at 40 fps (the file says 10): the media clock comes from the container, not from the pace.
        var paced = Run("realtime", "loop: false\n  pace: realtime\n  fps: 40");
        Replay loaded;
        using (ChildProcess.Start("stress-ng", "--cpu", Environment.ProcessorCount.ToString(), "--timeout", "600s", "--quiet"))
            loaded = Run("loaded", "loop: false\n  pace: max");

        Assert.Equal(795, fast.Detections.Count);
        Assert.Contains(fast.SceneEvents, e => e.Contains("\"cross\""));
        Assert.Contains(fast.SceneEvents, e => e.Contains("\"loiter\""));
        Assert.Contains(fast.OutputEvents, e => e.Contains("\"someone-in-the-middle\""));
        Assert.Contains(fast.OutputEvents, e => e.Contains("\"crowd-in-the-middle\""));
        foreach (var (name, other) in new[] { ("realtime", paced), ("loaded", loaded) })
        {
            AssertSame(fast.Detections, other.Detections, $"det. messages, max vs {name}");
            AssertSame(fast.SceneEvents, other.SceneEvents, $"scene events, max vs {name}");
            AssertSame(fast.OutputEvents, other.OutputEvents, $"output events, max vs {name}");
        }
    }

    /// <summary>Equal lists, or a failure that names the first difference rather than dumping both.</summary>
    private static void AssertSame(List<string> expected, List<string> actual, string what)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
            Assert.True(expected[i] == actual[i], $"{what}: first difference at #{i}:\n  {expected[i]}\n  {actual[i]}");
        Assert.True(expected.Count == actual.Count, $"{what}: {expected.Count} vs {actual.Count} items");
    }
}
