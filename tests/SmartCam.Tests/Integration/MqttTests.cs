using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json;

namespace SmartCam.Tests.Integration;

/// <summary>
/// The service (the binary under test) against Debian's mosquitto on a free port: events of the actuation scene on the
/// sample footage off the box with the bus's ids, through a broker outage, a SIGKILL with the broker down, a full outbox,
/// TLS with client certificates, a refused login, Home Assistant's discovery configs and the last will (docs/mqtt.md).
/// Every wait is for something that arrives or is written, never for a time.
/// </summary>
public sealed class MqttTests
{
    private const string ClientId = "box1";
    private const string Prefix = "smartcam/" + ClientId;
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(240);

    /// <summary>configs/actuation.yaml itself (its camera, scene and outputs), with the repository's paths, the bus on
    /// <paramref name="busPort"/>, the file played as fast as it goes, and an mqtt: section.</summary>
    private static string Config(TempDir dir, Mosquitto broker, int busPort, string outbox, bool loop = false,
        string mqtt = "", int waitForSubscribers = 0, string name = "smartcam.yaml", string outboxOptions = "")
    {
        var yaml = ActuationConfig.Text(
            ("loop: false", $"loop: {(loop ? "true" : "false")}"),
            ("pace: realtime", "pace: max"),
            ("endpoint: tcp://127.0.0.1:5558", $"endpoint: tcp://127.0.0.1:{busPort}\n  wait_for_subscribers: {waitForSubscribers}\n  wait_timeout_ms: 20000\n  send_hwm: 4000"));
        return dir.Write(name, yaml + $$"""

            mqtt:
              url: {{broker.Url}}
              client_id: {{ClientId}}
              outbox: { path: {{outbox}}{{outboxOptions}} }
              {{Indent(mqtt)}}

            """);
    }

    private static string Indent(string text) => string.Join("\n", text.Split('\n').Select((l, i) => i == 0 ? l : "  " + l));

    /// <summary>A python subscriber on the bus recording evt.cam0 (and, with --until-ended, the run's end).</summary>
    private static ChildProcess BusEvents(int port, string output, string topic = "evt.cam0", string schema = "evt.v1.schema.json")
    {
        var ready = output + ".ready";
        var collector = ChildProcess.Python([Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{port}",
            "--topic", topic, "--count", "1000000", "--timeout", "600", "--until-ended",
            "--schema", Repo.Path("docs", "schema", schema), "--out", output, "--ready-file", ready]);
        Eventually.Until(() => File.Exists(ready), TimeSpan.FromSeconds(60), $"the bus subscriber for {topic} connecting");
        return collector;
    }

    private static List<string> BusIds(string file) => Messages.ReadJsonLines(file, wrapped: true).Select(m => m.GetProperty("id").GetString()!).ToList();

    private static List<string> MqttIds(MqttCollector collector) =>
        collector.On(Prefix + "/events/cam0").Select(m => m.Json.GetProperty("id").GetString()!).ToList();

    /// <summary>The ids of the events in the outbox's files now (whole lines only: a line being written may be torn).</summary>
    private static List<string> OutboxIds(string outbox)
    {
        var ids = new List<string>();
        if (!Directory.Exists(outbox)) return ids;
        foreach (var file in Directory.GetFiles(outbox, "*.outbox").Order())
        {
            var text = Encoding.UTF8.GetString(File.ReadAllBytes(file));
            foreach (var line in text.Split('\n')[..^1])
            {
                var json = line[(line.IndexOf(' ', 9) + 1)..];
                ids.Add(JsonDocument.Parse(json).RootElement.GetProperty("id").GetString()!);
            }
        }
        return ids;
    }

    private static long OutboxBytes(string outbox) =>
        Directory.Exists(outbox) ? Directory.GetFiles(outbox, "*.outbox").Sum(f => new FileInfo(f).Length) : 0;

