using System.Net;

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

    /// <summary>Null when the config has no <c>http:</c> section: the server is off.</summary>
    internal static HttpConfig? Read(YamlSection? s, string baseDir)
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
        var http = new HttpConfig
        {
            Listen = listen,
            Address = address,
            Port = port,
            LiveFps = s.Int(LiveFps),
            JpegQuality = s.Int(JpegQuality),
            Token = token,
            TokenFile = tokenFile,
        };
        s.RejectUnknownKeys();
        return http;
    }
}
