using System.Globalization;
using System.Text;
using SmartCam.Actuation;
using SmartCam.Configuration;
using SmartCam.Messaging;
using SmartCam.Tracking;
using SmartCam.Tests.Integration;
using SmartCam.Viewing;

namespace SmartCam.Tests.Unit;

/// <summary>/metrics from real status messages (written by the service's own <see cref="MessageWriter"/>), checked by Debian's promtool and against the samples recorded.</summary>
public class MetricsExpositionTests
{
    private static (byte[] Camera, byte[] Box, long[] Latencies) Statuses()
    {
        var stats = new PipelineStats { PeriodUs = 100_000, Processed = 42, Frames = 45, Dropped = 2, Burst = 1, Corrupt = 3, TracksIgnored = 5, EventsDropped = 6 };
        var latencies = new long[] { 90, 100, 101, 4_000, 9_999, 10_000, 10_001, 120_000, 3_000_000 };
        foreach (var us in latencies) stats.RecordStages(500, 600, us, 40, 30, us + 1_000);
        var scene = new SceneConfig { Tracking = true, Lines = [new LineDefinition("kerb", (0, 0.5f), (1, 0.5f), 0.005)] };
        var writer = new MessageWriter("door \"1\"", "yolox_nano", ["person"], scene);
        writer.SetRun("0123456789abcdef");
        var frame = new DetectionResult(1, 4);
        foreach (var direction in new[] { LineDirection.In, LineDirection.In, LineDirection.Out })
            writer.WriteSceneEvent(frame, new SceneEvent(SceneEventType.Cross, 1, 0, -1, 0, direction, 0), 0);
        writer.WriteStatus(stats, "0123456789abcdef", "running", 12.5, 9.5, health: new ProcessHealth(1, 0, 0, (10, 1), (2, 0), 0));
        var camera = writer.Buffer.WrittenSpan.ToArray();
        var box = new MessageWriter("box", "yolox_nano", ["person"]);
        box.WriteBoxStatus("0123456789abcdef", "running", 12.5, [(0.5, 9.5)], 1, 1, 42, 0, null, new ProcessHealth(1, 0, 0, (10, 1), (2, 0), 0, LogDropped: 7),
            new OutputCounters(WriteFailures: 3, RequestsDropped: 2, TransitionsDropped: 1),
            new MqttCounters(Connected: true, Connects: 2, ConnectFailures: 5, OutboxEvents: 11, OutboxBytes: 4096, OutboxDropped: 4, OutboxRecovered: 0,
                EventsSent: 30, EventsAcked: 25, Rejected: 1, HandOverDropped: 0, Syncs: 9));
        return (camera, box.Buffer.WrittenSpan.ToArray(), latencies);
    }

