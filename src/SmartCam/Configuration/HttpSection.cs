using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmartCam.Configuration;

/// <summary>The <c>http:</c> section (with <c>auth:</c>): its keys and their reader.</summary>
public static class HttpSection
{
    public static readonly Setting<string> Listen = Setting.Text("http.listen", "127.0.0.1:8080", "ADDRESS:PORT the live view, status API and metrics are served on.");
    public static readonly Setting<int> LiveFps = Setting.Int("http.live_fps", 10, 1, 60, "At most this many pictures per second per viewer.");
    public static readonly Setting<int> JpegQuality = Setting.Int("http.jpeg_quality", 75, 1, 100, "JPEG quality of live pictures and snapshots.");
    /// <summary><see cref="Listen"/>'s default, parsed.</summary>
    internal static readonly (IPAddress Address, int Port) DefaultListen = ConfigLoader.ParseListen(Listen.Default)!.Value;

    public static readonly ConfigKey TokenFile = Setting.Without("http.auth.token_file", "none", "A file holding the token every route but /healthz then needs.");
    public static readonly ConfigKey CertFile = Setting.Without("http.tls.cert_file", "none", "PEM certificate (then its chain) HTTPS is served with; with key_file.");
    public static readonly ConfigKey KeyFile = Setting.Without("http.tls.key_file", "none", "PEM private key of cert_file.");

    /// <summary>Where the appliance image's first boot makes the box's self-signed certificate (smartcam-tls-cert.service).</summary>
    public const string ImageCertFile = "/var/lib/smartcam/tls/cert.pem", ImageKeyFile = "/var/lib/smartcam/tls/key.pem";

    /// <summary>Null when the config has no <c>http:</c> section: the server is off.</summary>
    /// <param name="onImage">Running on the appliance image, where plain HTTP stays on the loopback.</param>
    internal static HttpConfig? Read(YamlSection? s, string baseDir, bool onImage)
    {
        if (s is null) return null;
        var listen = s.String(Listen);
        if (ConfigLoader.ParseListen(listen) is not var (address, port))
            throw s.Error(s.NodeOf(Listen.Key)!, Listen.Key,
                $"'{listen}' is not host:port; expected an IP address and a port 0-65535, e.g. 127.0.0.1:8080, 0.0.0.0:8080 or [::1]:8080");
        string? token = null, tokenFile = null;
        if (s.Section("auth") is { } auth)
        {
            tokenFile = Path.GetFullPath(auth.RequiredString(TokenFile.Key), baseDir);
            var at = auth.NodeOf(TokenFile.Key)!;
            try
            {
                token = File.ReadAllText(tokenFile).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw auth.Error(at, TokenFile.Key, $"cannot read '{tokenFile}': {e.Message}; expected a file holding the token (e.g. made with: openssl rand -hex 32 > {tokenFile})");
            }
            if (token.Length < 16 || token.Any(char.IsWhiteSpace))
                throw auth.Error(at, TokenFile.Key, $"'{tokenFile}' holds {(token.Length == 0 ? "nothing" : "a token shorter than 16 characters or with spaces")}; expected one token of 16 or more characters (openssl rand -hex 32)");
            auth.RejectUnknownKeys();
        }
        // Off loopback, anyone who can reach the port would see the cameras and the config: require the token.
        if (!IPAddress.IsLoopback(address) && token is null)
            throw s.Error(s.NodeOf(Listen.Key)!, Listen.Key,
                $"'{listen}' is reachable from other machines; set http.auth.token_file (every route but /healthz then needs the token), or listen on 127.0.0.1:PORT (docs/http.md#security)");
        var tls = ReadTls(s.Section("tls"), baseDir);
        // On the box the token would cross the LAN in plain text; containers (deploy/kubernetes) keep plain HTTP behind
        // their ingress, which terminates TLS, so off the image it stays allowed.
        if (onImage && !IPAddress.IsLoopback(address) && tls is null)
            throw s.Error(s.NodeOf(Listen.Key)!, Listen.Key,
                $"'{listen}' is reachable from other machines, and on the appliance image plain HTTP stays on the loopback; set http.tls (the box's own certificate: {{ cert_file: {ImageCertFile}, key_file: {ImageKeyFile} }}), or listen on 127.0.0.1:PORT (docs/http.md#https)");
        var http = new HttpConfig
        {
            Listen = listen,
            Address = address,
            Port = port,
            LiveFps = s.Int(LiveFps),
            JpegQuality = s.Int(JpegQuality),
            Token = token,
            TokenFile = tokenFile,
            TlsCertificate = tls?.Certificate,
            TlsChain = tls?.Chain,
        };
        s.RejectUnknownKeys();
        return http;
    }

