using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using OpenCvSharp;
using Xunit.Abstractions;

namespace SmartCam.Tests.Integration;

/// <summary>
/// One real service with <c>http:</c> on and a token, on the real model and footage (looped at its own 10 fps), with
/// real python3-zmq subscribers collecting every det. and status. message; its HTTP side is checked against them.
/// Shared by the tests of <see cref="HttpTests"/>, which run one after another.
/// </summary>
public sealed class HttpServiceFixture : IDisposable
{
    public const string Token = "3f9c2a7d51e84b6fa0c4d2e9b7a15c38";
    private readonly TempDir _dir = new();
    private readonly ChildProcess _det, _status;

    public HttpServiceFixture()
    {
        var port = ChildProcess.FreePort();
        var tokenFile = TokenFile = _dir.Write("http.token", Token + "\n");
        // A zone and a line, so the page has a scene to draw and the status has zone counts; a rule on the line with its
        // snapshots, so the page's event list has thumbnails.
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, port, camera: "loop: true\n  pace: realtime", waitForSubscribers: 2,
            sendHighWatermark: 4000, extra: $$"""
            zones:
              path: { polygon: [[0.1, 0.5], [0.5, 0.5], [0.5, 0.95], [0.1, 0.95]] }
            lines:
              gate: { points: [[0.5, 0.25], [0.5, 0.75]] }
            outputs:
              beacon: { driver: log, safe: low }
            rules:
              - name: crossed
                when: { labels: [person], line: gate }
                then: { output: beacon, pulse_ms: 300 }
                snapshot: true
            snapshots: { path: {{_dir.File("snapshots")}} }
            http:
              listen: 127.0.0.1:0
              live_fps: 5
              auth: { token_file: {{tokenFile}} }
            """);
        DetFile = _dir.File("det.jsonl");
        StatusFile = _dir.File("status.jsonl");
        _det = Collect("det.cam0", "det.v1.schema.json", DetFile, "det.ready");
        _status = Collect("status.cam0", "status.v1.schema.json", StatusFile, "status.ready");
        Service = ChildProcess.SmartCam("run", "--config", config);
        string? address = null;
        Assert.True(Service.WaitFor(p => (address = BoundAddress(p.Stderr)) is not null, TimeSpan.FromSeconds(120)),
            "the service did not say where HTTP listens\n" + Service.Stderr);
        Address = new Uri(address!);
        Client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        ChildProcess Collect(string topic, string schema, string output, string ready) =>
            ChildProcess.Python([Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{port}", "--topic", topic,
                "--count", "1000000", "--timeout", "900", "--schema", Repo.Path("docs", "schema", schema), "--out", output, "--ready-file", _dir.File(ready)]);
    }

    private static string? BoundAddress(string log)
    {
        const string marker = "metrics on ";
        var at = log.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var end = log.IndexOfAny([' ', '\n', '\r'], at + marker.Length);
        return end < 0 ? null : log[(at + marker.Length)..end];
    }

    public ChildProcess Service { get; }
    public string TokenFile { get; }
    public TempDir Dir => _dir;
    public Uri Address { get; }
    public HttpClient Client { get; }
    public string DetFile { get; }
    public string StatusFile { get; }
    public string Artifacts { get; } = Directory.CreateDirectory(Repo.Path("out", "test-artifacts")).FullName;

    /// <summary>Every message collected so far (each line is written whole and flushed by the collector).</summary>
    public static List<JsonElement> Collected(string file) =>
        File.Exists(file) ? File.ReadAllLines(file).Where(l => l.EndsWith('}')).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("msg")).ToList() : [];

    /// <summary>Asks <paramref name="route"/> until <paramref name="ready"/> holds for its body (the service is still starting, or a message has yet to come).</summary>
    public string GetWhen(string route, Func<string, bool> ready, TimeSpan timeout)
    {
        var last = "";
        var body = "";
        bool Ready()
        {
            Assert.False(Service.HasExited, "the service exited\n" + Service.Stderr);
            using var response = Client.GetAsync(route).GetAwaiter().GetResult();
            body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            last = $"{(int)response.StatusCode} {body}";
            return response.IsSuccessStatusCode && ready(body);
        }
        try
        {
            Eventually.Until(Ready, timeout, $"{route} answering as expected");
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}; last answer: {last[..Math.Min(last.Length, 2000)]}");
        }
        return body;
    }

    public void Dispose()
    {
        Client.Dispose();
        Service.Signal(ChildProcess.SIGTERM);
        Service.WaitForExit(TimeSpan.FromSeconds(30));
        Service.Dispose();
        _det.Dispose();
        _status.Dispose();
        _dir.Dispose();
    }
}

