using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Messaging;
using SmartCam.Viewing;

namespace SmartCam.Tests.Unit;

/// <summary>
/// The HTTP server's routes, methods, token and exact answers (docs/http.md), served in process by the real
/// <see cref="HttpFrontEnd"/> over a <see cref="LiveHub"/> whose bus copy the test fills; no pipeline runs.
/// </summary>
public sealed class HttpRoutesTests : IAsyncLifetime
{
    private const string Token = "5b0e7c1f9a2d48e3b6c4a1f0d9e8c7b6";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();
    private readonly BusTap _bus = new();
    private readonly FrameTap _frames = new();
    private LiveHub _hub = null!;
    private HttpFrontEnd _web = null!;
    private HttpClient _client = null!, _anonymous = null!;

    public async Task InitializeAsync()
    {
        var tokenFile = _dir.Write("http.token", Token + "\n");
        var config = ConfigLoader.Load(_dir.Write("smartcam.yaml",
            $"camera:\n  source: file://clip.avi\nmodel:\n  path: {Repo.Model}\nhttp:\n  listen: 127.0.0.1:0\n  auth: {{ token_file: {tokenFile} }}\n"));
        _hub = new LiveHub(config, _bus, [_frames], NullLogger.Instance);
        _hub.Start();
        _web = new HttpFrontEnd(_hub, NullLogger.Instance);
        await _web.Start();
        _anonymous = new HttpClient { BaseAddress = _web.Address };
        _client = new HttpClient { BaseAddress = _web.Address };
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        _anonymous.Dispose();
        await _web.DisposeAsync();
        _hub.Dispose();
        _bus.Dispose();
        _frames.Dispose();
        _dir.Dispose();
    }

    private static async Task<(HttpStatusCode Code, string? Type, string Body)> Answer(HttpResponseMessage response)
    {
        using (response)
            return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Only_get_and_head_before_anything_else()
    {
        foreach (var route in new[] { "/api/status", "/healthz", "/nothing-here" })
        {
            using var response = await _client.PostAsync(route, new StringContent(""));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Equal("GET, HEAD", string.Join(", ", response.Content.Headers.Allow));
        }
        using var head = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/cameras"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("application/json", head.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task The_token_guards_every_route_but_healthz_even_one_that_does_not_exist()
    {
        using var refused = await _anonymous.GetAsync("/nothing-here");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Bearer realm=\"smartcam\"", refused.Headers.WwwAuthenticate.ToString());
        Assert.Equal("a token is required: Authorization: Bearer <token>, or ?token=<token>\n", await refused.Content.ReadAsStringAsync());

        var missing = await Answer(await _client.GetAsync("/nothing-here"));
        Assert.Equal((HttpStatusCode.NotFound, "text/plain; charset=utf-8"), (missing.Code, missing.Type));
        Assert.StartsWith("no such route: /nothing-here; see /, /api/status", missing.Body);
        foreach (var route in new[] { "/api/cameras/nope/snapshot.jpg", "/api/cameras/nope/mjpeg", "/api/cameras/cam0/other", "/nothing.jpg" })
            Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync(route)).StatusCode);

        using var byQuery = await _anonymous.GetAsync("/api/cameras?token=" + Token);
        Assert.Equal(HttpStatusCode.OK, byQuery.StatusCode);
        Assert.Equal("no-store", byQuery.Headers.CacheControl!.ToString());

        // /healthz: open to all, and not cached-or-not by our say (no Cache-Control); 503 until the first status.
        using var health = await _anonymous.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Null(health.Headers.CacheControl);
        Assert.Equal("""{"healthy":false,"cameras":{"cam0":"starting"}}""", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Json_answers_are_exactly_as_documented()
    {
        Assert.Equal((HttpStatusCode.OK, "application/json", """{"cameras":["cam0"]}"""), await Answer(await _client.GetAsync("/api/cameras")));
        Assert.Equal((HttpStatusCode.OK, "application/json", """{"box":null,"cameras":{"cam0":null}}"""), await Answer(await _client.GetAsync("/api/status")));

        // The status messages byte for byte as the bus carried them (spacing and field order included).
        const string status = """{"v":1, "camera":"cam0","state":"running","processed":7}""";
        const string box = """{"camera":"box" ,"processed":7}""";
        _bus.Offer(Encoding.UTF8.GetBytes(MessageNames.StatusTopic("cam0")), Encoding.UTF8.GetBytes(status));
        _bus.Offer(Encoding.UTF8.GetBytes(MessageNames.BoxStatusTopic), Encoding.UTF8.GetBytes(box));
        Eventually.Until(() => _hub.BoxStatus is not null, Patience, "status.box reaching the hub");
        Assert.Equal((HttpStatusCode.OK, "application/json", "{\"box\":" + box + ",\"cameras\":{\"cam0\":" + status + "}}"), await Answer(await _client.GetAsync("/api/status")));

        var config = await Answer(await _client.GetAsync("/api/config"));
        Assert.Equal((HttpStatusCode.OK, "application/json"), (config.Code, config.Type));
        Assert.DoesNotContain(Token, config.Body);
    }

    [Fact]
    public async Task The_page_and_its_websocket()
    {
        Assert.Equal("text/html; charset=utf-8", (await Answer(await _client.GetAsync("/"))).Type);
        Assert.Equal("text/javascript; charset=utf-8", (await Answer(await _client.GetAsync("/live.js"))).Type);
        Assert.Equal("text/css; charset=utf-8", (await Answer(await _client.GetAsync("/live.css"))).Type);
        Assert.Equal((HttpStatusCode.BadRequest, "text/plain; charset=utf-8", "expected a WebSocket upgrade\n"), await Answer(await _client.GetAsync("/api/live?camera=cam0")));

        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + Token);
        await socket.ConnectAsync(new Uri($"ws://{_web.Address!.Authority}/api/live"), CancellationToken.None); // no camera: the first
        var buffer = new byte[64 * 1024];
        var hello = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
        Assert.StartsWith("""{"kind":"hello","camera":"cam0",""", Encoding.UTF8.GetString(buffer, 0, hello.Count));

        using var other = new System.Net.WebSockets.ClientWebSocket();
        other.Options.SetRequestHeader("Authorization", "Bearer " + Token);
        var refused = await Assert.ThrowsAnyAsync<System.Net.WebSockets.WebSocketException>(() =>
            other.ConnectAsync(new Uri($"ws://{_web.Address!.Authority}/api/live?camera=nope"), CancellationToken.None));
        Assert.Contains("404", refused.Message);
    }
}