    /// <summary>
    /// The certificate with its private key, and the rest of the certificate file (intermediate CAs, sent along so that
    /// clients can build the chain); null without <c>tls:</c>. Each file is checked on its own, so that a mistake names
    /// the file it is in.
    /// </summary>
    private static (X509Certificate2 Certificate, X509Certificate2Collection? Chain)? ReadTls(YamlSection? s, string baseDir)
    {
        if (s is null) return null;
        var certPath = s.ExistingFile(CertFile.Key, s.RequiredString(CertFile.Key), baseDir);
        var keyPath = s.ExistingFile(KeyFile.Key, s.RequiredString(KeyFile.Key), baseDir);
        var certPem = ReadText(s, CertFile.Key, certPath, "a PEM certificate");
        var keyPem = ReadText(s, KeyFile.Key, keyPath, "a PEM private key");
        var certs = new X509Certificate2Collection();
        try
        {
            certs.ImportFromPem(certPem);
        }
        catch (CryptographicException e)
        {
            throw s.Error(s.NodeOf(CertFile.Key)!, CertFile.Key, $"'{certPath}': {e.Message}; expected a PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        if (certs.Count == 0)
            throw s.Error(s.NodeOf(CertFile.Key)!, CertFile.Key, $"'{certPath}' holds no certificate; expected a PEM certificate (-----BEGIN CERTIFICATE-----), then any intermediate CAs");
        var label = PrivateKeyLabel(keyPem);
        if (label is null)
            throw s.Error(s.NodeOf(KeyFile.Key)!, KeyFile.Key, $"'{keyPath}' holds no PEM private key; expected -----BEGIN PRIVATE KEY----- (or EC / RSA PRIVATE KEY)");
        if (label == "ENCRYPTED PRIVATE KEY")
            throw s.Error(s.NodeOf(KeyFile.Key)!, KeyFile.Key, $"'{keyPath}' is encrypted; expected an unencrypted PEM private key (openssl pkey -in KEY -out PLAIN), readable by the service only");
        X509Certificate2 certificate;
        try
        {
            // The first certificate of the file with the key (CreateFromPem reads the first CERTIFICATE block too).
            certificate = X509Certificate2.CreateFromPem(certPem, keyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            // ArgumentException: a key of the certificate's kind, but not its key (nothing more to say than that).
            var why = e is CryptographicException ? $" ({e.Message})" : "";
            throw s.Error(s.NodeOf(KeyFile.Key)!, KeyFile.Key, $"'{keyPath}' is not the private key of '{certPath}'{why}; expected the key the certificate was made with");
        }
        certs[0].Dispose(); // the leaf again: certificate has it, with its key
        X509Certificate2Collection? chain = certs.Count > 1 ? [.. certs.Skip(1)] : null;
        s.RejectUnknownKeys();
        return (certificate, chain);
    }

    /// <summary>The label of the file's first PEM block that holds a private key (a file may hold the certificate too); null when none does.</summary>
    private static string? PrivateKeyLabel(string pem)
    {
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label];
            if (label.EndsWith("PRIVATE KEY", StringComparison.Ordinal)) return label.ToString();
            rest = rest[fields.Location.End..];
        }
        return null;
    }

    private static string ReadText(YamlSection s, string key, string path, string expected)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw s.Error(s.NodeOf(key)!, key, $"cannot read '{path}': {e.Message}; expected {expected} the service's user can read");
        }
    }
}