    /// <summary>First occurrences in order: what a consumer that drops duplicates by id sees.</summary>
    private static List<string> Deduplicated(IEnumerable<string> ids)
    {
        var seen = new HashSet<string>();
        return ids.Where(seen.Add).ToList();
    }

    [Fact]
    public void Every_event_of_the_actuation_run_arrives_with_the_bus_id_and_home_assistant_is_configured()
    {
        using var dir = new TempDir();
        using var broker = new Mosquitto();
        using var collector = new MqttCollector(broker, Prefix + "/#");
        var port = ChildProcess.FreePort();
        var outbox = dir.File("outbox");
        var path = Config(dir, broker, port, outbox, waitForSubscribers: 2, mqtt: "home_assistant: { discovery: true }\npublish: { status_s: 1 }");
        var busFile = dir.File("evt.jsonl");
        using var bus = BusEvents(port, busFile);
        using (var service = ChildProcess.SmartCam("run", "-c", path))
            Assert.True(service.WaitForExit(Long) == 0, service.Stderr);
        Assert.True(bus.WaitForExit(TimeSpan.FromSeconds(60)) == 0, bus.Stdout + bus.Stderr);

        var busIds = BusIds(busFile);
        Assert.True(busIds.Count > 50, $"{busIds.Count} events on the bus");
        Assert.Equal(busIds.Count, busIds.Distinct().Count()); // ids are unique
        Eventually.Until(() => MqttIds(collector).ToHashSet().IsSupersetOf(busIds), TimeSpan.FromSeconds(60), "every bus event arriving over MQTT");
        var mqttIds = MqttIds(collector);
        Assert.Equal(busIds.ToHashSet(), mqttIds.ToHashSet());
        Assert.Equal(busIds, Deduplicated(mqttIds)); // in the bus's order
        // The payload is the bus's JSON: the same type and frame for the same id.
        var byId = Messages.ReadJsonLines(busFile, wrapped: true).ToDictionary(m => m.GetProperty("id").GetString()!);
        foreach (var m in collector.On(Prefix + "/events/cam0"))
        {
            var id = m.Json.GetProperty("id").GetString()!;
            Assert.Equal(byId[id].GetProperty("type").GetString(), m.Json.GetProperty("type").GetString());
            Assert.Equal(byId[id].GetProperty("ts_publish_ns").GetInt64(), m.Json.GetProperty("ts_publish_ns").GetInt64());
        }
        // Nothing left behind: everything acknowledged, the outbox folder empty.
        Assert.Empty(Directory.GetFiles(outbox));

        // A clean stop says offline itself; status went out retained with the line counts Home Assistant reads.
        var availability = collector.On(Prefix + "/availability").Select(m => m.Payload).ToList();
        Assert.Equal(["online", "offline"], availability);
        var lastStatus = collector.On(Prefix + "/status/cam0")[^1].Json;
        Assert.Equal("ended", lastStatus.GetProperty("state").GetString());
        var crossings = mqttIds.Distinct().Count(id => byId[id].GetProperty("type").GetString() == "cross");
        Assert.Equal(crossings, lastStatus.GetProperty("lines").GetProperty("gate").GetProperty("total").GetInt32());

        // A subscriber that comes later gets the retained discovery configs, availability and status.
        using var later = new MqttCollector(broker, "homeassistant/#", Prefix + "/availability", Prefix + "/status/#");
        Eventually.Until(() => later.Messages.Count(m => m.Topic.StartsWith("homeassistant/", StringComparison.Ordinal)) >= 6, TimeSpan.FromSeconds(30), "the retained discovery configs");
        var configs = later.Messages.Where(m => m.Topic.StartsWith("homeassistant/", StringComparison.Ordinal)).ToList();
        Assert.All(configs, c => Assert.True(c.Retained, c.Topic));
        Assert.Equal(
            ["homeassistant/binary_sensor/box1/cam0_zone_middle/config", "homeassistant/sensor/box1/cam0_detector_load/config", "homeassistant/sensor/box1/cam0_fps/config",
             "homeassistant/sensor/box1/cam0_line_gate_in/config", "homeassistant/sensor/box1/cam0_line_gate_out/config", "homeassistant/sensor/box1/cam0_line_gate_total/config"],
            configs.Select(c => c.Topic).Order(StringComparer.Ordinal));
        foreach (var c in configs) Unit.HomeAssistantDiscoveryChecks.AssertValid(c.Topic, c.Json);
        Eventually.Until(() => later.On(Prefix + "/availability").Any(m => m.Retained && m.Payload == "offline"), TimeSpan.FromSeconds(30), "the retained availability");
    }

