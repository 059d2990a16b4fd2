using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmartCam.Configuration;
using SmartCam.Tests.Integration;

namespace SmartCam.Tests.Unit;

/// <summary>The <c>http:</c> section on real YAML files: defaults, the listen address, the token, HTTPS's certificate, and one clear line for each mistake.</summary>
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

    [Fact]
    public void Tls_reads_the_certificate_with_its_key_and_the_chain_after_it()
    {
        using var dir = new TempDir();
        using var pki = new TestPki();
        var http = ConfigLoader.Load(Write(dir, $"  tls: {{ cert_file: {pki.ServerCertFile}, key_file: {pki.ServerKeyFile} }}")).Http!;
        Assert.True(http.TlsCertificate!.HasPrivateKey);
        Assert.Equal("CN=localhost", http.TlsCertificate.Subject);
        Assert.Null(http.TlsChain);
        Assert.Null(ConfigLoader.Load(Write(dir, "  live_fps: 10")).Http!.TlsCertificate);

        // A file as a CA hands it out (fullchain.pem): the server's certificate first, then the CA's. Paths from the config's folder.
        dir.Write("fullchain.pem", File.ReadAllText(pki.ServerCertFile) + File.ReadAllText(pki.CaFile));
        File.Copy(pki.ServerKeyFile, dir.File("server.key"));
        http = ConfigLoader.Load(Write(dir, "  tls: { cert_file: fullchain.pem, key_file: server.key }")).Http!;
        Assert.Equal("CN=localhost", http.TlsCertificate!.Subject);
        Assert.Equal("CN=SmartCam test CA", Assert.Single(http.TlsChain!).Subject);
    }

    [Fact]
    public void A_missing_unreadable_or_mismatched_certificate_or_key_is_one_line_naming_its_key()
    {
        using var dir = new TempDir();
        using var pki = new TestPki();
        string Tls(string cert, string key) => Write(dir, $"  tls: {{ cert_file: {cert}, key_file: {key} }}");

        AssertError(Write(dir, $"  tls: {{ key_file: {pki.ServerKeyFile} }}"), "http.tls.cert_file", "is required");
        AssertError(Write(dir, $"  tls: {{ cert_file: {pki.ServerCertFile} }}"), "http.tls.key_file", "is required");
        AssertError(Tls("nowhere.pem", pki.ServerKeyFile), "http.tls.cert_file", "file not found", dir.File("nowhere.pem"));
        AssertError(Tls(pki.ServerCertFile, "nowhere.key"), "http.tls.key_file", "file not found", dir.File("nowhere.key"));

        dir.Write("text.pem", "not a certificate\n");
        AssertError(Tls("text.pem", pki.ServerKeyFile), "http.tls.cert_file", "holds no certificate", "expected a PEM certificate");
        dir.Write("broken.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        AssertError(Tls("broken.pem", pki.ServerKeyFile), "http.tls.cert_file", dir.File("broken.pem"), "expected a PEM certificate");
        // The certificate given as its own key, and a key given as the certificate.
        AssertError(Tls(pki.ServerCertFile, pki.ServerCertFile), "http.tls.key_file", "holds no PEM private key");
        AssertError(Tls(pki.ServerKeyFile, pki.ServerKeyFile), "http.tls.cert_file", "holds no certificate");
        // Another certificate's key (both P-256: only the public key tells them apart).
        AssertError(Tls(pki.ServerCertFile, pki.ClientKeyFile), "http.tls.key_file", "is not the private key of", pki.ServerCertFile);
        using var rsa = RSA.Create(2048);
        dir.Write("rsa.key", rsa.ExportPkcs8PrivateKeyPem());
        AssertError(Tls(pki.ServerCertFile, "rsa.key"), "http.tls.key_file", "is not the private key of");
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        dir.Write("encrypted.key", ec.ExportEncryptedPkcs8PrivateKeyPem("secret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));
        AssertError(Tls(pki.ServerCertFile, "encrypted.key"), "http.tls.key_file", "is encrypted", "unencrypted");
        AssertError(Write(dir, $"  tls: {{ cert_file: {pki.ServerCertFile}, key_file: {pki.ServerKeyFile}, ca_file: ca.pem }}"), "http.tls.ca_file", "unknown key");
    }

    [Fact]
    public void On_the_image_a_listen_off_the_loopback_needs_https_too()
    {
        using var dir = new TempDir();
        using var pki = new TestPki();
        var token = dir.Write("http.token", "0123456789abcdef0123456789abcdef\n");
        var plain = Write(dir, "  listen: 0.0.0.0:8080", "  auth: { token_file: http.token }");
        ConfigErrors.AssertErrorOnImage(plain, "http.listen", "'0.0.0.0:8080'", "plain HTTP stays on the loopback", "http.tls", HttpSection.ImageCertFile);
        // Off the image (a container behind its ingress) plain HTTP with the token stays allowed.
        Assert.Null(ConfigLoader.Load(plain, onImage: false).Http!.TlsCertificate);
        // The token comes first: without it the line asks for the token, as off the image.
        ConfigErrors.AssertErrorOnImage(Write(dir, "  listen: 0.0.0.0:8080"), "http.listen", "http.auth.token_file");

        var https = ConfigLoader.Load(Write(dir, "  listen: 0.0.0.0:8080", "  auth: { token_file: http.token }",
            $"  tls: {{ cert_file: {pki.ServerCertFile}, key_file: {pki.ServerKeyFile} }}"), onImage: true).Http!;
        Assert.NotNull(https.TlsCertificate);
        Assert.Equal(token, https.TokenFile);
        // On the loopback plain HTTP stays as shipped.
        Assert.Null(ConfigLoader.Load(Write(dir, "  listen: 127.0.0.1:8080"), onImage: true).Http!.TlsCertificate);
    }

    /// <summary>The LAN example in the image's shipped config (a comment) loads as on the image, with test files at its paths.</summary>
    [Fact]
    public void The_shipped_configs_LAN_example_is_https_with_the_first_boot_certificate()
    {
        var shipped = File.ReadAllLines(Repo.Path("rootfs", "etc", "smartcam", "smartcam.yaml"));
        var example = Assert.Single(shipped, l => l.StartsWith("#   http: { listen: 0.0.0.0", StringComparison.Ordinal))[4..];
        Assert.Contains($"cert_file: {HttpSection.ImageCertFile}, key_file: {HttpSection.ImageKeyFile}", example);
        var unit = File.ReadAllText(Repo.Path("rootfs", "etc", "systemd", "system", "smartcam-tls-cert.service"));
        Assert.Contains("ConditionPathExists=!" + HttpSection.ImageCertFile + "\n", unit);

        using var dir = new TempDir();
        using var pki = new TestPki();
        var token = dir.Write("http.token", "0123456789abcdef0123456789abcdef\n");
        var yaml = example.Replace(HttpSection.ImageCertFile, pki.ServerCertFile).Replace(HttpSection.ImageKeyFile, pki.ServerKeyFile)
            .Replace("/etc/smartcam/http.token", token);
        var path = dir.Write("lan.yaml", $"camera:\n  source: file://clip.avi\nmodel:\n  path: {Repo.Model}\n{yaml}\n");
        var http = ConfigLoader.Load(path, onImage: true).Http!;
        Assert.Equal((IPAddress.Any, 8080), (http.Address, http.Port));
        Assert.NotNull(http.TlsCertificate);
        Assert.NotNull(http.Token);
    }
}
