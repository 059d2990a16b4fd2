using SmartCam.Core;

namespace SmartCam.Configuration;

/// <summary>The <c>publish:</c> section (with <c>curve:</c>): its keys and their reader.</summary>
public static class PublishSection
{
    public static readonly Setting<string> Endpoint = Setting.Text("publish.endpoint", "tcp://127.0.0.1:5556", "Where the ZeroMQ publisher binds: tcp://HOST:PORT.");
    public static readonly Setting<int> SendHighWatermark = Setting.Int("publish.send_hwm", 64, 1, 100_000, "Messages queued per subscriber before a slow one loses messages.");
    public static readonly Setting<int> SendBufferBytes = Setting.Int("publish.send_buffer_bytes", 0, 0, 64 * 1024 * 1024, "SO_SNDBUF per subscriber connection; 0: the kernel's automatic sizing.");
    public static readonly Setting<int> StatusIntervalMs = Setting.Int("publish.status_interval_ms", 1000, 100, 3_600_000, "How often status.<id> is published.");
    public static readonly Setting<int> WaitForSubscribers = Setting.Int("publish.wait_for_subscribers", 0, 0, 1000, "Before capturing, wait until this many subscriptions exist.");
    public static readonly Setting<int> WaitTimeoutMs = Setting.Int("publish.wait_timeout_ms", 10_000, 0, 3_600_000, "How long to wait for them.");
    public static readonly Setting<int> LingerMs = Setting.Int("publish.linger_ms", 2000, 0, 60_000, "At shutdown, how long queued messages may take to go out.");
    public static readonly Setting<bool> Insecure = Setting.Bool("publish.insecure", false, "Allow a non-loopback endpoint in plain text.");
    public static readonly ConfigKey CurveSecretKeyFile = Setting.Without("publish.curve.secret_key_file", "none", "Encrypt the bus with CURVE: the server's secret key file.");
    public static readonly ConfigKey CurveAllowedClients = Setting.Without("publish.curve.allowed_clients", "—", "Refused: NetMQ 4.0 has no ZAP to check client keys.");

    internal static PublishConfig Read(YamlSection? s, string baseDir)
    {
        if (s is null) return new PublishConfig();
        var endpoint = s.String(Endpoint);
        var problem = ConfigLoader.EndpointProblem(endpoint);
        if (problem is not null) throw s.Error(s.NodeOf(Endpoint.Key)!, Endpoint.Key, problem);
        var insecure = s.Bool(Insecure);
        var curveSecretKey = ReadCurve(s.Section("curve"), baseDir);
        // Off loopback, anyone who can reach the port would read every detection: encrypt or say so explicitly.
        if (!ConfigLoader.IsLoopback(endpoint) && curveSecretKey is null && !insecure)
            throw s.Error(s.NodeOf(Endpoint.Key)!, Endpoint.Key,
                $"'{endpoint}' is reachable from other machines and would publish in plain text; set publish.curve.secret_key_file (encrypted, see docs/messages.md#security), or publish.insecure: true to accept plain text, or bind tcp://127.0.0.1:PORT");
        var publish = new PublishConfig
        {
            Endpoint = endpoint,
            SendHighWatermark = s.Int(SendHighWatermark),
            StatusIntervalMs = s.Int(StatusIntervalMs),
            WaitForSubscribers = s.Int(WaitForSubscribers),
            WaitTimeoutMs = s.Int(WaitTimeoutMs),
            LingerMs = s.Int(LingerMs),
            SendBufferBytes = s.Int(SendBufferBytes),
            CurveSecretKey = curveSecretKey,
            Insecure = insecure,
        };
        s.RejectUnknownKeys();
        return publish;
    }

    /// <summary>The CURVE server secret key from <c>publish.curve</c>, checked now so a bad key is a config error, not a runtime one.</summary>
    private static byte[]? ReadCurve(YamlSection? s, string baseDir)
    {
        if (s is null) return null;
        // NetMQ 4.0 has no ZAP handler, so the server cannot check client keys; refuse rather than pretend.
        if (s.NodeOf(CurveAllowedClients.Key) is { } allowed)
            throw s.Error(allowed, CurveAllowedClients.Key,
                "not supported: NetMQ 4.0 does not implement ZAP, so the publisher cannot check client keys; CURVE encrypts the bus and only clients that know the server's public key can subscribe (remove the key; see docs/messages.md#security)");
        var file = s.RequiredString(CurveSecretKeyFile.Key);
        var key = CurveKeys.ReadSecretKey(Path.GetFullPath(file, baseDir), out var problem);
        if (key is null) throw s.Error(s.NodeOf(CurveSecretKeyFile.Key)!, CurveSecretKeyFile.Key, problem!);
        s.RejectUnknownKeys();
        return key;
    }
}
