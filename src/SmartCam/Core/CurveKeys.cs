using System.Security.Cryptography;
using NetMQ;

namespace SmartCam.Core;

/// <summary>
/// ZeroMQ CURVE key files for the bus. A secret key file holds the server's 32-byte secret key, either as
/// one Z85 line (40 characters) or in the ZeroMQ certificate format that <c>smartcam keygen</c>, czmq's
/// zcert and pyzmq's <c>zmq.auth.create_certificates</c> write (<c>secret-key = "…"</c>). Every problem
/// comes back as one sentence naming the file, for the config loader to prefix with the key.
/// </summary>
public static class CurveKeys
{
    public const int KeyBytes = 32;
    public const int Z85Length = 40;
    private const string Z85Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

    /// <summary>Reads a secret key file; null and <paramref name="problem"/> set when it is missing, unreadable, readable by others or malformed.</summary>
    public static byte[]? ReadSecretKey(string path, out string? problem)
    {
        problem = null;
        if (Directory.Exists(path))
        {
            problem = $"{path} is a folder; expected the secret key file";
            return null;
        }
        if (!File.Exists(path))
        {
            problem = $"file not found: {path} (make one with: smartcam keygen {path})";
            return null;
        }
        // Others may read a world-readable secret: then the encryption protects nothing.
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.OtherRead) != 0)
        {
            problem = $"{path} is readable by every user; a secret key must not be (chmod 600 {path}, owned by the service user)";
            return null;
        }
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot read {path}: {e.Message}";
            return null;
        }
        var z85 = FindKey(text, "secret-key");
        if (z85 is null)
        {
            problem = $"{path} holds no secret key; expected one Z85 line of {Z85Length} characters or a ZeroMQ certificate with secret-key = \"…\" (smartcam keygen writes one)";
            return null;
        }
        var key = Z85Decode(z85);
        if (key is null) problem = $"{path}: the secret key is not a {Z85Length}-character Z85 key ({z85.Length} characters found)";
        return key;
    }

    /// <summary>The key in a certificate line <c>name = "…"</c>, or the file's only non-comment line when it has no such line.</summary>
    private static string? FindKey(string text, string name)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (var line in lines)
        {
            if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
            var eq = line.IndexOf('=');
            if (eq < 0) continue;
            return line[(eq + 1)..].Trim().Trim('"');
        }
        // A bare key file: exactly one line, the key itself.
        return lines.Count == 1 && !lines[0].Contains(' ') ? lines[0] : null;
    }

    /// <summary>Z85 (ZeroMQ RFC 32) for a 32-byte key; null when the text is not exactly that.</summary>
    public static byte[]? Z85Decode(string text)
    {
        if (text.Length != Z85Length) return null;
        var bytes = new byte[KeyBytes];
        for (var block = 0; block < Z85Length / 5; block++)
        {
            uint value = 0;
            for (var i = 0; i < 5; i++)
            {
                var digit = Z85Alphabet.IndexOf(text[block * 5 + i]);
                if (digit < 0) return null;
                var next = (ulong)value * 85 + (uint)digit;
                if (next > uint.MaxValue) return null;
                value = (uint)next;
            }
            bytes[block * 4] = (byte)(value >> 24);
            bytes[block * 4 + 1] = (byte)(value >> 16);
            bytes[block * 4 + 2] = (byte)(value >> 8);
            bytes[block * 4 + 3] = (byte)value;
        }
        return bytes;
    }

    public static string Z85Encode(ReadOnlySpan<byte> key)
    {
        var chars = new char[key.Length / 4 * 5];
        for (var block = 0; block < key.Length / 4; block++)
        {
            uint value = (uint)(key[block * 4] << 24 | key[block * 4 + 1] << 16 | key[block * 4 + 2] << 8 | key[block * 4 + 3]);
            for (var i = 4; i >= 0; i--)
            {
                chars[block * 5 + i] = Z85Alphabet[(int)(value % 85)];
                value /= 85;
            }
        }
        return new string(chars);
    }

    /// <summary>The public key that goes with <paramref name="secretKey"/>, in Z85: what subscribers need.</summary>
    public static string PublicKeyOf(byte[] secretKey) => NetMQCertificate.CreateFromSecretKey(secretKey).PublicKeyZ85;

    /// <summary>
    /// Writes a new key pair to <paramref name="path"/> in the ZeroMQ certificate format, readable by its owner
    /// only (created so: it is never readable by others, not even for a moment); returns the public key.
    /// </summary>
    public static string WriteNewSecretKeyFile(string path)
    {
        var secret = RandomNumberGenerator.GetBytes(KeyBytes);
        var certificate = NetMQCertificate.CreateFromSecretKey(secret);
        var text = $"""
            #   ZeroMQ CURVE **Secret** Certificate, made by smartcam keygen on {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}
            #   Keep it readable by the service user only. Subscribers need the public key (below), never this file.

            metadata
            curve
                public-key = "{certificate.PublicKeyZ85}"
                secret-key = "{Z85Encode(secret)}"

            """;
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new StreamWriter(path, System.Text.Encoding.ASCII, options)) file.Write(text);
        return certificate.PublicKeyZ85;
    }
}
