using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using NetMQ;
using NetMQ.Sockets;
using SmartCam.Core;

namespace SmartCam.Commands;

/// <summary><c>smartcam watch</c>: a subscriber that prints each message on one line, like mosquitto_sub.</summary>
public static class WatchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var endpoint = new Option<string>("--endpoint", "-e")
        {
            Description = "The service's publish endpoint",
            DefaultValueFactory = _ => "tcp://127.0.0.1:5556",
        };
        var topic = new Option<string>("--topic", "-t")
        {
            Description = "Topic prefix to subscribe to, e.g. det. or status.cam0 (default: everything)",
            DefaultValueFactory = _ => "",
        };
        var count = new Option<int>("--count", "-n") { Description = "Exit after this many messages (default: run until Ctrl-C)" };
        var json = new Option<bool>("--json") { Description = "Print each message's JSON as received instead of a summary line" };
        var serverKey = new Option<string?>("--server-key") { Description = "The service's CURVE public key (Z85, 40 characters) when its bus is encrypted (publish.curve)" };
        var watch = new Command("watch", "Subscribe to a running service and print its messages live, one line each.")
        {
            endpoint, topic, count, json, serverKey,
        };
        watch.SetAction(r =>
        {
            if (r.GetValue(count) < 0)
            {
                error.WriteLine($"smartcam watch: --count {r.GetValue(count)}: expected a number of messages, at least 1 (or 0: run until Ctrl-C)");
                return RunCommand.ExitBadInput;
            }
            return Run(r.GetValue(endpoint)!, r.GetValue(topic) ?? "", r.GetValue(count), r.GetValue(json), r.GetValue(serverKey));
        });
        return watch;
    }

    public static int Run(string endpoint, string topic, int count, bool json, string? serverKey = null)
    {
        var problem = Configuration.ConfigLoader.EndpointProblem(endpoint);
        if (problem is not null)
        {
            Console.Error.WriteLine($"smartcam watch: --endpoint {problem}");
            return 2;
        }
        var serverPublicKey = serverKey is null ? null : CurveKeys.Z85Decode(serverKey);
        if (serverKey is not null && serverPublicKey is null)
        {
            Console.Error.WriteLine($"smartcam watch: --server-key '{serverKey}' is not a {CurveKeys.Z85Length}-character Z85 public key (smartcam keygen prints it; it is the public-key line of the key file)");
            return 2;
        }
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        var received = 0;
        using (var socket = new SubscriberSocket())
        {
            socket.Options.Linger = TimeSpan.Zero;
            if (serverPublicKey is not null)
            {
                // A throwaway client key pair: the server does not check client keys (no ZAP in NetMQ 4.0).
                socket.Options.CurveServerKey = serverPublicKey;
                socket.Options.CurveCertificate = new NetMQCertificate();
            }
            try
            {
                socket.Connect(endpoint); // resolves the host name at once
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or NetMQException or ArgumentException)
            {
                Console.Error.WriteLine($"smartcam watch: --endpoint '{endpoint}': cannot connect: {UserError.OneLine(e.Message)}; expected tcp://HOST:PORT with a host name or address this box can resolve");
                return 2;
            }
            socket.Subscribe(topic);
            Console.Error.WriteLine($"smartcam watch: subscribed to '{topic}' on {endpoint}; Ctrl-C to stop");
            var frames = new List<byte[]>();
            while (!stop.IsCancellationRequested && (count <= 0 || received < count))
            {
                frames.Clear();
                if (!socket.TryReceiveMultipartBytes(TimeSpan.FromMilliseconds(200), ref frames)) continue;
                received++;
                var name = Encoding.UTF8.GetString(frames[0]);
                var body = frames.Count > 1 ? frames[1] : [];
                Console.Out.WriteLine(json ? $"{name} {Encoding.UTF8.GetString(body)}" : Describe(name, body));
                Console.Out.Flush();
            }
        }
        NetMQConfig.Cleanup(block: false);
        return 0;
    }

    /// <summary>One readable line for a message, or the raw text when it is not one of ours.</summary>
    public static string Describe(string topic, byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var m = doc.RootElement;
            var line = new StringBuilder(topic);
            if (topic.StartsWith(MessageNames.DetPrefix, StringComparison.Ordinal))
            {
                var latencyMs = (m.GetProperty(MessageNames.TsPublishNs).GetInt64() - m.GetProperty(MessageNames.TsCaptureNs).GetInt64()) / 1e6;
                var recvMs = (MonotonicClock.NowNs() - m.GetProperty(MessageNames.TsPublishNs).GetInt64()) / 1e6;
                var dets = m.GetProperty(MessageNames.Detections);
                line.Append(CultureInfo.InvariantCulture, $" seq={m.GetProperty(MessageNames.Seq).GetInt64()} {m.GetProperty(MessageNames.Time).GetString()} capture→publish={latencyMs:0.0}ms publish→here={recvMs:0.00}ms {dets.GetArrayLength()} objects");
                foreach (var d in dets.EnumerateArray())
                {
                    var b = d.GetProperty(MessageNames.Box);
                    var track = d.TryGetProperty(MessageNames.TrackId, out var t) && t.GetInt32() > 0 ? $"#{t.GetInt32()} " : "";
                    line.Append(CultureInfo.InvariantCulture,
                        $" | {track}{d.GetProperty(MessageNames.Label).GetString()} {d.GetProperty(MessageNames.Score).GetDouble():0.00} [{b[0].GetDouble():0},{b[1].GetDouble():0},{b[2].GetDouble():0},{b[3].GetDouble():0}]");
                }
            }
            else if (topic == MessageNames.BoxStatusTopic)
            {
                line.Append(CultureInfo.InvariantCulture,
                    $" {m.GetProperty(MessageNames.State).GetString()} cameras={m.GetProperty(MessageNames.CamerasRunning).GetInt32()}/{m.GetProperty(MessageNames.Cameras).GetInt32()} processed={m.GetProperty(MessageNames.Processed).GetInt64()}");
                var i = 0;
                foreach (var d in m.GetProperty(MessageNames.Detectors).EnumerateArray())
                    line.Append(CultureInfo.InvariantCulture, $" detector{i++}: load={d.GetProperty(MessageNames.Load).GetDouble() * 100:0}% fps={d.GetProperty(MessageNames.Fps).GetDouble():0.0}");
            }
            else if (topic.StartsWith(MessageNames.StatusPrefix, StringComparison.Ordinal))
            {
                if (m.TryGetProperty(MessageNames.Error, out var failed)) line.Append(" failed: ").Append(failed.GetString());
                var e2e = m.GetProperty(MessageNames.LatencyUs).GetProperty(MessageNames.CaptureToPublish);
                var infer = m.GetProperty(MessageNames.LatencyUs).GetProperty(MessageNames.Infer);
                line.Append(CultureInfo.InvariantCulture,
                    $" {m.GetProperty(MessageNames.State).GetString()} fps={m.GetProperty(MessageNames.Fps).GetDouble():0.0} frames={m.GetProperty(MessageNames.Frames).GetInt64()} processed={m.GetProperty(MessageNames.Processed).GetInt64()} dropped={m.GetProperty(MessageNames.Dropped).GetInt64()} corrupt={m.GetProperty(MessageNames.Corrupt).GetInt64()} infer p50={infer.GetProperty(MessageNames.P50).GetInt64() / 1000.0:0.0}ms capture→publish p50={e2e.GetProperty(MessageNames.P50).GetInt64() / 1000.0:0.0}ms p99={e2e.GetProperty(MessageNames.P99).GetInt64() / 1000.0:0.0}ms");
                if (m.TryGetProperty(MessageNames.DetectionsNonFinite, out var nonFinite) && nonFinite.GetInt64() > 0)
                    line.Append(CultureInfo.InvariantCulture, $" nonfinite={nonFinite.GetInt64()}");
            }
            else if (topic.StartsWith(MessageNames.EvtPrefix, StringComparison.Ordinal))
            {
                var type = m.GetProperty(MessageNames.Type).GetString();
                line.Append(' ').Append(type);
                if (m.TryGetProperty(MessageNames.Rule, out var rule)) line.Append(' ').Append(rule.GetString());
                if (m.TryGetProperty(MessageNames.Reason, out var reason)) line.Append(' ').Append(reason.GetString());
                if (m.TryGetProperty(MessageNames.TrackId, out var id)) line.Append(CultureInfo.InvariantCulture, $" #{id.GetInt32()}");
                if (m.TryGetProperty(MessageNames.Label, out var label)) line.Append(' ').Append(label.GetString());
                if (m.TryGetProperty(MessageNames.Zone, out var zone)) line.Append(" zone=").Append(zone.GetString()).Append(CultureInfo.InvariantCulture, $" count={m.GetProperty(MessageNames.Count).GetInt32()}");
                if (m.TryGetProperty(MessageNames.Line, out var crossed)) line.Append(" line=").Append(crossed.GetString()).Append(" direction=").Append(m.GetProperty(MessageNames.Direction).GetString());
                if (m.TryGetProperty(MessageNames.Output, out var output))
                {
                    line.Append(" output=").Append(output.GetString()).Append(" level=").Append(m.GetProperty(MessageNames.Level).GetString());
                    var ms = (m.GetProperty(MessageNames.TsActuateNs).GetInt64() - m.GetProperty(MessageNames.TsCaptureNs).GetInt64()) / 1e6;
                    if (type == "rule") line.Append(CultureInfo.InvariantCulture, $" capture→output={ms:0.00}ms");
                }
                if (m.TryGetProperty(MessageNames.Seq, out var seq)) line.Append(CultureInfo.InvariantCulture, $" seq={seq.GetInt64()}");
            }
            else
            {
                line.Append(' ').Append(Encoding.UTF8.GetString(body));
            }
            return line.ToString();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"{topic} (not a SmartCam v1 message) {Encoding.UTF8.GetString(body)}";
        }
    }
}
