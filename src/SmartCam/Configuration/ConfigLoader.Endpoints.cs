using System.Globalization;
using System.Net;

namespace SmartCam.Configuration;

// Endpoint parsing: publish.endpoint (also watch --endpoint) and http.listen.
public static partial class ConfigLoader
{
    /// <summary>Null when the endpoint is a bindable tcp:// address, else why not.</summary>
    public static string? EndpointProblem(string endpoint)
    {
        if (endpoint.StartsWith("ipc://", StringComparison.Ordinal))
            return $"'{endpoint}': ipc:// is not supported: NetMQ implements ipc:// over TCP loopback, so libzmq subscribers (pyzmq, czmq, …) cannot connect to it; use tcp://127.0.0.1:PORT instead";
        if (!endpoint.StartsWith("tcp://", StringComparison.Ordinal))
            return $"'{endpoint}' is not a tcp:// endpoint; expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:5556";
        var rest = endpoint["tcp://".Length..];
        var colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest[(colon + 1)..], CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            return $"'{endpoint}' has no valid port; expected tcp://HOST:PORT with PORT 1-65535";
        return null;
    }

    /// <summary>True when the endpoint's host is a loopback address (127.0.0.0/8, ::1, localhost): unreachable from other machines.</summary>
    public static bool IsLoopback(string endpoint)
    {
        var rest = endpoint["tcp://".Length..];
        var host = rest[..rest.LastIndexOf(':')].Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    /// <summary><c>http.listen</c>: an IPv4 address and port, or [IPv6]:port; null when it is neither.</summary>
    public static (IPAddress Address, int Port)? ParseListen(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon <= 0) return null;
        var host = listen[..colon];
        if (host.StartsWith('[') != host.EndsWith(']')) return null;
        var bracketed = host.StartsWith('[');
        if (bracketed) host = host[1..^1];
        else if (host.Contains(':')) return null; // an IPv6 address needs its brackets
        if (!int.TryParse(listen[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            return null;
        if (host == "localhost") return (IPAddress.Loopback, port);
        // IPAddress also takes "1" or "10.1" (old inet_aton forms); nobody means those here.
        var wellFormed = bracketed ? host.Contains(':') : host.Count(c => c == '.') == 3;
        return wellFormed && IPAddress.TryParse(host, out var address) ? (address, port) : null;
    }
}
