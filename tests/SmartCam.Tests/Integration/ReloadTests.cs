using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SmartCam.Configuration;

namespace SmartCam.Tests.Integration;

/// <summary>
/// Live reload of the scene on the real service (docs/configuration.md#reload): configs/actuation.yaml looping the sample
/// clip as fast as it goes, changed by SIGHUP and by PUT /api/cameras/cam0/scene while it runs. Each change is seen where
/// a user sees it: the bus's config event and the new zone's events, the frames' seq going on without a gap, the file
/// on disk and its .bak, the log's one line for what was refused, and /metrics.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReloadTests : IDisposable
{
    private const string Token = "8d1e5c0f7a3b49e2b6c4d9a0f1e2c3b4";
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);
    private readonly TempDir _dir = new();
    private readonly int _busPort = ChildProcess.FreePort();
    private readonly int _httpPort = ChildProcess.FreePort();

    public void Dispose() => _dir.Dispose();

    /// <summary>The actuation scene, looping at max pace, the HTTP server with a token; the bus keeps every message for its one subscriber.</summary>
    private string Config()
    {
        var tokenFile = _dir.Write("http.token", Token + "\n");
        var yaml = ActuationConfig.Text(
            ("loop: false", "loop: true"),
            ("pace: realtime", "pace: max"),
            ("endpoint: tcp://127.0.0.1:5558", $"endpoint: tcp://127.0.0.1:{_busPort}\n  wait_for_subscribers: 2\n  wait_timeout_ms: 20000\n  send_hwm: 100000\n  status_interval_ms: 200"));
        return _dir.Write("smartcam.yaml", yaml + $"\nhttp: {{ listen: 127.0.0.1:{_httpPort}, auth: {{ token_file: {tokenFile} }} }}\n");
    }

    /// <summary>det. messages come fast at max pace and are checked elsewhere against their schema: here only their seq counts.</summary>
    private string AnySchema() => _dir.Write("any.schema.json", "{}");

    private ChildProcess Collect(string topic, string schema, string output)
    {
        var ready = output + ".ready";
        var collector = ChildProcess.Python([Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{_busPort}",
            "--topic", topic, "--count", "100000000", "--timeout", "600",
            "--schema", Path.IsPathRooted(schema) ? schema : Repo.Path("docs", "schema", schema), "--out", output, "--ready-file", ready]);
        Eventually.Until(() => File.Exists(ready), TimeSpan.FromSeconds(60), $"the bus subscriber for {topic} connecting");
        return collector;
    }

    /// <summary>The messages a collector wrote so far (whole lines only: the last may be being written).</summary>
    private static List<JsonElement> Read(string file)
    {
        if (!File.Exists(file)) return [];
        var text = File.ReadAllText(file);
        return text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("msg")).ToList();
    }

    private static JsonElement? Find(string file, Func<JsonElement, bool> match) =>
        Read(file).Where(match).Cast<JsonElement?>().FirstOrDefault();

    private static bool Is(JsonElement e, string type) => e.GetProperty("type").GetString() == type;

    private static string Text(JsonElement e, string key) => e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    /// <summary>
    /// The config event of the switch to <paramref name="text"/> (its hash), then an enter in the zone "everywhere" it added:
    /// that zone's events all come from the frame of the switch on, never before it.
    /// </summary>
    private static JsonElement SwitchedToEverywhere(string evt, ChildProcess service, string text)
    {
        var config = Eventually.Get((out JsonElement e) => (e = Find(evt, m => Is(m, "config")) ?? default).ValueKind != JsonValueKind.Undefined, Long, "the config event");
        Assert.Equal(SceneDocument.Hash(text), Text(config, "hash"));
        Eventually.Until(() => Find(evt, m => Is(m, "enter") && Text(m, "zone") == "everywhere") is not null || service.HasExited, Long, "an enter in the new zone");
        var switchedAt = config.GetProperty("seq").GetInt64();
        Assert.All(Read(evt).Where(m => Text(m, "zone") == "everywhere"), m => Assert.True(m.GetProperty("seq").GetInt64() >= switchedAt, m.GetRawText()));
        return config;
    }

    /// <summary>The file written whole at once (rename), as an editor saving it would.</summary>
    private static void Save(string path, string text)
    {
        File.WriteAllText(path + ".new", text);
        File.Move(path + ".new", path, overwrite: true);
    }

    /// <summary>
    /// Once the det. subscriber has the frames up to ten past the switch at <paramref name="switchedAt"/>, stops the service
    /// and checks the frames' seq went on across the switch without a gap: the camera was not reopened, no frame was lost.
    /// </summary>
    private static void StopAndCheckNoGap(ChildProcess service, ChildProcess detCollector, string detFile, long switchedAt)
    {
        Eventually.Until(() => Read(detFile).LastOrDefault() is { ValueKind: JsonValueKind.Object } last && last.GetProperty("seq").GetInt64() >= switchedAt + 10,
            Long, $"the det. messages up to seq {switchedAt + 10}");
        service.Signal(ChildProcess.SIGTERM);
        Assert.True(service.WaitForExit(Long) == 0, service.Stderr);
        detCollector.Kill();
        var seqs = Read(detFile).Select(d => d.GetProperty("seq").GetInt64()).ToList();
        Assert.True(seqs[0] < switchedAt && seqs[^1] >= switchedAt + 10, $"det. seq {seqs[0]} to {seqs[^1]}, the switch at {switchedAt}");
        Assert.Equal(Enumerable.Range(0, seqs.Count).Select(i => seqs[0] + i), seqs);
    }

    [Fact]
    public void Sighup_applies_a_good_change_at_a_frame_boundary_and_refuses_a_broken_file_and_a_restart_only_key_with_one_line()
    {
        var path = Config();
        var original = File.ReadAllText(path);
        var evt = _dir.File("evt.jsonl");
        var det = _dir.File("det.jsonl");
        using var events = Collect("evt.cam0", "evt.v1.schema.json", evt);
        using var frames = Collect("det.cam0", AnySchema(), det);
        using var service = ChildProcess.SmartCam("run", "-c", path);
        Eventually.Until(() => Read(det).Count > 50 || service.HasExited, Long, "50 frames");
        Assert.False(service.HasExited, service.Stderr);

        // A zone over the whole frame, so the people walking there enter it at once; the middle zone moved a little.
        var changed = original.Replace("middle: { polygon: [[0.40, 0.30], [0.60, 0.30], [0.60, 0.60], [0.40, 0.60]], loiter_s: 5 }",
            "middle: { polygon: [[0.35, 0.30], [0.60, 0.30], [0.60, 0.60], [0.35, 0.60]], loiter_s: 5 }\n  everywhere: { polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }");
        Assert.NotEqual(original, changed);
        Save(path, changed);
        service.Signal(ChildProcess.SIGHUP);

        var config = SwitchedToEverywhere(evt, service, changed);
        Assert.Equal("zones: +everywhere ~middle", Text(config, "summary"));
        var switchedAt = config.GetProperty("seq").GetInt64();
        Assert.Contains("Reload (SIGHUP): applied", service.Stdout + service.Stderr);

        // A file that is not YAML: one line naming file and line, the scene running on.
        Save(path, changed.Replace("zones:", "zones: ["));
        service.Signal(ChildProcess.SIGHUP);
        Assert.True(service.WaitFor(p => (p.Stdout + p.Stderr).Contains("Reload (SIGHUP) refused"), Long), service.Stdout + service.Stderr);
        var refusal = (service.Stdout + service.Stderr).Split('\n').First(l => l.Contains("Reload (SIGHUP) refused"));
        Assert.Contains($"{path}:", refusal);
        Assert.Contains("not valid YAML", refusal);
        // A key that needs a restart: named, refused, the scene running on.
        Save(path, changed.Replace("family: yolox", "family: yolov8"));
        service.Signal(ChildProcess.SIGHUP);
        Assert.True(service.WaitFor(p => (p.Stdout + p.Stderr).Contains("model.family: changed"), Long), service.Stdout + service.Stderr);
        Assert.False(service.HasExited);
        var enters = Read(evt).Count(m => Text(m, "zone") == "everywhere");
        Eventually.Until(() => Read(evt).Count(m => Text(m, "zone") == "everywhere") > enters || service.HasExited, Long, "the new zone still at work after the refusals");
        Assert.Single(Read(evt), m => Is(m, "config"));
        // The camera was never reopened: its only state change is the start's.
        Assert.All(Read(evt).Where(m => Is(m, "camera")), m => Assert.Equal("running", Text(m, "state")));

        StopAndCheckNoGap(service, frames, det, switchedAt);
        Assert.DoesNotContain("Unhandled exception", service.Stderr);
    }

    [Fact]
    public async Task The_scene_api_needs_the_token_in_a_header_and_the_etag_refuses_bad_changes_and_writes_the_file_with_a_bak()
    {
        var path = Config();
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite); // as on the image
        var original = File.ReadAllText(path);
        var evt = _dir.File("evt.jsonl");
        var det = _dir.File("det.jsonl");
        using var events = Collect("evt.cam0", "evt.v1.schema.json", evt);
        using var frames = Collect("det.cam0", AnySchema(), det);
        using var service = ChildProcess.SmartCam("run", "-c", path);
        var url = $"http://127.0.0.1:{_httpPort}/api/cameras/cam0/scene";
        using var anonymous = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        await Eventually.UntilAsync(async () => service.HasExited || await Answers(anonymous, $"http://127.0.0.1:{_httpPort}/healthz"), Long, "the HTTP server");
        Assert.False(service.HasExited, service.Stderr);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(url)).StatusCode);
        using var got = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        var etag = got.Headers.ETag!.Tag;
        Assert.Equal($"\"{SceneDocument.Hash(original)}\"", etag);
        var scene = JsonDocument.Parse(await got.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(0.40, scene.GetProperty("zones").GetProperty("middle").GetProperty("polygon")[0][0].GetDouble());

        const string Good = """{"zones": {"middle": {"polygon": [[0.40, 0.30], [0.60, 0.30], [0.60, 0.60], [0.40, 0.60]], "loiter_s": 5}, "everywhere": {"polygon": [[0, 0], [1, 0], [1, 1], [0, 1]]}}}""";
        async Task<HttpResponseMessage> Put(HttpClient with, string body, string? ifMatch, string query = "")
        {
            var request = new HttpRequestMessage(HttpMethod.Put, url + query) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            return await with.SendAsync(request);
        }
        // Writes take the token from the header only: not from the URL (a link or a page elsewhere could carry it).
        Assert.Equal(HttpStatusCode.Unauthorized, (await Put(anonymous, Good, etag, "?token=" + Token)).StatusCode);
        Assert.Equal((HttpStatusCode)428, (await Put(client, Good, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await Put(client, Good, "\"0000000000000000\"")).StatusCode);
        // The loader's own error, and the running scene and the file untouched.
        using var bad = await Put(client, """{"zones": {"thin": {"polygon": [[0, 0], [1, 1]]}}}""", etag);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var badText = await bad.Content.ReadAsStringAsync();
        Assert.Contains("zones.thin", badText);
        Assert.Contains("at least 3 points", badText);
        using var restart = await Put(client, """{"outputs": {"lamp": {"driver": "log", "safe": "high"}, "beacon": {"driver": "log", "safe": "low"}}}""", etag);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, restart.StatusCode);
        Assert.Contains("outputs: changed", await restart.Content.ReadAsStringAsync());
        Assert.Equal(original, File.ReadAllText(path));
        Assert.False(File.Exists(path + ".bak"));

        using var applied = await Put(client, Good, etag);
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var written = File.ReadAllText(path);
        Assert.Equal($"\"{SceneDocument.Hash(written)}\"", applied.Headers.ETag!.Tag);
        Assert.Equal(original, File.ReadAllText(path + ".bak"));
        // Both keep the file's own mode (0660 here), not the process's umask.
        const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
        Assert.Equal(Mode, File.GetUnixFileMode(path + ".bak"));
        Assert.Equal(Mode, File.GetUnixFileMode(path));
        Assert.False(File.Exists(path + ".tmp") || File.Exists(path + ".bak.tmp"));
        Assert.Equal(["middle", "everywhere"], ConfigLoader.Load(path).Scene.Zones.Select(z => z.Name));
        Assert.Contains("# a person's feet decide where they are", written); // the rest of the file as it was
        var config = SwitchedToEverywhere(evt, service, written);

        // Someone changed the file since the page read it: the old ETag is refused.
        File.AppendAllText(path, "# edited by hand\n");
        Assert.Equal(HttpStatusCode.Conflict, (await Put(client, Good, applied.Headers.ETag!.Tag)).StatusCode);

        // Counted where Prometheus reads them: one applied, two refused (the bad polygon and the output).
        await Eventually.UntilAsync(async () =>
        {
            var metrics = await client.GetStringAsync($"http://127.0.0.1:{_httpPort}/metrics");
            return metrics.Contains("smartcam_config_reloads_total{camera=\"box\",result=\"applied\"} 1")
                && metrics.Contains("smartcam_config_reloads_total{camera=\"box\",result=\"refused\"} 2")
                && metrics.Contains($"smartcam_config_info{{camera=\"box\",hash=\"{SceneDocument.Hash(written)}\"}} 1")
                && metrics.Contains("smartcam_events_total{camera=\"cam0\",type=\"config\"} 1");
        }, Long, "the reload counters in /metrics");

        StopAndCheckNoGap(service, frames, det, config.GetProperty("seq").GetInt64());
    }

    private static async Task<bool> Answers(HttpClient client, string url)
    {
        try
        {
            return (await client.GetAsync(url)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
