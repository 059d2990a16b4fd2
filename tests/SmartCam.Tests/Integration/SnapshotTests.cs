using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using SmartCam.HandOver;
using SmartCam.Hosting;
using SmartCam.Messaging;

namespace SmartCam.Tests.Integration;

/// <summary>
/// configs/actuation.yaml on the sample footage, in this process, with <c>snapshots:</c> and the gate rule's
/// <c>snapshot: true</c>: one JPEG per rule event that turned an output on and per crossing of the gate, named by the
/// bus's event ids, with the boxes drawn, listed and served by the HTTP server (docs/actuation.md#snapshots). Every wait
/// is for something written, never for a time.
/// </summary>
public sealed class SnapshotTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Config(string snapshots, int busPort, int httpPort)
    {
        var yaml = ActuationConfig.Text(
            ("pace: realtime", "pace: max"),
            ("endpoint: tcp://127.0.0.1:5558", $"endpoint: tcp://127.0.0.1:{busPort}"),
            ("then: { output: beacon, pulse_ms: 300, cooldown_ms: 1000 }", "then: { output: beacon, pulse_ms: 300, cooldown_ms: 1000 }\n    snapshot: true"));
        return _dir.Write("smartcam.yaml", yaml + $$"""

            snapshots: { path: {{snapshots}} }
            http: { listen: "127.0.0.1:{{httpPort}}" }

            """);
    }

    /// <summary>The yellow of the drawn boxes (BGR 0, 220, 255), give or take JPEG's losses.</summary>
    private static int BoxColouredPixels(Mat image)
    {
        using var mask = new Mat();
        Cv2.InRange(image, new Scalar(0, 170, 200), new Scalar(70, 255, 255), mask);
        return Cv2.CountNonZero(mask);
    }

    [Fact]
    public async Task A_run_writes_one_picture_per_rule_event_and_crossing_listed_and_served_by_the_http_server()
    {
        var snapshots = _dir.File("snapshots");
        var httpPort = ChildProcess.FreePort();
        var path = Config(snapshots, ChildProcess.FreePort(), httpPort);
        using var appliance = Appliance.TryLoad(path, new ApplianceOptions(WaitForQueuedMessages: false));
        Assert.NotNull(appliance);
        Assert.True(appliance.TryAssemble(NullLogger.Instance), "the appliance did not assemble");
        // The test's own copy of the bus: every evt. and status. message, read after the run.
        using var busWake = new Wakeup();
        using var bus = BusTap.ForOffBox(2048, 16 * 1024, detections: false, busWake);
        appliance.Publisher.Taps = [.. appliance.Publisher.Taps, bus];
        Assert.Equal(0, appliance.Pipeline!.Run(CancellationToken.None));

        var events = new List<JsonElement>();
        while (bus.Messages.TryRead(out var message))
        {
            if (message.Topic.StartsWith("evt."u8)) events.Add(JsonDocument.Parse(message.Body.ToArray()).RootElement);
            bus.Messages.Release(message);
        }
        Assert.Equal(0, bus.Full);
        var wanted = events.Where(e => e.GetProperty("type").GetString() switch
        {
            "rule" => e.GetProperty("active").GetBoolean(),
            "cross" => e.GetProperty("line").GetString() == "gate",
            _ => false,
        }).ToList();
        Assert.Contains(wanted, e => e.GetProperty("type").GetString() == "rule");
        Assert.Contains(wanted, e => e.GetProperty("type").GetString() == "cross");

        // Every picture is made or counted as dropped; the run's files are the bus's events, by id.
        var writer = appliance.Snapshots!;
        Eventually.Until(() => writer.Counters.Written + writer.Counters.Dropped + writer.Counters.Failed >= wanted.Count, TimeSpan.FromSeconds(60),
            $"{wanted.Count} snapshots written or dropped");
        var counters = writer.Counters;
        Assert.Equal(0, counters.Failed);
        Assert.Equal(0, counters.Deleted);
        Assert.Equal(wanted.Count, counters.Written + counters.Dropped);
        var names = wanted.ToDictionary(e => SnapshotFiles.For(e.GetProperty("id").GetString()!)!.Value.Name);
        var files = Directory.GetFiles(Path.Combine(snapshots, "cam0"), "*.jpg").Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.Equal(counters.Written, files.Count);
        Assert.All(files, f => Assert.True(names.ContainsKey(f!), $"{f}.jpg is no rule event's or crossing's"));

        // Each is the frame at the camera's size with the boxes drawn, beside its event as the bus carried it.
        using var video = new VideoCapture(Repo.Video);
        using var raw = new Mat();
        Assert.True(video.Read(raw));
        var rawYellow = BoxColouredPixels(raw);
        foreach (var f in files)
        {
            using var picture = Cv2.ImRead(Path.Combine(snapshots, "cam0", f + ".jpg"));
            Assert.Equal((768, 576), (picture.Cols, picture.Rows));
            Assert.True(BoxColouredPixels(picture) > rawYellow + 200, $"{f}.jpg has no boxes drawn ({BoxColouredPixels(picture)} box-coloured pixels, {rawYellow} in a raw frame)");
            var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(snapshots, "cam0", f + ".json"))).RootElement;
            Assert.Equal(names[f!].GetProperty("id").GetString(), json.GetProperty("id").GetString());
            Assert.Equal(names[f!].GetProperty("ts_capture_ns").GetInt64(), json.GetProperty("ts_capture_ns").GetInt64());
        }

        // The events API lists them newest first with the URLs of their pictures, which serve the files.
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(60) };
        var last = events[^1].GetProperty("id").GetString();
        await Eventually.UntilAsync(async () => (await client.GetStringAsync("/api/events?limit=1")).Contains(last!), TimeSpan.FromSeconds(60), "the last event listed");
        var listed = JsonDocument.Parse(await client.GetStringAsync("/api/events?camera=cam0&limit=1000")).RootElement.EnumerateArray().ToList();
        // Newest first: the bus's order, backwards (those the HTTP side kept, then older ones from their snapshots' files).
        var order = events.Select((e, i) => (Id: e.GetProperty("id").GetString()!, i)).ToDictionary(p => p.Id, p => p.i);
        var places = listed.Select(e => order[e.GetProperty("id").GetString()!]).ToList();
        Assert.Equal(places.OrderDescending(), places);
        Assert.Equal(places.Count, places.Distinct().Count());
        var withPictures = listed.Where(e => e.GetProperty("snapshot").ValueKind == JsonValueKind.String).ToList();
        Assert.Equal(files.Order(), withPictures.Select(e => SnapshotFiles.For(e.GetProperty("id").GetString()!)!.Value.Name).Order());
        foreach (var e in withPictures.Take(5))
        {
            var url = e.GetProperty("snapshot").GetString()!;
            using var response = await client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
            var name = SnapshotFiles.For(e.GetProperty("id").GetString()!)!.Value.Name;
            Assert.Equal(File.ReadAllBytes(Path.Combine(snapshots, "cam0", name + ".jpg")), await response.Content.ReadAsByteArrayAsync());
        }
        // since= an id: only the events after it.
        var third = listed[2].GetProperty("id").GetString();
        var newer = JsonDocument.Parse(await client.GetStringAsync($"/api/events?since={Uri.EscapeDataString(third!)}")).RootElement;
        Assert.Equal(listed.Take(2).Select(e => e.GetProperty("id").GetString()), newer.EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        // Nothing outside the snapshots folder is served.
        foreach (var bad in new[] { "/api/cameras/cam0/events/..%2F..%2Fsmartcam.jpg", "/api/cameras/cam0/events/.hidden.jpg", "/api/cameras/nocam/events/x.jpg" })
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(bad)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/events?camera=nocam")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/events?limit=0")).StatusCode);
        await Eventually.UntilAsync(async () => (await client.GetStringAsync("/metrics")).Contains("smartcam_snapshots_written_total"), TimeSpan.FromSeconds(60),
            "the snapshots' counters on /metrics");
    }
}
