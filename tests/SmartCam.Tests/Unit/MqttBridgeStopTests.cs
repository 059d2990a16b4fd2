using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Configuration;
using SmartCam.Mqtt;
using SmartCam.Tests.Integration;

namespace SmartCam.Tests.Unit;

/// <summary>A clean stop with the broker unreachable keeps every event the publish thread handed over, up to its last one.</summary>
public class MqttBridgeStopTests
{
    [Fact]
    public void Every_event_offered_before_the_stop_is_in_the_outbox_with_the_broker_down()
    {
        using var dir = new TempDir();
        // Nothing listens on a free port: the first connect is refused at once and the bridge runs disconnected.
        var path = dir.Write("smartcam.yaml", string.Join("\n",
            "camera:", "  source: file://clip.avi", "model:", "  path: " + Repo.Model,
            "mqtt:", $"  url: mqtt://127.0.0.1:{ChildProcess.FreePort()}", "  outbox: { path: outbox }") + "\n");
        var config = ConfigLoader.Load(path);
        var topic = "evt.cam0"u8.ToArray();
        var offered = 0;
        // The stop races the MQTT thread's drain (it was once read after it, leaving the last messages behind): many rounds,
        // each ending with a burst the thread is busy taking while the stop comes.
        for (var round = 0; round < 25; round++)
        {
            using (var bridge = MqttBridge.Start(config.Mqtt!, config, NullLogger.Instance))
            {
                for (var i = 0; i < 40; i++, offered++)
                    bridge.Tap.Offer(topic, Encoding.UTF8.GetBytes($"{{\"id\":\"r/cam0/{offered}/0\"}}"));
                Assert.Equal(0, bridge.Tap.Full);
            }
            using var outbox = Outbox.Open(config.Mqtt!.OutboxPath, config.Mqtt.OutboxMaxBytes);
            Assert.Equal(offered, outbox.Pending);
        }
    }
}