    private static double Sample(string text, string series) =>
        double.Parse(text.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal))[(series.Length + 1)..], CultureInfo.InvariantCulture);

    [Fact]
    public void Histograms_are_cumulative_in_seconds_with_exact_counts_and_sums()
    {
        var (camera, box, latencies) = Statuses();
        var text = Encoding.UTF8.GetString(MetricsExposition.Render([("door \"1\"", camera)], box, "1.2.3", 50_000_000));
        const string labels = "camera=\"door \\\"1\\\"\",stage=\"infer\"";
        foreach (var (le, bound) in new[] { ("0.0001", 100L), ("0.01", 10_000L), ("0.1", 100_000L), ("2.5", 2_500_000L) })
            Assert.Equal(latencies.Count(l => l <= bound), Sample(text, $"smartcam_stage_duration_seconds_bucket{{{labels},le=\"{le}\"}}"));
        Assert.Equal(latencies.Length, Sample(text, $"smartcam_stage_duration_seconds_bucket{{{labels},le=\"+Inf\"}}"));
        Assert.Equal(latencies.Length, Sample(text, $"smartcam_stage_duration_seconds_count{{{labels}}}"));
        Assert.Equal(latencies.Sum() / 1e6, Sample(text, $"smartcam_stage_duration_seconds_sum{{{labels}}}"), 9);
        Assert.Equal(latencies.Count(l => l + 1_000 <= 10_000), Sample(text, "smartcam_capture_to_publish_seconds_bucket{camera=\"door \\\"1\\\"\",le=\"0.01\"}"));
        // Durations over the 100 ms frame period are deadline misses.
        Assert.Equal(latencies.Count(l => l > 100_000), Sample(text, $"smartcam_deadline_misses_total{{{labels}}}"));
        Assert.Equal(2, Sample(text, "smartcam_frames_dropped_total{camera=\"door \\\"1\\\"\",reason=\"detector_busy\"}"));
        Assert.Equal(1, Sample(text, "smartcam_frames_dropped_total{camera=\"door \\\"1\\\"\",reason=\"source_burst\"}"));
        Assert.Equal(3, Sample(text, "smartcam_frames_corrupt_total{camera=\"door \\\"1\\\"\"}"));
        Assert.Equal(5, Sample(text, "smartcam_tracks_ignored_total{camera=\"door \\\"1\\\"\"}"));
        Assert.Equal(6, Sample(text, "smartcam_events_dropped_total{camera=\"door \\\"1\\\"\"}"));
        Assert.Equal(0.1, Sample(text, "smartcam_frame_period_seconds{camera=\"door \\\"1\\\"\"}"));
        Assert.Equal(1, Sample(text, "smartcam_gc_collections_total{camera=\"box\",generation=\"0\"}"));
        Assert.Equal(7, Sample(text, "smartcam_log_dropped_total{camera=\"box\"}"));
        Assert.Equal(0.5, Sample(text, "smartcam_detector_load_ratio{camera=\"box\",detector=\"0\"}"));
        Assert.Equal(50_000_000, Sample(text, "smartcam_resident_memory_bytes{camera=\"box\"}"));
        Assert.Equal(1, Sample(text, "smartcam_build_info{camera=\"box\",version=\"1.2.3\"}"));
        Assert.Equal(3, Sample(text, "smartcam_output_write_failures_total{camera=\"box\"}"));
        Assert.Equal(2, Sample(text, "smartcam_output_requests_dropped_total{camera=\"box\"}"));
        Assert.Equal(1, Sample(text, "smartcam_output_transitions_dropped_total{camera=\"box\"}"));
        Assert.Equal(2, Sample(text, "smartcam_line_crossings_total{camera=\"door \\\"1\\\"\",line=\"kerb\",direction=\"in\"}"));
        Assert.Equal(1, Sample(text, "smartcam_line_crossings_total{camera=\"door \\\"1\\\"\",line=\"kerb\",direction=\"out\"}"));
        Assert.Equal(1, Sample(text, "smartcam_mqtt_connected{camera=\"box\"}"));
        Assert.Equal(11, Sample(text, "smartcam_mqtt_outbox_events{camera=\"box\"}"));
        Assert.Equal(4, Sample(text, "smartcam_mqtt_outbox_dropped_total{camera=\"box\"}"));
        Assert.Equal(25, Sample(text, "smartcam_mqtt_events_acked_total{camera=\"box\"}"));
        Assert.Equal(5, Sample(text, "smartcam_mqtt_connect_failures_total{camera=\"box\"}"));
        // Each family's HELP and TYPE once, before its samples.
        var types = text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).ToList();
        Assert.Equal(types.Distinct().Count(), types.Count);
    }

    [Fact]
    public void Promtool_finds_no_problem()
    {
        var (camera, box, _) = Statuses();
        using var dir = new TempDir();
        var file = dir.File("metrics.txt");
        File.WriteAllBytes(file, MetricsExposition.Render([("cam0", camera), ("cam1", null)], box, "1.2.3", 50_000_000, [("cam0", 2, 5), ("cam1", 0, 0)], 0));
        using var promtool = ChildProcess.Start("/bin/sh", "-c", $"promtool check metrics < '{file}' 2>&1");
        var rc = promtool.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.True(rc == 0 && promtool.Stdout.Trim().Length == 0, $"promtool check metrics: exit {rc}\n{promtool.Stdout}\n{File.ReadAllText(file)}");
    }
}
