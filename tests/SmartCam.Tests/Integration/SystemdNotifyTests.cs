using System.Net.Sockets;
using System.Text;

namespace SmartCam.Tests.Integration;

/// <summary>
/// The service's side of systemd's Type=notify and WatchdogSec=, over a real notify socket (a Unix
/// datagram socket named by NOTIFY_SOCKET, as systemd passes it): READY=1 once running, WATCHDOG=1 at half
/// of WATCHDOG_USEC while frames flow, STOPPING=1 on SIGTERM.
/// </summary>
public sealed class SystemdNotifyTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Ready_watchdog_keep_alives_and_stopping_reach_the_notify_socket()
    {
        var path = _dir.File("notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.ReceiveTimeout = 60_000;
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, ChildProcess.FreePort(), camera: "loop: true\n  pace: realtime", waitForSubscribers: 0);
        using var service = ChildProcess.Start("env", $"NOTIFY_SOCKET={path}", "WATCHDOG_USEC=1000000", ChildProcess.SmartCamBinary, "run", "--config", config);

        var received = new List<string>();
        var buffer = new byte[4096];
        string Next()
        {
            var n = socket.Receive(buffer);
            var text = Encoding.UTF8.GetString(buffer, 0, n);
            received.Add(text);
            return text;
        }

        Assert.Equal("READY=1", Next());
        // Half of the 1 s watchdog: about two keep-alives a second while the 10 fps clip plays. The lower
        // bound is what this checks (a keep-alive per frame would bring two within 0.2 s): a busy machine
        // delays keep-alives rather than bunching them. The upper one only says they keep coming: generous.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("WATCHDOG=1", Next());
        Assert.Equal("WATCHDOG=1", Next());
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.3, 10);
        service.Signal(ChildProcess.SIGTERM);
        while (Next() != "STOPPING=1") { }
        Assert.Equal(0, service.WaitForExit(TimeSpan.FromSeconds(20)));
    }
}
