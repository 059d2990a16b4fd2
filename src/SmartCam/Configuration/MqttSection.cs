using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmartCam.Configuration;

/// <summary>The <c>mqtt:</c> section: events, status and (optionally) detections off the box to an MQTT broker (docs/mqtt.md).</summary>
public static class MqttSection
{
    public static readonly ConfigKey Url = Setting.Required("mqtt.url", "The broker: mqtt://HOST[:PORT] (1883) or mqtts://HOST[:PORT] (8883, TLS).");
    public static readonly ConfigKey ClientId = Setting.Without("mqtt.client_id", "the host name", "The MQTT client id; also names the box in topics and Home Assistant.");
    public static readonly ConfigKey TopicPrefix = Setting.Without("mqtt.topic_prefix", "`smartcam/<client_id>`", "Every topic starts with it.");
    public static readonly ConfigKey Username = Setting.Without("mqtt.username", "none", "Login name, with password_file.");
    public static readonly ConfigKey PasswordFile = Setting.Without("mqtt.password_file", "none", "A file holding the password.");
    public static readonly Setting<int> KeepAliveS = Setting.Int("mqtt.keepalive_s", 30, 5, 3600, "MQTT keep-alive: how soon a dead link is noticed.");
    public static readonly Setting<int> SessionExpiryS = Setting.Int("mqtt.session_expiry_s", 86_400, 0, int.MaxValue, "How long the broker keeps the box's session while it is away.");
    public static readonly ConfigKey CaFile = Setting.Without("mqtt.tls.ca_file", "the system's CAs", "PEM file of the CA(s) that signed the broker's certificate.");
    public static readonly ConfigKey CertFile = Setting.Without("mqtt.tls.cert_file", "none", "PEM client certificate, with key_file.");
    public static readonly ConfigKey KeyFile = Setting.Without("mqtt.tls.key_file", "none", "PEM private key of cert_file.");
    public static readonly Setting<bool> Insecure = Setting.Bool("mqtt.tls.insecure", false, "Accept any broker certificate (testing only).");
    public static readonly Setting<bool> Events = Setting.Bool("mqtt.publish.events", true, "evt. messages, at QoS 1 through the outbox.");
    public static readonly Setting<int> StatusS = Setting.Int("mqtt.publish.status_s", 10, 1, 3600, "Status messages (retained) at most this often.");
    public static readonly Setting<bool> Detections = Setting.Bool("mqtt.publish.detections", false, "det. messages too, at QoS 0.");
    public static readonly Setting<int> DetectionsFps = Setting.Int("mqtt.publish.detections_fps", 2, 1, 60, "At most this many det. messages per second per camera.");
    public static readonly Setting<string> OutboxPath = Setting.Text("mqtt.outbox.path", "/var/lib/smartcam/mqtt-outbox", "The folder of the on-disk outbox.");
    public static readonly Setting<float> OutboxMaxMb = Setting.Float("mqtt.outbox.max_mb", 64, 0.01f, 100_000, "Past this size the oldest events are dropped (counted).");
    public static readonly Setting<bool> Discovery = Setting.Bool("mqtt.home_assistant.discovery", false, "Publish Home Assistant MQTT discovery configs.");
    public static readonly Setting<string> DiscoveryPrefix = Setting.Text("mqtt.home_assistant.prefix", "homeassistant", "Home Assistant's discovery prefix.");