    [Fact]
    public void Events_published_while_the_broker_is_down_arrive_in_order_after_it_comes_back()
    {
        using var dir = new TempDir();
        using var broker = new Mosquitto();
        using var collector = new MqttCollector(broker, Prefix + "/events/#");
        var port = ChildProcess.FreePort();
        var outbox = dir.File("outbox");
        var path = Config(dir, broker, port, outbox, loop: true, waitForSubscribers: 2);
        var busFile = dir.File("evt.jsonl");
        using var bus = BusEvents(port, busFile);
        using var service = ChildProcess.SmartCam("run", "-c", path);
        Eventually.Until(() => MqttIds(collector).Count >= 10 || service.HasExited, Long, "10 events over MQTT");

        broker.Stop();
        var before = OutboxBytes(outbox);
        // Events go on while the broker is away: at least 20 more lines in the outbox (nothing leaves it without the broker).
        Eventually.Until(() => OutboxBytes(outbox) > before + 20 * 200 || service.HasExited, Long, "events piling up in the outbox while the broker is down");
        Assert.False(service.HasExited, service.Stderr);
        broker.Start();
        var atRestart = BusIds(busFile).Count;
        Eventually.Until(() => MqttIds(collector).ToHashSet().IsSupersetOf(BusIds(busFile).Take(atRestart)) || service.HasExited, Long,
            "the events of the outage arriving after the broker came back");
        service.Signal(ChildProcess.SIGTERM);
        Assert.True(service.WaitForExit(Long) == 0, service.Stderr);
        Assert.True(bus.WaitForExit(TimeSpan.FromSeconds(60)) == 0, bus.Stdout + bus.Stderr);

        var busIds = BusIds(busFile);
        Eventually.Until(() => MqttIds(collector).ToHashSet().IsSupersetOf(busIds), TimeSpan.FromSeconds(60), "every bus event arriving over MQTT after the stop");
        var mqttIds = MqttIds(collector);
        Assert.Equal(busIds.ToHashSet(), mqttIds.ToHashSet());
        Assert.Equal(busIds, Deduplicated(mqttIds)); // in order, duplicates only of ids already seen
        var copies = collector.On(Prefix + "/events/cam0").GroupBy(m => m.Json.GetProperty("id").GetString()).Where(g => g.Count() > 1);
        foreach (var copy in copies) Assert.Single(copy.Select(m => m.Payload).Distinct()); // a duplicate is the same message
        Assert.Contains("connection to", service.Stderr + service.Stdout); // the loss was logged
    }

    [Fact]
    public void Events_in_the_outbox_survive_a_SIGKILL_while_the_broker_is_down()
    {
        using var dir = new TempDir();
        using var broker = new Mosquitto();
        broker.Stop();
        var port = ChildProcess.FreePort();
        var outbox = dir.File("outbox");
        var path = Config(dir, broker, port, outbox, loop: true);
        List<string> before;
        using (var service = ChildProcess.SmartCam("run", "-c", path))
        {
            Eventually.Until(() => OutboxIds(outbox).Count >= 20 || service.HasExited, Long, "20 events in the outbox");
            Assert.False(service.HasExited, service.Stderr);
            service.Kill(); // SIGKILL: no stop, no flush
            before = OutboxIds(outbox);
        }
        Assert.True(before.Count >= 20);

        broker.Start();
        using var collector = new MqttCollector(broker, Prefix + "/events/#");
        var again = Config(dir, broker, port, outbox, name: "again.yaml");
        using (var service = ChildProcess.SmartCam("run", "-c", again))
        {
            Assert.True(service.WaitForExit(Long) == 0, service.Stderr);
            Assert.Contains("unacknowledged event(s) found", service.Stderr + service.Stdout);
        }
        Eventually.Until(() => MqttIds(collector).ToHashSet().IsSupersetOf(before), TimeSpan.FromSeconds(60), "the events from before the SIGKILL");
        var mqttIds = Deduplicated(MqttIds(collector));
        Assert.Equal(before, mqttIds.Take(before.Count)); // first, and in order
    }

