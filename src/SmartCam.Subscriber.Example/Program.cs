// A minimal SmartCam consumer in C#: subscribe to one camera's detections and status and print them.
//   dotnet run --project src/SmartCam.Subscriber.Example -- [tcp://127.0.0.1:5556] [cam0]
using System.Text;
using System.Text.Json;
using NetMQ;
using NetMQ.Sockets;
using SmartCam.Core;

var endpoint = args.Length > 0 ? args[0] : "tcp://127.0.0.1:5556";
var camera = args.Length > 1 ? args[1] : "cam0";

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

using (var socket = new SubscriberSocket())
{
    socket.Options.Linger = TimeSpan.Zero;
    socket.Connect(endpoint);
    socket.Subscribe(MessageNames.DetTopic(camera));
    socket.Subscribe(MessageNames.StatusTopic(camera));
    Console.WriteLine($"listening on {endpoint} for {MessageNames.DetTopic(camera)} and {MessageNames.StatusTopic(camera)}; Ctrl-C to stop");

    var frames = new List<byte[]>();
    while (!stop.IsCancellationRequested)
    {
        frames.Clear();
        // A timeout, so Ctrl-C is noticed even when no messages arrive.
        if (!socket.TryReceiveMultipartBytes(TimeSpan.FromMilliseconds(250), ref frames) || frames.Count != 2) continue;
        var topic = Encoding.UTF8.GetString(frames[0]);
        using var json = JsonDocument.Parse(frames[1]);
        var m = json.RootElement;
        if (topic.StartsWith(MessageNames.DetPrefix, StringComparison.Ordinal))
        {
            var line = new StringBuilder($"{topic} seq={m.GetProperty(MessageNames.Seq).GetInt64()}");
            foreach (var d in m.GetProperty(MessageNames.Detections).EnumerateArray())
            {
                var box = d.GetProperty(MessageNames.Box);
                line.Append($" {d.GetProperty(MessageNames.Label).GetString()} {d.GetProperty(MessageNames.Score).GetDouble():0.00}")
                    .Append($" [{box[0].GetDouble():0},{box[1].GetDouble():0},{box[2].GetDouble():0},{box[3].GetDouble():0}]");
            }
            Console.WriteLine(line);
        }
        else
        {
            Console.WriteLine($"{topic} state={m.GetProperty(MessageNames.State).GetString()} fps={m.GetProperty(MessageNames.Fps).GetDouble():0.0} dropped={m.GetProperty(MessageNames.Dropped).GetInt64()}");
        }
    }
}
NetMQConfig.Cleanup(block: false);
