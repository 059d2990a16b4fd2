using System.CommandLine;
using System.Globalization;
using SmartCam.Configuration;

namespace SmartCam.Commands;

/// <summary>
/// <c>smartcam egress</c>: prints the nftables commands that fill the appliance firewall's sets of ports the service's
/// user may connect out to (docs/image.md#outbound-connections): the MQTT broker's port when <c>mqtt:</c> is set, each
/// network camera's (<c>rtsp://</c> 554, <c>rtsps://</c> 322, <c>http://</c> 80, <c>https://</c> 443, or the URL's own),
/// and every UDP port when a camera uses RTSP over UDP (its RTP ports are negotiated per session). The unit pipes it to
/// <c>nft -f -</c> at each start (<c>ExecStartPre=</c>). Needs only the config; with a config it cannot read it prints
/// the flushes alone (nothing allowed) and a note on stderr, and exits 0: <c>smartcam run</c> then reports the mistake.
/// </summary>
public static class EgressCommand
{
    public const string Table = "inet filter", TcpSet = "smartcam_egress_tcp", UdpSet = "smartcam_egress_udp";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = ConfigOption.Create();
        var egress = new Command("egress", "Print the nftables commands that allow the service's outbound connections its config needs (the image's firewall).")
        {
            config,
        };
        egress.SetAction(r => Run(r.GetValue(config)!, output, error));
        return egress;
    }

    public static int Run(string configPath, TextWriter output, TextWriter error)
    {
        SmartCamConfig? config = null;
        try
        {
            config = ConfigLoader.Load(configPath);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"smartcam egress: {e.Message}; no outbound port allowed");
        }
        output.Write(Script(config));
        return RunCommand.ExitOk;
    }

    /// <summary>The nft script: both sets flushed, then the ports <paramref name="config"/> needs (none for null).</summary>
    public static string Script(SmartCamConfig? config)
    {
        var (tcp, udp) = config is null ? ([], false) : Ports(config);
        var script = $"flush set {Table} {TcpSet}\nflush set {Table} {UdpSet}\n";
        if (tcp.Count > 0) script += $"add element {Table} {TcpSet} {{ {string.Join(", ", tcp.Select(p => p.ToString(CultureInfo.InvariantCulture)))} }}\n";
        if (udp) script += $"add element {Table} {UdpSet} {{ 1-65535 }}\n";
        return script;
    }

    /// <summary>The TCP ports the config connects out to, sorted, and whether it needs UDP (RTSP over UDP).</summary>
    public static (SortedSet<int> Tcp, bool Udp) Ports(SmartCamConfig config)
    {
        var tcp = new SortedSet<int>();
        var udp = false;
        if (config.Mqtt is { } mqtt) tcp.Add(mqtt.Port);
        foreach (var camera in config.Cameras)
            foreach (var source in new[] { camera.Source, camera.DetectSource })
            {
                if (source is null || !Uri.TryCreate(source, UriKind.Absolute, out var uri)) continue;
                int? port = uri.Scheme switch
                {
                    "rtsp" => uri.Port > 0 ? uri.Port : 554,
                    "rtsps" => uri.Port > 0 ? uri.Port : 322,
                    "http" or "https" or "rtmp" or "rtmps" => uri.Port > 0 ? uri.Port : uri.Scheme switch { "http" => 80, "https" => 443, "rtmp" => 1935, _ => 443 },
                    _ => null,
                };
                if (port is { } p) tcp.Add(p);
                if (uri.Scheme.StartsWith("rtsp", StringComparison.Ordinal) && camera.RtspTransport != "tcp") udp = true;
            }
        return (tcp, udp);
    }
}