    [Fact]
    public void A_full_outbox_drops_the_oldest_counts_them_and_the_loop_does_not_notice()
    {
        using var dir = new TempDir();
        using var broker = new Mosquitto();
        broker.Stop();
        var port = ChildProcess.FreePort();
        var outbox = dir.File("outbox");
        var path = Config(dir, broker, port, outbox, waitForSubscribers: 3, outboxOptions: ", max_mb: 0.02");
        var busFile = dir.File("evt.jsonl");
        var boxFile = dir.File("box.jsonl");
        using var bus = BusEvents(port, busFile);
        using var box = BusEvents(port, boxFile, "status.box", "status-box.v1.schema.json");
        string log;
        using (var service = ChildProcess.SmartCam("run", "-c", path))
        {
            Assert.True(service.WaitForExit(Long) == 0, service.Stderr);
            log = service.Stdout + service.Stderr;
        }
        Assert.True(bus.WaitForExit(TimeSpan.FromSeconds(60)) == 0, bus.Stdout + bus.Stderr);
        Assert.True(box.WaitForExit(TimeSpan.FromSeconds(60)) == 0, box.Stdout + box.Stderr);

        var busIds = BusIds(busFile);
        var kept = OutboxIds(outbox);
        var last = Messages.ReadJsonLines(boxFile, wrapped: true)[^1];
        var mqtt = last.GetProperty("mqtt");
        // The run's last status went out before the MQTT thread took the run's last events: the stop's log line has the final count.
        Assert.True(mqtt.GetProperty("outbox_dropped").GetInt64() > 0, mqtt.GetRawText());
        Assert.False(mqtt.GetProperty("connected").GetBoolean());
        var left = Regex.Match(log, @"MQTT: (\d+) event\(s\) left in the outbox \S+, (\d+) dropped since start");
        Assert.True(left.Success, log);
        var dropped = long.Parse(left.Groups[2].Value);
        Assert.True(dropped >= mqtt.GetProperty("outbox_dropped").GetInt64());
        Assert.True(OutboxBytes(outbox) <= 0.02 * 1024 * 1024, $"{OutboxBytes(outbox)} bytes");
        Assert.Equal(kept.Count, long.Parse(left.Groups[1].Value));
        Assert.Equal(busIds.Count, kept.Count + dropped); // every event kept or counted
        Assert.Equal(busIds.TakeLast(kept.Count), kept); // the newest kept, the oldest dropped
        // The loop did not notice: every frame processed, none dropped.
        Assert.Equal(795, last.GetProperty("processed").GetInt64());
        Assert.Equal(0, mqtt.GetProperty("handover_dropped").GetInt64());
        Assert.Contains("full (0.02 MB): dropped its", log); // said when it happened, not only at the stop
    }