public sealed class HttpTests(HttpServiceFixture service, ITestOutputHelper output) : IClassFixture<HttpServiceFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(240);

    /// <summary>The value of a sample line <paramref name="series"/> (name and labels exactly) in an exposition.</summary>
    private static double Sample(string exposition, string series)
    {
        foreach (var line in exposition.Split('\n'))
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
        throw new Xunit.Sdk.XunitException($"no sample {series} in:\n{exposition}");
    }

    private static bool HasSample(string exposition, string series) => exposition.Split('\n').Any(l => l.StartsWith(series + " ", StringComparison.Ordinal));

    /// <summary>The collected status.cam0 message a scrape or /api/status came from: the one with that uptime.</summary>
    private JsonElement StatusWithUptime(double uptime)
    {
        JsonElement? found = null;
        // The collector may not have written it yet: it has, within a few seconds, or the bus lost it (a failure).
        Eventually.Until(() => (found = HttpServiceFixture.Collected(service.StatusFile).Cast<JsonElement?>()
            .FirstOrDefault(m => m!.Value.GetProperty("uptime_s").GetDouble() == uptime)) is not null,
            TimeSpan.FromSeconds(60), $"a status.cam0 message on the bus with uptime_s {uptime}");
        return found!.Value;
    }

    [Fact]
    public void Metrics_pass_promtool_and_agree_with_the_status_message_they_came_from()
    {
        // Wait for a status that has seen frames, and for the line to be crossed once (events_total by type).
        var metrics = service.GetWhen("/metrics", m => HasSample(m, "smartcam_frames_processed_total{camera=\"cam0\"}")
            && Sample(m, "smartcam_frames_processed_total{camera=\"cam0\"}") >= 20, Patience);

        // Debian's promtool (package prometheus): exit 0 and not one lint problem.
        var scraped = Path.Combine(service.Artifacts, "metrics.txt");
        File.WriteAllText(scraped, metrics);
        using var promtool = ChildProcess.Start("/bin/sh", "-c", $"promtool check metrics < '{scraped}' 2>&1");
        var rc = promtool.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.True(rc == 0 && promtool.Stdout.Trim().Length == 0, $"promtool check metrics: exit {rc}\n{promtool.Stdout}");

        var status = StatusWithUptime(Sample(metrics, "smartcam_uptime_seconds{camera=\"cam0\"}"));
        Assert.Equal(status.GetProperty("processed").GetInt64(), (long)Sample(metrics, "smartcam_frames_processed_total{camera=\"cam0\"}"));
        Assert.Equal(status.GetProperty("frames").GetInt64(), (long)Sample(metrics, "smartcam_frames_captured_total{camera=\"cam0\"}"));
        var c2p = status.GetProperty("latency_us").GetProperty("capture_to_publish");
        Assert.Equal(c2p.GetProperty("count").GetInt64(), (long)Sample(metrics, "smartcam_capture_to_publish_seconds_count{camera=\"cam0\"}"));
        Assert.Equal(c2p.GetProperty("count").GetInt64(), (long)Sample(metrics, "smartcam_capture_to_publish_seconds_bucket{camera=\"cam0\",le=\"+Inf\"}"));
        Assert.Equal(c2p.GetProperty("sum_us").GetInt64() / 1e6, Sample(metrics, "smartcam_capture_to_publish_seconds_sum{camera=\"cam0\"}"), 9);
        // Every bucket, and they only grow (what promtool cannot see: the counts are the status's own).
        var bounds = new[] { "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.0075", "0.01", "0.015", "0.02", "0.03", "0.05", "0.075", "0.1", "0.25", "0.5", "1", "2.5" };
        var buckets = c2p.GetProperty("buckets").EnumerateArray().Select(b => b.GetInt64()).ToArray();
        Assert.Equal(bounds.Length, buckets.Length);
        for (var i = 0; i < bounds.Length; i++)
            Assert.Equal(buckets[i], (long)Sample(metrics, $"smartcam_capture_to_publish_seconds_bucket{{camera=\"cam0\",le=\"{bounds[i]}\"}}"));
        Assert.Equal(buckets.Order().ToArray(), buckets);
        var infer = status.GetProperty("latency_us").GetProperty("infer");
        Assert.Equal(infer.GetProperty("count").GetInt64(), (long)Sample(metrics, "smartcam_stage_duration_seconds_count{camera=\"cam0\",stage=\"infer\"}"));
        foreach (var e in status.GetProperty("events").EnumerateObject())
            Assert.Equal(e.Value.GetInt64(), (long)Sample(metrics, $"smartcam_events_total{{camera=\"cam0\",type=\"{e.Name}\"}}"));
        Assert.Equal(1, Sample(metrics, "smartcam_build_info{camera=\"box\",version=\"" + Program.Version + "\"}"));
        // Every bus message fits the HTTP side's copy.
        Assert.Equal(0, Sample(metrics, "smartcam_http_bus_copies_too_large_total{camera=\"box\"}"));
        Assert.True(Sample(metrics, "smartcam_resident_memory_bytes{camera=\"box\"}") > 10_000_000);
        output.WriteLine($"/metrics: {metrics.Split('\n').Length} lines; matched status.cam0 of uptime {status.GetProperty("uptime_s")} (processed {status.GetProperty("processed")})");
    }

    [Fact]
    public void Api_status_is_the_status_message_on_the_bus()
    {
        var body = service.GetWhen("/api/status", b => JsonDocument.Parse(b).RootElement.GetProperty("cameras").GetProperty("cam0").ValueKind == JsonValueKind.Object, Patience);
        var root = JsonDocument.Parse(body).RootElement;
        var camera = root.GetProperty("cameras").GetProperty("cam0");
        var onBus = StatusWithUptime(camera.GetProperty("uptime_s").GetDouble());
        Assert.True(JsonElement.DeepEquals(onBus, camera), $"/api/status: {camera.GetRawText()}\nbus: {onBus.GetRawText()}");
        Assert.Equal("box", root.GetProperty("box").GetProperty("camera").GetString());

        var config = JsonDocument.Parse(service.GetWhen("/api/config", _ => true, Patience)).RootElement;
        Assert.Equal("cam0", config.GetProperty("cameras")[0].GetProperty("id").GetString());
        Assert.True(config.GetProperty("http").GetProperty("auth").GetBoolean());
        Assert.DoesNotContain(HttpServiceFixture.Token, config.GetRawText());
    }

    [Fact]
    public async Task Snapshot_and_mjpeg_are_the_cameras_pictures()
    {
        using var snapshot = (await service.Client.GetAsync("/api/cameras/cam0/snapshot.jpg"));
        Assert.Equal(HttpStatusCode.OK, snapshot.StatusCode);
        Assert.Equal("image/jpeg", snapshot.Content.Headers.ContentType!.MediaType);
        using (var image = Cv2.ImDecode((await snapshot.Content.ReadAsByteArrayAsync()), ImreadModes.Color))
            Assert.Equal((768, 576), (image.Cols, image.Rows));

        // Five parts of the multipart stream, each a whole JPEG of the camera's size, in frame order.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cameras/cam0/mjpeg");
        using var response = await service.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("multipart/x-mixed-replace", response.Content.Headers.ContentType!.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var seqs = new List<long>();
        for (var part = 0; part < 5; part++)
        {
            var headers = ReadHeaders(stream);
            Assert.Equal("image/jpeg", headers["Content-Type"]);
            var jpeg = new byte[int.Parse(headers["Content-Length"], CultureInfo.InvariantCulture)];
            stream.ReadExactly(jpeg);
            using var image = Cv2.ImDecode(jpeg, ImreadModes.Color);
            Assert.Equal((768, 576), (image.Cols, image.Rows));
            seqs.Add(long.Parse(headers["X-Seq"], CultureInfo.InvariantCulture));
        }
        Assert.Equal(seqs.Order().Distinct().ToList(), seqs);
    }

    /// <summary>A part's boundary line and headers, up to the blank line.</summary>
    private static Dictionary<string, string> ReadHeaders(Stream stream)
    {
        var headers = new Dictionary<string, string>();
        while (true)
        {
            var line = new StringBuilder();
            int b;
            while ((b = stream.ReadByte()) != '\n')
            {
                Assert.NotEqual(-1, b);
                if (b != '\r') line.Append((char)b);
            }
            if (line.Length == 0 && headers.Count > 0) return headers;
            if (line.Length == 0) continue; // the CRLF after the previous part
            if (line.ToString() == "--smartcamframe") { headers["boundary"] = ""; continue; }
            var colon = line.ToString().IndexOf(':');
            headers[line.ToString()[..colon]] = line.ToString()[(colon + 1)..].Trim();
        }
    }

    [Fact]
    public async Task Every_route_but_healthz_needs_the_token()
    {
        service.GetWhen("/healthz", _ => true, Patience);
        using var anonymous = new HttpClient { BaseAddress = service.Address };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        foreach (var route in new[] { "/", "/live.js", "/metrics", "/api/status", "/api/config", "/api/cameras", "/api/cameras/cam0/snapshot.jpg", "/api/cameras/cam0/mjpeg", "/api/live", "/api/events",
                     "/api/cameras/cam0/events/x-1-0.jpg" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(route, HttpCompletionOption.ResponseHeadersRead)).StatusCode);
            using var wrong = new HttpRequestMessage(HttpMethod.Get, route);
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HttpServiceFixture.Token[..^1] + "0");
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong, HttpCompletionOption.ResponseHeadersRead)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(route + "?token=wrong", HttpCompletionOption.ResponseHeadersRead)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/metrics?token=" + HttpServiceFixture.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/api/cameras")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await service.Client.GetAsync("/nothing-here")).StatusCode);
    }

    [Theory]
    [InlineData("chromium")]
    [InlineData("firefox")]
    public async Task The_live_page_draws_the_boxes_of_the_det_message_of_the_frame_it_shows(string browserName)
    {
        var profile = Directory.CreateTempSubdirectory($"smartcam-{browserName}-").FullName;
        try
        {
            await using var browser = await HeadlessBrowser.Start(browserName, $"{service.Address}?token={HttpServiceFixture.Token}", profile);
            // A frame with at least one box (most of the footage has people in it), and a status shown.
            var drawn = await browser.WaitFor("(() => { const d = document.getElementById('drawn').textContent; return d && JSON.parse(d).boxes.length > 0 && document.body.dataset.statusSeen ? d : ''; })()", Patience);
            var page = JsonDocument.Parse(drawn).RootElement;
            var seq = page.GetProperty("seq").GetInt64();
            var screenshot = Path.Combine(service.Artifacts, $"live-page-{browserName}.png");
            await browser.Screenshot(screenshot);

            JsonElement? det = null;
            Eventually.Until(() => (det = HttpServiceFixture.Collected(service.DetFile).Cast<JsonElement?>()
                .FirstOrDefault(m => m!.Value.GetProperty("seq").GetInt64() == seq)) is not null, TimeSpan.FromSeconds(60), $"a det.cam0 with seq {seq} on the bus");
            var expected = det!.Value.GetProperty("detections").EnumerateArray().ToList();
            var boxes = page.GetProperty("boxes").EnumerateArray().ToList();
            Assert.Equal(expected.Count, boxes.Count);
            for (var i = 0; i < boxes.Count; i++)
            {
                Assert.Equal(expected[i].GetProperty("label").GetString(), boxes[i].GetProperty("label").GetString());
                Assert.Equal(expected[i].TryGetProperty("track_id", out var t) ? t.GetInt64() : -1,
                    boxes[i].GetProperty("track_id").ValueKind == JsonValueKind.Null ? -1 : boxes[i].GetProperty("track_id").GetInt64());
                Assert.True(JsonElement.DeepEquals(expected[i].GetProperty("box"), boxes[i].GetProperty("box")), $"box {i}: {boxes[i]} vs {expected[i]}");
            }
            Assert.Equal((768, 576), (page.GetProperty("width").GetInt32(), page.GetProperty("height").GetInt32()));
            // An event with a snapshot shows its thumbnail, loaded with the page's token (an <img> cannot send a header).
            var thumbnail = await browser.WaitFor("(() => { const i = document.querySelector('#event-list img.thumb'); return i && i.complete && i.naturalWidth > 0 ? i.src : ''; })()", Patience);
            Assert.Contains("/api/cameras/cam0/events/", thumbnail);
            Assert.Contains("token=" + HttpServiceFixture.Token, thumbnail);
            output.WriteLine($"{browserName}: page drew frame {seq} with {boxes.Count} boxes; thumbnail {thumbnail}; screenshot {screenshot}");
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    [Fact]
    public void A_client_that_never_reads_holds_a_bounded_queue_while_another_viewer_gets_every_picture()
    {
        service.GetWhen("/healthz", _ => true, Patience);
        using var stalled = new TcpClient();
        stalled.ReceiveBufferSize = 4096;
        stalled.Connect(IPAddress.Loopback, service.Address.Port);
        stalled.GetStream().Write(Encoding.ASCII.GetBytes($"GET /api/cameras/cam0/mjpeg HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {HttpServiceFixture.Token}\r\n\r\n"));
        var before = Sample(service.GetWhen("/metrics", m => HasSample(m, "smartcam_http_viewers{camera=\"cam0\"}") && Sample(m, "smartcam_http_viewers{camera=\"cam0\"}") >= 1, Patience),
            "smartcam_resident_memory_bytes{camera=\"box\"}");

        // Its socket buffers fill, then its queue: pictures for it are dropped, oldest first, and counted.
        var metrics = service.GetWhen("/metrics", m => Sample(m, "smartcam_http_viewer_items_dropped_total{camera=\"cam0\"}") >= 3 * 16, Patience);
        // Meanwhile a reader is served as usual.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cameras/cam0/mjpeg");
        using var response = service.Client.Send(request, HttpCompletionOption.ResponseHeadersRead);
        using var stream = response.Content.ReadAsStream();
        for (var part = 0; part < 3; part++)
        {
            var headers = ReadHeaders(stream);
            stream.ReadExactly(new byte[int.Parse(headers["Content-Length"], CultureInfo.InvariantCulture)]);
        }
        var after = Sample(metrics, "smartcam_resident_memory_bytes{camera=\"box\"}");
        // Dropped rather than kept: a coarse bound only, as the process's memory also moves for other reasons.
        Assert.True(after - before < 64e6, $"resident memory grew by {(after - before) / 1e6:0.0} MB while the client did not read");
        Assert.False(service.Service.HasExited);
    }

    [Fact]
    public async Task Debians_prometheus_scrapes_it_with_the_token()
    {
        service.GetWhen("/healthz", _ => true, Patience);
        var port = ChildProcess.FreePort();
        var config = service.Dir.Write("prometheus.yml", $$"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: smartcam
                authorization:
                  type: Bearer
                  credentials_file: {{service.TokenFile}}
                static_configs:
                  - targets: ["{{service.Address.Authority}}"]
            """);
        var data = Directory.CreateDirectory(service.Dir.File("tsdb")).FullName;
        using var prometheus = ChildProcess.Start("/usr/bin/prometheus", $"--config.file={config}", $"--storage.tsdb.path={data}",
            $"--web.listen-address=127.0.0.1:{port}");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        // Prometheus's own query API: the target is up and a counter came through, labelled by camera.
        string Query(string q) => $"/api/v1/query?query={Uri.EscapeDataString(q)}";
        string answer = "";
        bool Scraped()
        {
            Assert.False(prometheus.HasExited, "prometheus exited\n" + prometheus.Stderr);
            try
            {
                answer = client.GetStringAsync(Query("smartcam_frames_processed_total{camera=\"cam0\"} > 0 and on() up{job=\"smartcam\"} == 1")).GetAwaiter().GetResult();
                return JsonDocument.Parse(answer).RootElement.GetProperty("data").GetProperty("result").GetArrayLength() == 1;
            }
            catch (HttpRequestException)
            {
                return false; // still starting
            }
        }
        try
        {
            Eventually.Until(Scraped, Patience, "prometheus scraping smartcam_frames_processed_total");
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException($"{e.Message}: {answer}\n{prometheus.Stderr[^Math.Min(prometheus.Stderr.Length, 2000)..]}");
        }
        var result = JsonDocument.Parse(answer).RootElement.GetProperty("data").GetProperty("result");
        var histogram = await client.GetStringAsync(Query("histogram_quantile(0.5, smartcam_capture_to_publish_seconds_bucket{camera=\"cam0\"})"));
        var p50 = JsonDocument.Parse(histogram).RootElement.GetProperty("data").GetProperty("result")[0].GetProperty("value")[1].GetString();
        Assert.InRange(double.Parse(p50!, CultureInfo.InvariantCulture), 0.0001, 2.5);
        output.WriteLine($"prometheus: {result[0]}; capture→publish p50 from the histogram {p50} s");
    }

    [Fact]
    public async Task Eight_pages_at_once_each_get_their_hello_and_pictures()
    {
        // A browser allows about six HTTP/1.1 connections per host; a page holds one WebSocket, so more tabs than that work.
        service.GetWhen("/healthz", _ => true, Patience);
        var sockets = new List<System.Net.WebSockets.ClientWebSocket>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var socket = new System.Net.WebSockets.ClientWebSocket();
                socket.Options.SetRequestHeader("Authorization", "Bearer " + HttpServiceFixture.Token);
                await socket.ConnectAsync(new Uri($"ws://{service.Address.Authority}/api/live?camera=cam0"), CancellationToken.None);
                sockets.Add(socket);
            }
            using var patience = new CancellationTokenSource(Patience);
            var results = await Task.WhenAll(sockets.Select(async socket =>
            {
                var buffer = new byte[512 * 1024];
                string? hello = null;
                var pictures = 0;
                while (pictures < 2)
                {
                    var text = new MemoryStream();
                    System.Net.WebSockets.ValueWebSocketReceiveResult r;
                    do
                    {
                        r = await socket.ReceiveAsync(buffer.AsMemory(), patience.Token);
                        text.Write(buffer, 0, r.Count);
                    } while (!r.EndOfMessage);
                    if (r.MessageType == System.Net.WebSockets.WebSocketMessageType.Binary) pictures++;
                    else hello ??= Encoding.UTF8.GetString(text.ToArray());
                }
                return (hello, pictures);
            }));
            foreach (var (hello, pictures) in results)
            {
                Assert.Equal("hello", JsonDocument.Parse(hello!).RootElement.GetProperty("kind").GetString());
                Assert.Equal(2, pictures);
            }
        }
        finally
        {
            foreach (var socket in sockets) socket.Dispose();
        }
    }
}
