using SmartCam.Commands;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary><c>smartcam egress</c>: the nft commands that fill the image firewall's outbound sets from a real config.</summary>
public class EgressCommandTests
{
    private static SmartCamConfig Parse(string yaml) => ConfigLoader.Parse(yaml, "/tmp/egress.yaml");

    [Fact]
    public void The_shipped_kind_of_config_allows_nothing_out()
    {
        var script = EgressCommand.Script(Parse($"camera: {{ source: 'file://{Repo.Video}' }}\nmodel: {{ path: {Repo.Model} }}\n"));
        Assert.Equal("flush set inet filter smartcam_egress_tcp\nflush set inet filter smartcam_egress_udp\n", script);
    }

    [Fact]
    public void The_broker_and_network_cameras_ports_are_allowed_and_udp_only_for_rtsp_over_udp()
    {
        var config = Parse($$"""
            cameras:
              - { id: gate, source: 'rtsp://10.0.0.5/stream', detect_source: 'rtsp://10.0.0.5:8554/sub' }
              - { id: dock, source: 'http://10.0.0.6/mjpeg' }
              - { id: yard, source: 'https://cam.lan:8443/live', rtsp_transport: tcp }
              - { id: usb, source: 'v4l2:///dev/video0' }
            model: { path: {{Repo.Model}} }
            mqtt: { url: 'mqtts://broker.lan' }
            """);
        Assert.Equal("flush set inet filter smartcam_egress_tcp\nflush set inet filter smartcam_egress_udp\n" +
            "add element inet filter smartcam_egress_tcp { 80, 554, 8443, 8554, 8883 }\n", EgressCommand.Script(config));

        var udp = Parse($"camera: {{ source: 'rtsp://10.0.0.5:1554/s', rtsp_transport: udp }}\nmodel: {{ path: {Repo.Model} }}\nmqtt: {{ url: 'mqtt://b:1884' }}\n");
        Assert.Equal([1554, 1884], EgressCommand.Ports(udp).Tcp);
        Assert.True(EgressCommand.Ports(udp).Udp);
        Assert.EndsWith("add element inet filter smartcam_egress_udp { 1-65535 }\n", EgressCommand.Script(udp));
    }

    [Fact]
    public void A_config_it_cannot_read_allows_nothing_and_says_why_on_stderr()
    {
        using var dir = new TempDir();
        var path = dir.Write("bad.yaml", "camera: { source: x }\nmqtt: { url: 'nonsense' }\n");
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, EgressCommand.Run(path, output, error));
        Assert.Equal(EgressCommand.Script(null), output.ToString());
        Assert.StartsWith("smartcam egress: ", error.ToString());
        Assert.Contains("no outbound port allowed", error.ToString());
    }

    /// <summary>The sets and chain the script fills are the ones the image's nftables.conf declares.</summary>
    [Fact]
    public void The_image_firewall_declares_the_sets_and_sends_the_service_user_through_them()
    {
        var conf = File.ReadAllText(Repo.Path("rootfs", "etc", "nftables.conf"));
        Assert.Contains($"set {EgressCommand.TcpSet} {{", conf);
        Assert.Contains($"set {EgressCommand.UdpSet} {{", conf);
        Assert.Contains("meta skuid \"smartcam\" jump smartcam_egress", conf);
        Assert.Contains($"tcp dport @{EgressCommand.TcpSet} accept", conf);
        var unit = File.ReadAllText(Repo.Path("rootfs", "etc", "systemd", "system", "smartcam.service"));
        Assert.Contains("smartcam egress --config /etc/smartcam/smartcam.yaml | /usr/sbin/nft -f -", unit);
        Assert.Contains("StateDirectory=smartcam/mqtt-outbox", unit);
        Assert.Contains("/var/lib/smartcam/mqtt-outbox/** rwk,", File.ReadAllText(Repo.Path("rootfs", "etc", "apparmor.d", "opt.smartcam.smartcam")));
    }
}