    [Fact]
    public void TLS_with_a_client_certificate_delivers_and_a_wrong_CA_is_refused_naming_the_key()
    {
        using var dir = new TempDir();
        using var pki = new TestPki();
        using var broker = new Mosquitto(pki);
        using var collector = new MqttCollector(broker, Prefix + "/#");
        var port = ChildProcess.FreePort();
        var tls = $"tls: {{ ca_file: {pki.CaFile}, cert_file: {pki.ClientCertFile}, key_file: {pki.ClientKeyFile} }}";
        var path = Config(dir, broker, port, dir.File("outbox"), mqtt: tls + "\npublish: { detections: true, detections_fps: 5 }");
        using (var service = ChildProcess.SmartCam("run", "-c", path))
            Assert.True(service.WaitForExit(Long) == 0, service.Stderr);
        Eventually.Until(() => collector.On(Prefix + "/availability").Any(m => m.Payload == "offline"), TimeSpan.FromSeconds(60), "the run's messages over TLS");
        Assert.True(MqttIds(collector).Count > 50, $"{MqttIds(collector).Count} events over TLS");
        // Detections when asked: the bus's det. JSON, in frame order, at most 5 a second (their own publish times say so).
        var detections = collector.On(Prefix + "/detections/cam0").Select(m => m.Json).ToList();
        Assert.True(detections.Count >= 2, $"{detections.Count} detection messages");
        for (var i = 1; i < detections.Count; i++)
        {
            Assert.True(detections[i].GetProperty("seq").GetInt64() > detections[i - 1].GetProperty("seq").GetInt64());
            var gapNs = detections[i].GetProperty("ts_publish_ns").GetInt64() - detections[i - 1].GetProperty("ts_publish_ns").GetInt64();
            Assert.True(gapNs >= 195_000_000, $"detections {gapNs / 1e6:0.0} ms apart; expected at most 5 a second");
        }

        using var other = new TestPki("Some other CA");
        var wrong = Config(dir, broker, port, dir.File("outbox2"), mqtt: $"tls: {{ ca_file: {other.CaFile}, cert_file: {pki.ClientCertFile}, key_file: {pki.ClientKeyFile} }}", name: "wrong.yaml");
        using var refused = ChildProcess.SmartCam("run", "-c", wrong);
        Assert.Equal(2, refused.WaitForExit(Long));
        var line = Assert.Single(refused.Stderr.Split('\n'), l => l.StartsWith("smartcam:", StringComparison.Ordinal));
        Assert.Contains("mqtt.tls.ca_file", line);
        Assert.Contains("TLS handshake", line);
        Assert.DoesNotContain("   at ", refused.Stderr);
    }

    [Fact]
    public void A_refused_login_is_one_line_naming_the_password_file()
    {
        using var dir = new TempDir();
        using var broker = new Mosquitto(login: ("box1", "right-password"));
        var port = ChildProcess.FreePort();
        var passwordFile = dir.Write("mqtt.pass", "wrong-password\n");
        var path = Config(dir, broker, port, dir.File("outbox"), mqtt: $"username: box1\npassword_file: {passwordFile}");
        using var refused = ChildProcess.SmartCam("run", "-c", path);
        Assert.Equal(2, refused.WaitForExit(Long));
        var line = Assert.Single(refused.Stderr.Split('\n'), l => l.StartsWith("smartcam:", StringComparison.Ordinal));
        Assert.Contains("mqtt.password_file", line);
        Assert.Contains("refused", line);
        Assert.DoesNotContain("   at ", refused.Stderr);
    }

    [Fact]
    public void The_last_will_says_offline_when_the_service_is_killed()
    {
        using var dir = new TempDir();
        using var broker = new Mosquitto();
        using var collector = new MqttCollector(broker, Prefix + "/availability");
        var path = Config(dir, broker, ChildProcess.FreePort(), dir.File("outbox"), loop: true);
        using var service = ChildProcess.SmartCam("run", "-c", path);
        Eventually.Until(() => collector.Messages.Any(m => m.Payload == "online") || service.HasExited, Long, "availability online");
        Assert.False(service.HasExited, service.Stderr);
        service.Kill();
        Eventually.Until(() => collector.Messages.Count > 0 && collector.Messages[^1].Payload == "offline", TimeSpan.FromSeconds(60), "the last will: offline");
    }
}
