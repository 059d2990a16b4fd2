using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Messaging;
using SmartCam.Viewing;

namespace SmartCam.Tests.Unit;

/// <summary>The HTTP side's copy of the bus, in process: what the publish thread offers the <see cref="BusTap"/> is what /api/status, the pages and /metrics see.</summary>
public sealed class LiveHubTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();
    private readonly BusTap _bus = new();
    private readonly FrameTap _frames = new();
    private readonly LiveHub _hub;

    public LiveHubTests()
    {
        var config = ConfigLoader.Load(_dir.Write("smartcam.yaml", $"camera:\n  source: file://clip.avi\nmodel:\n  path: {Repo.Model}\nhttp:\n  listen: 127.0.0.1:0\n"));
        _hub = new LiveHub(config, _bus, [_frames], NullLogger.Instance);
    }

    public void Dispose()
    {
        _hub.Dispose();
        _bus.Dispose();
        _frames.Dispose();
        _dir.Dispose();
    }

    private void Publish(string topic, string json) => _bus.Offer(Encoding.UTF8.GetBytes(topic), Encoding.UTF8.GetBytes(json));

    private static double Sample(byte[] exposition, string series) =>
        double.Parse(Encoding.UTF8.GetString(exposition).Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal))[(series.Length + 1)..], CultureInfo.InvariantCulture);

    [Fact]
    public void A_bus_message_too_large_for_the_copy_is_counted_in_metrics()
    {
        const string series = "smartcam_http_bus_copies_too_large_total{camera=\"box\"}";
        Assert.Equal(0, Sample(MetricsExposition.Render(_hub), series));
        var topic = Encoding.UTF8.GetBytes(MessageNames.DetTopic("cam0"));
        _bus.Offer(topic, new byte[TappedMessage.Capacity]); // the largest that fits
        _bus.Offer(topic, new byte[TappedMessage.Capacity + 1]);
        Assert.Equal(1, _bus.TooLarge);
        Assert.Equal(1, Sample(MetricsExposition.Render(_hub), series));
    }

    [Fact]
    public void Status_and_events_reach_the_status_api_and_the_pages_but_not_mjpeg_clients()
    {
        _hub.Start();
        var page = _hub.Join(_hub.Camera("cam0")!, burnBoxes: false);
        var mjpeg = _hub.Join(_hub.Camera("cam0")!, burnBoxes: true);
        const string status = """{"v":1,"camera":"cam0","state":"running","processed":7}""";
        const string evt = """{"v":1,"camera":"cam0","type":"enter","zone":"path"}""";
        Publish(MessageNames.EvtTopic("cam0"), evt);
        Publish(MessageNames.StatusTopic("cam0"), status);
        Publish(MessageNames.BoxStatusTopic, """{"camera":"box"}""");

        Eventually.Until(() => _hub.BoxStatus is not null, Patience, "status.box reaching the hub");
        Assert.Equal(status, Encoding.UTF8.GetString(_hub.Statuses.Single(s => s.Id == "cam0").Status!));
        var sent = new List<string>();
        while (page.Queue.Reader.TryRead(out var item)) sent.Add(Encoding.UTF8.GetString(item.Message!));
        Assert.Equal([$$"""{"kind":"evt","msg":{{evt}}}""", $$"""{"kind":"status","msg":{{status}}}"""], sent);
        Assert.False(mjpeg.Queue.Reader.TryRead(out _));

        // A page that connects later gets the event in its hello's backlog.
        var late = _hub.Join(_hub.Camera("cam0")!, burnBoxes: false);
        Assert.Equal(evt, Encoding.UTF8.GetString(Assert.Single(late.Backlog)));
        Assert.Equal(3, _hub.ViewerCounts.Single().Viewers);
        foreach (var v in new[] { page, mjpeg, late }) _hub.Leave(v);
        Assert.Equal(0, _hub.ViewerCounts.Single().Viewers);
    }
}