    /// <summary>Null when the config has no <c>mqtt:</c> section: nothing goes off the box.</summary>
    internal static MqttConfig? Read(YamlSection? s, string baseDir)
    {
        if (s is null) return null;
        var url = s.RequiredString(Url.Key);
        if (ParseUrl(url) is not var (tls, host, port))
            throw s.Error(s.NodeOf(Url.Key)!, Url.Key, $"'{url}' is not mqtt://HOST[:PORT] or mqtts://HOST[:PORT]; e.g. mqtts://broker.example:8883");

        var clientId = s.String(ClientId.Key) ?? HostName();
        if (clientId.Length is 0 or > 128 || clientId.Any(c => char.IsWhiteSpace(c) || c is '+' or '#' or '/'))
            throw s.Error(s.NodeOf(ClientId.Key)!, ClientId.Key, $"'{clientId}' is not a client id; expected 1-128 characters without spaces, '/', '+' or '#'");
        var prefix = s.String(TopicPrefix.Key) ?? "smartcam/" + clientId;
        if (prefix.Length == 0 || prefix.Contains('+') || prefix.Contains('#') || prefix.StartsWith('/') || prefix.EndsWith('/'))
            throw s.Error(s.NodeOf(TopicPrefix.Key)!, TopicPrefix.Key, $"'{prefix}' is not a topic prefix; expected levels separated by '/', without '+', '#' or a leading or trailing '/'");

        var username = s.String(Username.Key);
        string? password = null;
        if (s.String(PasswordFile.Key) is { } passwordFile)
        {
            if (username is null) throw s.Error(s.NodeOf(PasswordFile.Key)!, PasswordFile.Key, "needs mqtt.username");
            var full = s.FullPath(PasswordFile.Key, passwordFile, baseDir);
            try
            {
                password = File.ReadAllText(full).TrimEnd('\r', '\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw s.Error(s.NodeOf(PasswordFile.Key)!, PasswordFile.Key, $"cannot read '{full}': {e.Message}; expected a file holding the password");
            }
        }

        var (trust, client, insecure) = ReadTls(s.Section("tls"), tls, baseDir);

        var publish = s.Section("publish");
        var outbox = s.Section("outbox");
        var ha = s.Section("home_assistant");
        var config = new MqttConfig
        {
            Url = url,
            Tls = tls,
            Host = host,
            Port = port,
            ClientId = clientId,
            TopicPrefix = prefix,
            Username = username,
            Password = password,
            KeepAliveS = s.Int(KeepAliveS),
            SessionExpiryS = s.Int(SessionExpiryS),
            TrustedCas = trust,
            ClientCertificate = client,
            Insecure = insecure,
            Events = publish?.Bool(Events) ?? Events.Default,
            StatusS = publish?.Int(StatusS) ?? StatusS.Default,
            Detections = publish?.Bool(Detections) ?? Detections.Default,
            DetectionsFps = publish?.Int(DetectionsFps) ?? DetectionsFps.Default,
            OutboxPath = outbox?.FullPath(OutboxPath.Key, outbox.String(OutboxPath), baseDir) ?? OutboxPath.Default,
            OutboxMaxBytes = (long)((outbox?.Float(OutboxMaxMb) ?? OutboxMaxMb.Default) * 1024 * 1024),
            Discovery = ha?.Bool(Discovery) ?? Discovery.Default,
            DiscoveryPrefix = ha?.String(DiscoveryPrefix) ?? DiscoveryPrefix.Default,
        };
        if (config.DiscoveryPrefix.Length == 0 || config.DiscoveryPrefix.Contains('+') || config.DiscoveryPrefix.Contains('#'))
            throw ha!.Error(ha.NodeOf(DiscoveryPrefix.Key)!, DiscoveryPrefix.Key, $"'{config.DiscoveryPrefix}' is not a topic prefix; expected e.g. homeassistant");
        publish?.RejectUnknownKeys();
        outbox?.RejectUnknownKeys();
        ha?.RejectUnknownKeys();
        s.RejectUnknownKeys();
        return config;
    }

    /// <summary>mqtt://HOST[:PORT] or mqtts://HOST[:PORT] (a trailing '/' allowed); null when it is neither.</summary>
    internal static (bool Tls, string Host, int Port)? ParseUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        var tls = uri.Scheme switch { "mqtts" => true, "mqtt" => false, _ => (bool?)null };
        if (tls is null || uri.Host.Length == 0 || uri.AbsolutePath is not ("/" or "") || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            return null;
        var port = uri.IsDefaultPort || uri.Port < 0 ? (tls.Value ? 8883 : 1883) : uri.Port;
        if (port is < 1 or > 65535) return null;
        return (tls.Value, uri.IdnHost.Trim('[', ']'), port);
    }

    private static (X509Certificate2Collection?, X509Certificate2?, bool) ReadTls(YamlSection? s, bool tls, string baseDir)
    {
        if (s is null) return (null, null, false);
        if (!tls) throw s.SectionError(s.Node, "needs an mqtts:// url (TLS); with mqtt:// the connection is plain text");
        X509Certificate2Collection? trust = null;
        if (s.String(CaFile.Key) is { } ca)
        {
            var full = s.ExistingFile(CaFile.Key, ca, baseDir);
            trust = [];
            try
            {
                trust.ImportFromPemFile(full);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw s.Error(s.NodeOf(CaFile.Key)!, CaFile.Key, $"cannot read '{full}': {e.Message}; expected PEM certificates (-----BEGIN CERTIFICATE-----)");
            }
            if (trust.Count == 0) throw s.Error(s.NodeOf(CaFile.Key)!, CaFile.Key, $"'{full}' holds no certificate; expected PEM certificates (-----BEGIN CERTIFICATE-----)");
        }
        X509Certificate2? client = null;
        var cert = s.String(CertFile.Key);
        var key = s.String(KeyFile.Key);
        if (cert is not null || key is not null)
        {
            if (cert is null) throw s.Error(s.NodeOf(KeyFile.Key)!, KeyFile.Key, "needs mqtt.tls.cert_file, the certificate it belongs to");
            if (key is null) throw s.Error(s.NodeOf(CertFile.Key)!, CertFile.Key, "needs mqtt.tls.key_file, the certificate's private key");
            var certPath = s.ExistingFile(CertFile.Key, cert, baseDir);
            var keyPath = s.ExistingFile(KeyFile.Key, key, baseDir);
            try
            {
                client = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            }
            catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw s.Error(s.NodeOf(KeyFile.Key)!, KeyFile.Key, $"'{certPath}' with '{keyPath}': {e.Message}; expected a PEM certificate and its PEM private key");
            }
        }
        var insecure = s.Bool(Insecure);
        s.RejectUnknownKeys();
        return (trust, client, insecure);
    }

    private static string HostName()
    {
        var name = Environment.MachineName;
        return name.Length == 0 ? "smartcam" : name;
    }
}
