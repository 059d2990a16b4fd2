using System.Text.Json;

namespace SmartCam.Tests.Integration;

/// <summary>
/// Only who belongs: the service binding all interfaces needs CURVE or an explicit publish.insecure, and with
/// CURVE only subscribers that know the server's public key read anything. Real service, real python3-zmq
/// subscribers (libzmq's own CURVE). Free ports, picked per test.
/// </summary>
public sealed class BusSecurityTests : IDisposable
{
    private readonly int CurvePort = ChildProcess.FreePort(), RefusedPort = ChildProcess.FreePort(), InsecurePort = ChildProcess.FreePort();
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Config(int port, string security) => _dir.Write("smartcam.yaml", $"""
        camera:
          id: cam0
          source: file://{Repo.Video}
          loop: true
          pace: realtime
        model:
          path: {Repo.Model}
          labels: {Repo.Labels}
        publish:
          endpoint: tcp://0.0.0.0:{port}
          {security}
        """);

    [Fact]
    public void With_curve_a_plain_subscriber_gets_nothing_while_one_with_the_server_key_gets_detections()
    {
        string serverKey;
        using (var keygen = ChildProcess.SmartCam("keygen", _dir.File("bus.key")))
        {
            Assert.Equal(0, keygen.WaitForExit(TimeSpan.FromSeconds(60)));
            serverKey = keygen.Stdout.Trim();
        }
        // pyzmq reads the same public key from the certificate keygen wrote: an independent reader of the file.
        using (var read = ChildProcess.Python("-c", "import sys, zmq.auth; print(zmq.auth.load_certificate(sys.argv[1])[0].decode())", _dir.File("bus.key")))
        {
            Assert.Equal(0, read.WaitForExit(TimeSpan.FromSeconds(30)));
            Assert.Equal(serverKey, read.Stdout.Trim());
        }
        var config = Config(CurvePort, "curve: { secret_key_file: bus.key }");
        // validate shows the public key subscribers need.
        using (var validate = ChildProcess.SmartCam("validate", "--config", config))
        {
            Assert.Equal(0, validate.WaitForExit(TimeSpan.FromSeconds(60)));
            Assert.Contains($"CURVE, server public key {serverKey}", validate.Stdout);
        }
        using var service = ChildProcess.SmartCam("run", "--config", config);

        // Both subscribe to det.; the run lasts until the CURVE one has 30 detection messages (3 s of video).
        const int count = 30;
        using var probe = ChildProcess.Python(Repo.Path("tests", "python", "bus_probe.py"), "curve", $"tcp://127.0.0.1:{CurvePort}", serverKey, count.ToString(), "120");
        Assert.True(probe.WaitForExit(TimeSpan.FromSeconds(150)) == 0, probe.Stderr + service.Stderr);

        var got = JsonDocument.Parse(probe.Stdout).RootElement;
        Assert.Equal(count, got.GetProperty("curve").GetInt32());
        Assert.Equal(0, got.GetProperty("plain").GetInt32());
        Assert.False(service.HasExited, service.Stderr);
    }

    [Fact]
    public void All_interfaces_without_curve_or_insecure_is_one_line_and_exit_2()
    {
        using var service = ChildProcess.SmartCam("run", "--config", Config(RefusedPort, "send_hwm: 64"));
        Assert.Equal(2, service.WaitForExit(TimeSpan.FromSeconds(60)));
        var lines = service.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains("publish.endpoint", line);
        Assert.Contains($"tcp://0.0.0.0:{RefusedPort}", line);
        Assert.Contains("publish.curve.secret_key_file", line);
        Assert.Contains("publish.insecure: true", line);
    }

    [Fact]
    public void All_interfaces_with_insecure_true_runs_in_plain_text()
    {
        var config = Config(InsecurePort, "insecure: true");
        using var service = ChildProcess.SmartCam("run", "--config", config);
        using var subscriber = ChildProcess.Python(Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{InsecurePort}",
            "--topic", "det.cam0", "--count", "10", "--timeout", "120",
            "--schema", Repo.Path("docs", "schema", "det.v1.schema.json"), "--out", _dir.File("det.jsonl"));
        Assert.True(subscriber.WaitForExit(TimeSpan.FromSeconds(150)) == 0, subscriber.Stdout + service.Stderr);
        Assert.False(service.HasExited, service.Stderr);
    }
}
