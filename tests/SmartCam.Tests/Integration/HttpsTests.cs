namespace SmartCam.Tests.Integration;

/// <summary>
/// HTTPS (<c>http.tls</c>) on a real run of the sample clip, checked with curl as a user would: trusted through the test
/// CA (<c>--cacert</c>), refused without it, and the token still needed in a header.
/// </summary>
public sealed class HttpsTests : IDisposable
{
    private const string Token = "9b1e4c7a20d35f8e6a4c1b0d9e7f2a36";
    private readonly TempDir _dir = new();
    private readonly TestPki _pki = new();

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Dispose();
    }

    /// <summary>curl's exit status (60: the server's certificate is not trusted), the HTTP status, and the body (or curl's error).</summary>
    private static (int Exit, string Code, string Body) Curl(params string[] args)
    {
        using var curl = ChildProcess.Start("curl", ["--silent", "--show-error", "--max-time", "30", "--write-out", "\n%{http_code}", .. args]);
        var exit = curl.WaitForExit(TimeSpan.FromSeconds(60));
        var output = curl.Stdout.TrimEnd('\n');
        var last = output.LastIndexOf('\n');
        return (exit, output[(last + 1)..], exit != 0 ? curl.Stderr.Trim() : last < 0 ? "" : output[..last]);
    }

    [Fact]
    public void Serves_https_with_the_configured_certificate_and_the_token_in_a_header()
    {
        var port = ChildProcess.FreePort();
        var tokenFile = _dir.Write("http.token", Token + "\n");
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, ChildProcess.FreePort(), camera: "loop: true\n  pace: realtime", waitForSubscribers: 0, extra: $$"""
            http:
              listen: 127.0.0.1:{{port}}
              tls: { cert_file: {{_pki.ServerCertFile}}, key_file: {{_pki.ServerKeyFile}} }
              auth: { token_file: {{tokenFile}} }
            """);
        using var run = ChildProcess.SmartCam("run", "--config", config);
        var url = $"https://127.0.0.1:{port}";
        Assert.True(run.WaitFor(p => p.Stderr.Contains($"metrics on {url} (token required) (certificate CN=localhost", StringComparison.Ordinal), TimeSpan.FromSeconds(120)),
            "the service did not say it serves HTTPS\n" + run.Stderr);

        // /healthz: open to all, 503 until frames flow; every answer comes over TLS the test CA vouches for.
        var health = (Exit: -1, Code: "", Body: "");
        Eventually.Until(() =>
        {
            Assert.False(run.HasExited, "the service exited\n" + run.Stderr);
            health = Curl("--cacert", _pki.CaFile, url + "/healthz");
            Assert.True(health.Exit == 0, $"curl --cacert exited {health.Exit}: {health.Body}");
            return health.Code == "200";
        }, TimeSpan.FromSeconds(120), "/healthz 200 over HTTPS");
        Assert.Contains("\"healthy\":true", health.Body);

        var status = Curl("--cacert", _pki.CaFile, "--header", "Authorization: Bearer " + Token, url + "/api/status");
        Assert.Equal((0, "200"), (status.Exit, status.Code));
        Assert.Contains("\"cam0\"", status.Body);
        var anonymous = Curl("--cacert", _pki.CaFile, url + "/api/status");
        Assert.Equal((0, "401"), (anonymous.Exit, anonymous.Code));

        // Without the CA the certificate is not trusted (curl's 60); plain HTTP on the port gets no answer.
        var untrusted = Curl(url + "/healthz");
        Assert.True(untrusted.Exit == 60, $"curl without --cacert exited {untrusted.Exit}: {untrusted.Body}");
        Assert.NotEqual(0, Curl($"http://127.0.0.1:{port}/healthz").Exit);

        run.Signal(ChildProcess.SIGTERM);
        Assert.True(run.WaitForExit(TimeSpan.FromSeconds(60)) == 0, run.Stderr);
    }
}
