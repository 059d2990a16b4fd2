using System.Text;
using NetMQ;
using NetMQ.Sockets;
using SmartCam.Messaging;

namespace SmartCam.Tests.Integration;

/// <summary><c>wait_for_subscribers</c> counts subscriptions to any topic the box publishes, over real sockets.</summary>
public sealed class SubscriberCountTests
{
    private static readonly byte[][] Topics = [.. new[] { "det.cam0", "evt.cam0", "status.cam0", "status.box" }.Select(Encoding.UTF8.GetBytes)];

    [Fact]
    public void Subscriptions_to_any_of_the_box_topics_count_and_others_do_not()
    {
        var port = ChildProcess.FreePort();
        using var publisher = new DetectionPublisher($"tcp://127.0.0.1:{port}", 64, 0);
        // One connection sends its subscriptions in order: once det.cam0 is counted, other. has been seen before it.
        using var mixed = new SubscriberSocket();
        mixed.Subscribe("other.");
        mixed.Subscribe("det.cam0");
        mixed.Connect($"tcp://127.0.0.1:{port}");
        using var events = new SubscriberSocket();
        events.Subscribe("evt.cam0");
        events.Subscribe("status."); // a prefix of two of the box's topics: one subscription
        events.Connect($"tcp://127.0.0.1:{port}");

        Assert.True(publisher.WaitForSubscribers(Topics, 3, TimeSpan.FromSeconds(60), CancellationToken.None), "det.cam0, evt.cam0 and status. were not all counted");
        Assert.Equal(3, publisher.PollSubscriptions(Topics)); // other. was not: that would make 4
        events.Unsubscribe("evt.cam0");
        events.Unsubscribe("status.");
        SmartCam.Tests.Eventually.Until(() => publisher.PollSubscriptions(Topics) == 1, TimeSpan.FromSeconds(60), "the count falling back to 1 after two unsubscribes");
    }
}
