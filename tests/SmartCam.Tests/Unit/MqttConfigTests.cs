using SmartCam.Configuration;
using SmartCam.Tests.Integration;

namespace SmartCam.Tests.Unit;

/// <summary>The <c>mqtt:</c> section on real YAML files: defaults, the URL, TLS files, and one clear line for each mistake.</summary>
public class MqttConfigTests
{
    private static string Write(TempDir dir, params string[] mqtt) =>
        dir.Write("smartcam.yaml", string.Join("\n", ["camera:", "  source: file://clip.avi", "model:", "  path: " + Repo.Model, "mqtt:", .. mqtt]) + "\n");

    private static void AssertError(string path, string key, params string[] more) => ConfigErrors.AssertError(path, key, more);

    [Fact]
    public void Off_without_the_section_and_the_documented_defaults_with_a_url()
    {
        using var dir = new TempDir();
        Assert.Null(ConfigLoader.Load(dir.Write("off.yaml", $"camera:\n  source: file://clip.avi\nmodel:\n  path: {Repo.Model}\n")).Mqtt);
        var mqtt = ConfigLoader.Load(Write(dir, "  url: mqtt://broker.lan")).Mqtt!;
        Assert.Equal((false, "broker.lan", 1883), (mqtt.Tls, mqtt.Host, mqtt.Port));
        Assert.Equal(Environment.MachineName, mqtt.ClientId);
        Assert.Equal("smartcam/" + Environment.MachineName, mqtt.TopicPrefix);
        Assert.Equal((true, 10, false, 2), (mqtt.Events, mqtt.StatusS, mqtt.Detections, mqtt.DetectionsFps));
        Assert.Equal(("/var/lib/smartcam/mqtt-outbox", 64L * 1024 * 1024), (mqtt.OutboxPath, mqtt.OutboxMaxBytes));
        Assert.Equal((false, "homeassistant"), (mqtt.Discovery, mqtt.DiscoveryPrefix));
        Assert.Equal((30, 86_400), (mqtt.KeepAliveS, mqtt.SessionExpiryS));
        Assert.Null(mqtt.Username);

        var tls = ConfigLoader.Load(Write(dir, "  url: mqtts://[::1]", "  client_id: gate-01", "  outbox: { path: spool, max_mb: 0.5 }")).Mqtt!;
        Assert.Equal((true, "::1", 8883, "smartcam/gate-01"), (tls.Tls, tls.Host, tls.Port, tls.TopicPrefix));
        Assert.Equal((Path.Combine(dir.Path, "spool"), 512L * 1024), (tls.OutboxPath, tls.OutboxMaxBytes)); // relative to the config
    }

    [Theory]
    [InlineData("broker.lan:1883")]
    [InlineData("http://broker.lan")]
    [InlineData("mqtt://")]
    [InlineData("mqtt://broker.lan/topic")]
    [InlineData("mqtt://user:pw@broker.lan")]
    [InlineData("mqtt://broker.lan:99999")]
    public void A_malformed_url_names_the_key(string url)
    {
        using var dir = new TempDir();
        AssertError(Write(dir, $"  url: '{url}'"), "mqtt.url", "mqtt://HOST[:PORT] or mqtts://HOST[:PORT]");
    }

    [Fact]
    public void Every_mistake_is_one_line_naming_its_key()
    {
        using var dir = new TempDir();
        AssertError(Write(dir, "  client_id: box1"), "mqtt.url", "is required");
        AssertError(Write(dir, "  url: mqtt://b", "  tls: { insecure: true }"), "mqtt.tls", "mqtts://");
        AssertError(Write(dir, "  url: mqtts://b", "  tls: { ca_file: /nonexistent/ca.pem }"), "mqtt.tls.ca_file", "file not found");
        var notPem = dir.Write("ca.pem", "not a certificate\n");
        AssertError(Write(dir, "  url: mqtts://b", $"  tls: {{ ca_file: {notPem} }}"), "mqtt.tls.ca_file", "holds no certificate");
        using var pki = new TestPki();
        AssertError(Write(dir, "  url: mqtts://b", $"  tls: {{ key_file: {pki.ClientKeyFile} }}"), "mqtt.tls.key_file", "needs mqtt.tls.cert_file");
        AssertError(Write(dir, "  url: mqtts://b", $"  tls: {{ cert_file: {pki.ClientCertFile} }}"), "mqtt.tls.cert_file", "needs mqtt.tls.key_file");
        AssertError(Write(dir, "  url: mqtts://b", $"  tls: {{ cert_file: {pki.ClientCertFile}, key_file: {pki.ServerKeyFile} }}"), "mqtt.tls.key_file");
        AssertError(Write(dir, "  url: mqtt://b", "  password_file: /etc/hostname"), "mqtt.password_file", "needs mqtt.username");
        AssertError(Write(dir, "  url: mqtt://b", "  username: u", "  password_file: /nonexistent/pass"), "mqtt.password_file", "cannot read");
        AssertError(Write(dir, "  url: mqtt://b", "  client_id: 'a b'"), "mqtt.client_id");
        AssertError(Write(dir, "  url: mqtt://b", "  topic_prefix: 'site/#'"), "mqtt.topic_prefix");
        AssertError(Write(dir, "  url: mqtt://b", "  outbox: { max_mb: 0 }"), "mqtt.outbox.max_mb", "out of range");
        AssertError(Write(dir, "  url: mqtt://b", "  publish: { status_s: 0 }"), "mqtt.publish.status_s", "out of range");
        AssertError(Write(dir, "  url: mqtt://b", "  publish: { detection: true }"), "mqtt.publish.detection", "unknown key");
        AssertError(Write(dir, "  url: mqtt://b", "  brokr: x"), "mqtt.brokr", "unknown key");
        AssertError(Write(dir, "  url: mqtt://b", "  home_assistant: { discovery: yes please }"), "mqtt.home_assistant.discovery", "not a boolean");
    }

    [Fact]
    public void A_client_certificate_with_its_key_and_a_CA_are_read()
    {
        using var dir = new TempDir();
        using var pki = new TestPki();
        var password = dir.Write("pass", "s3cret\n");
        var mqtt = ConfigLoader.Load(Write(dir, "  url: mqtts://b:8884", "  username: box", $"  password_file: {password}",
            $"  tls: {{ ca_file: {pki.CaFile}, cert_file: {pki.ClientCertFile}, key_file: {pki.ClientKeyFile} }}")).Mqtt!;
        Assert.Equal(8884, mqtt.Port);
        Assert.Equal(("box", "s3cret"), (mqtt.Username, mqtt.Password));
        Assert.Single(mqtt.TrustedCas!);
        Assert.True(mqtt.ClientCertificate!.HasPrivateKey);
    }
}
