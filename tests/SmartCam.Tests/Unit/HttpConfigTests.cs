using System.Net;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>The <c>http:</c> section on real YAML files: defaults, the listen address, the token, and one clear line for each mistake.</summary>
public class HttpConfigTests
{
    private static string Write(TempDir dir, params string[] http) =>
        dir.Write("smartcam.yaml", string.Join("\n", ["camera:", "  source: file://clip.avi", "model:", "  path: " + Repo.Model, "http:", .. http]) + "\n");

    private static void AssertError(string path, string key, params string[] more) => ConfigErrors.AssertError(path, key, more);

    [Fact]
    public void Off_without_the_section_and_loopback_8080_with_an_empty_one()
    {
        using var dir = new TempDir();
        var off = dir.Write("off.yaml", $"camera:\n  source: file://clip.avi\nmodel:\n  path: {Repo.Model}\n");
        Assert.Null(ConfigLoader.Load(off).Http);

        var http = ConfigLoader.Load(Write(dir, "  live_fps: 10")).Http!;
        Assert.Equal(("127.0.0.1:8080", IPAddress.Loopback, 8080), (http.Listen, http.Address, http.Port));
        Assert.Equal((10, 75), (http.LiveFps, http.JpegQuality));
        Assert.Null(http.Token);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("0.0.0.0:80", "0.0.0.0", 80)]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData("[::]:0", "::", 0)]
    [InlineData("localhost:8080", "127.0.0.1", 8080)]
    [InlineData("192.168.1.20:65535", "192.168.1.20", 65535)]
    public void Listen_takes_an_address_and_a_port(string listen, string address, int port)
    {
        Assert.Equal((IPAddress.Parse(address), port), ConfigLoader.ParseListen(listen));
    }

    [Theory]
    [InlineData("8080")]
    [InlineData(":8080")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("127.0.0.1:80x")]
    [InlineData("::1:8080")]
    [InlineData("[::1:8080")]
    [InlineData("10.1:8080")]
    [InlineData("camera.local:8080")]
    [InlineData("http://127.0.0.1:8080")]
    public void Listen_refuses_anything_else(string listen)
    {
        Assert.Null(ConfigLoader.ParseListen(listen));
        using var dir = new TempDir();
        AssertError(Write(dir, $"  listen: \"{listen}\""), "http.listen", $"'{listen}'", "expected an IP address and a port");
    }

    [Fact]
    public void Off_loopback_it_needs_the_token()
    {
        using var dir = new TempDir();
        AssertError(Write(dir, "  listen: 0.0.0.0:8080"), "http.listen", "reachable from other machines", "http.auth.token_file");

        var token = dir.Write("http.token", "0123456789abcdef0123456789abcdef\n");
        var http = ConfigLoader.Load(Write(dir, "  listen: 0.0.0.0:8080", "  auth: { token_file: http.token }")).Http!;
        Assert.Equal(("0123456789abcdef0123456789abcdef", token), (http.Token, http.TokenFile));
    }

    [Fact]
    public void A_missing_short_or_unknown_token_setting_is_one_line_naming_the_key()
    {
        using var dir = new TempDir();
        AssertError(Write(dir, "  auth: { token_file: nowhere.token }"), "http.auth.token_file", dir.File("nowhere.token"), "openssl rand -hex 32");
        dir.Write("short.token", "abc\n");
        AssertError(Write(dir, "  auth: { token_file: short.token }"), "http.auth.token_file", "shorter than 16");
        AssertError(Write(dir, "  auth: { token: abc }"), "http.auth.token_file", "is required");
        AssertError(Write(dir, "  live_fps: 0"), "http.live_fps");
        AssertError(Write(dir, "  jpeg_quality: 101"), "http.jpeg_quality");
        AssertError(Write(dir, "  port: 8080"), "http.port", "unknown key", "listen");
    }
}
