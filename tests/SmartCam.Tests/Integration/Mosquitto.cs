using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace SmartCam.Tests.Integration;

/// <summary>
/// Debian's mosquitto on a free loopback port, with persistence in its own folder (so a subscriber's session and its
/// queued messages survive <see cref="Stop"/> and <see cref="Start"/> on the same port), and optionally TLS and logins.
/// </summary>
public sealed class Mosquitto : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _config;
    private ChildProcess? _process;

    public int Port { get; } = ChildProcess.FreePort();
    public TestPki? Pki { get; }

    /// <param name="pki">TLS with these files, client certificates required; null: plain MQTT.</param>
    /// <param name="login">A user and password the broker requires (no anonymous clients); null: anonymous allowed.</param>
    public Mosquitto(TestPki? pki = null, (string User, string Password)? login = null)
    {
        Pki = pki;
        var text = new StringBuilder();
        // Run as root, mosquitto would switch to its own user, who cannot read the test's private folder.
        text.AppendLine($"user {Environment.UserName}");
        text.AppendLine($"listener {Port} 127.0.0.1");
        text.AppendLine("persistence true");
        text.AppendLine($"persistence_location {_dir.Path}/");
        text.AppendLine("log_dest stderr");
        text.AppendLine("log_type error");
        text.AppendLine("log_type warning");
        text.AppendLine("log_type notice");
        if (pki is not null)
        {
            text.AppendLine($"cafile {pki.CaFile}");
            text.AppendLine($"certfile {pki.ServerCertFile}");
            text.AppendLine($"keyfile {pki.ServerKeyFile}");
            text.AppendLine("require_certificate true");
        }
        if (login is { } l)
        {
            var passwords = _dir.File("passwords");
            using (var passwd = ChildProcess.Start("mosquitto_passwd", "-b", "-c", passwords, l.User, l.Password))
                Assert.Equal(0, passwd.WaitForExit(TimeSpan.FromSeconds(30)));
            text.AppendLine("allow_anonymous false");
            text.AppendLine($"password_file {passwords}");
        }
        else
        {
            text.AppendLine("allow_anonymous true");
        }
        _config = _dir.Write("mosquitto.conf", text.ToString());
        Start();
    }

    public string Url => (Pki is null ? "mqtt" : "mqtts") + $"://127.0.0.1:{Port}";

    /// <summary>What the broker logged (its own stderr), for failure messages.</summary>
    public string Log => _process is null ? "" : _process.Stderr;

    /// <summary>Starts it and waits until it accepts connections.</summary>
    public void Start()
    {
        _process = ChildProcess.Start("mosquitto", "-c", _config);
        Eventually.Until(() => _process.HasExited || Accepts(), TimeSpan.FromSeconds(30), $"mosquitto accepting on port {Port}");
        Assert.False(_process.HasExited, $"mosquitto exited: {_process.Stderr}");
    }

    /// <summary>Stops it as a service stop does (SIGTERM: it saves sessions and retained messages) and waits for it.</summary>
    public void Stop()
    {
        if (_process is null) return;
        _process.Signal(ChildProcess.SIGTERM);
        Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(30)) >= 0, "mosquitto did not stop on SIGTERM");
        _process.Dispose();
        _process = null;
    }

    private bool Accepts()
    {
        try
        {
            using var socket = new TcpClient();
            socket.Connect("127.0.0.1", Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _process?.Dispose();
        _dir.Dispose();
    }
}

/// <summary>A test CA, a server certificate for 127.0.0.1 and localhost, and a client certificate, as PEM files.</summary>
public sealed class TestPki : IDisposable
{
    private readonly TempDir _dir = new();

    public string CaFile { get; }
    public string ServerCertFile { get; }
    public string ServerKeyFile { get; }
    public string ClientCertFile { get; }
    public string ClientKeyFile { get; }

    public TestPki(string name = "SmartCam test CA")
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={name}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        CaFile = _dir.Write("ca.pem", ca.ExportCertificatePem() + "\n");
        (ServerCertFile, ServerKeyFile) = Issue(ca, caKey, "localhost", server: true);
        (ClientCertFile, ClientKeyFile) = Issue(ca, caKey, "smartcam-test-client", server: false);
    }

    private (string Cert, string Key) Issue(X509Certificate2 ca, ECDsa caKey, string subject, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }
        var now = DateTimeOffset.UtcNow;
        using var cert = request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), now.AddDays(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(8));
        var prefix = server ? "server" : "client";
        return (_dir.Write($"{prefix}.pem", cert.ExportCertificatePem() + "\n"), _dir.Write($"{prefix}.key", key.ExportPkcs8PrivateKeyPem() + "\n"));
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>One message as a subscriber got it.</summary>
public sealed record MqttReceived(string Topic, string Payload, bool Retained)
{
    public JsonElement Json => JsonDocument.Parse(Payload).RootElement;
}

/// <summary>
/// An MQTT subscriber for the tests (MQTTnet, a persistent session at QoS 1): collects every message on its filters, and
/// reconnects when the broker comes back, so messages queued for it while the broker was stopped arrive.
/// </summary>
public sealed class MqttCollector : IDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly MqttClientOptions _options;
    private readonly string[] _filters;
    private readonly ConcurrentQueue<MqttReceived> _messages = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _keeper;

    public MqttCollector(Mosquitto broker, params string[] filters)
    {
        _filters = filters;
        var builder = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("test-" + Guid.NewGuid().ToString("N")[..12])
            .WithProtocolVersion(MqttProtocolVersion.V500).WithCleanStart(false).WithSessionExpiryInterval(3600);
        if (broker.Pki is { } pki)
        {
            var trust = new X509Certificate2Collection();
            trust.ImportFromPemFile(pki.CaFile);
            var client = X509Certificate2.CreateFromPemFile(pki.ClientCertFile, pki.ClientKeyFile);
            builder.WithTlsOptions(t => t.UseTls().WithTargetHost("localhost").WithTrustChain(trust).WithClientCertificates([client]));
        }
        _options = builder.Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _messages.Enqueue(new MqttReceived(e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload), e.ApplicationMessage.Retain));
            return Task.CompletedTask;
        };
        Connect().GetAwaiter().GetResult();
        _keeper = Task.Run(KeepConnected);
    }

    public IReadOnlyList<MqttReceived> Messages => _messages.ToArray();

    public IReadOnlyList<MqttReceived> On(string topic) => Messages.Where(m => m.Topic == topic).ToList();

    private async Task Connect()
    {
        await _client.ConnectAsync(_options, _stop.Token);
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var f in _filters) subscribe.WithTopicFilter(f, MqttQualityOfServiceLevel.AtLeastOnce);
        await _client.SubscribeAsync(subscribe.Build(), _stop.Token);
    }

    /// <summary>Reconnects while the broker is away (a retry loop, not a synchronisation: the tests wait on what arrives).</summary>
    private async Task KeepConnected()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected) await Connect();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The broker is stopped: try again.
            }
            try
            {
                await Task.Delay(100, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _keeper.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
        }
        _client.Dispose();
        _stop.Dispose();
    }
}
