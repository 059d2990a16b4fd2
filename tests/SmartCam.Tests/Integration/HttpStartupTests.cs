using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace SmartCam.Tests.Integration;

/// <summary>The HTTP server's start and health on real runs: a port in use, a camera that cannot be reached.</summary>
public sealed class HttpStartupTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_port_in_use_is_one_line_naming_http_listen_and_exit_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, ChildProcess.FreePort(), waitForSubscribers: 0, extra: $"http:\n  listen: 127.0.0.1:{port}");

        using var run = ChildProcess.SmartCam("run", "--config", config);
        Assert.Equal(2, run.WaitForExit(TimeSpan.FromSeconds(120)));
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("smartcam:", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        Assert.Contains($"http.listen: '127.0.0.1:{port}' is already in use", lines[0]);
        Assert.Contains(config, lines[0]);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void Healthz_is_503_while_the_camera_is_reconnecting()
    {
        // A live camera whose server is not there: capture keeps reconnecting, the status says so.
        var rtsp = ChildProcess.FreePort();
        var config = ServiceConfig.Write(_dir, $"rtsp://127.0.0.1:{rtsp}/nothing", ChildProcess.FreePort(), camera: "reconnect: { initial_ms: 200, max_ms: 1000 }",
            waitForSubscribers: 0, extra: "http:\n  listen: 127.0.0.1:0");
        using var run = ChildProcess.SmartCam("run", "--config", config);
        string? address = null;
        Assert.True(run.WaitFor(p => (address = Between(p.Stderr, "metrics on ", "\n")) is not null, TimeSpan.FromSeconds(120)), run.Stderr);
        using var client = new HttpClient { BaseAddress = new Uri(address!.Trim()) };
        // Until the first status arrives the camera is "starting" (also 503); then "reconnecting".
        (HttpStatusCode Code, string Body) answer = (0, "");
        Eventually.Until(() =>
        {
            using var response = client.GetAsync("/healthz").GetAwaiter().GetResult();
            answer = (response.StatusCode, response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Code);
            return answer.Body.Contains("reconnecting", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(120), "/healthz saying reconnecting");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Code);
        var body = JsonDocument.Parse(answer.Body).RootElement;
        Assert.False(body.GetProperty("healthy").GetBoolean());
        Assert.Equal("reconnecting", body.GetProperty("cameras").GetProperty("cam0").GetString());
        run.Signal(ChildProcess.SIGTERM);
        Assert.True(run.WaitForExit(TimeSpan.FromSeconds(60)) == 0, run.Stderr);
    }

    private static string? Between(string text, string start, string end)
    {
        var at = text.IndexOf(start, StringComparison.Ordinal);
        if (at < 0) return null;
        var stop = text.IndexOf(end, at + start.Length, StringComparison.Ordinal);
        return stop < 0 ? null : text[(at + start.Length)..stop];
    }
}
