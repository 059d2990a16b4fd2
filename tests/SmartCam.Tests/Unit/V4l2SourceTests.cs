using SmartCam.Capture;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>
/// The V4L2 source's behaviour that needs no camera: one line for a device that is missing or is no camera, and an
/// unplugged camera picked up as soon as its node is back rather than at the end of the reconnect backoff. (Reading
/// a real device is tested against the kernel's vivid driver in the image test, scripts/test-image.sh.)
/// </summary>
public class V4l2SourceTests
{
    private static CameraConfig Camera(string path) => new() { Id = "usb0", Source = "v4l2://" + path, Kind = SourceKind.V4l2, Location = path };

    [Fact]
    public void A_missing_device_is_one_line_naming_it()
    {
        using var dir = new TempDir();
        using var source = new V4l2Source(Camera(dir.File("video7")));
        var e = Assert.Throws<SourceException>(source.Open);
        Assert.Equal($"{dir.File("video7")}: no such camera device (is it plugged in? `smartcam cameras` lists them)", e.Message);
    }

    [Fact]
    public void A_file_that_is_no_camera_is_one_line_saying_so()
    {
        using var dir = new TempDir();
        var path = dir.Write("video0", "not a device");
        using var source = new V4l2Source(Camera(path));
        var e = Assert.Throws<SourceException>(source.Open);
        Assert.Equal($"{path}: VIDIOC_QUERYCAP failed (ENOTTY: not a V4L2 device)", e.Message);
    }

    [Theory]
    [InlineData(0, 30, false)]
    [InlineData(40_000_000, 30, false)] // a start-of-exposure stamp read just after the frame is done
    [InlineData(80_000_000, 30, false)]
    [InlineData(90_000_000, 30, true)] // two and a half periods: it waited in a full queue
    [InlineData(3_000_000_000, 30, true)]
    [InlineData(3_000_000_000, 0, false)] // no known rate: never refreshed
    public void A_frame_read_long_after_capture_is_stale(long ageNs, double fps, bool stale) =>
        Assert.Equal(stale, V4l2Source.IsStale(10_000_000_000 - ageNs, 10_000_000_000, fps));

    [Fact]
    public async Task A_camera_whose_node_comes_back_is_reopened_without_waiting_out_the_backoff()
    {
        using var dir = new TempDir();
        var path = dir.File("video0");
        using var source = new V4l2Source(Camera(path));
        using var stop = new CancellationTokenSource();
        Assert.Throws<SourceException>(source.Open); // unplugged
        // A backoff of ten minutes: only the node's return can end this wait within the test's time.
        var wait = Task.Run(() => source.WaitBeforeReopen(600_000, stop.Token));
        File.WriteAllText(path, "");
        Assert.False(await wait.WaitAsync(TimeSpan.FromSeconds(60))); // not stopped: open now

        // A node that is there but could not be opened (here: no camera) waits out its backoff, unless stopped.
        Assert.Throws<SourceException>(source.Open);
        var busy = Task.Run(() => source.WaitBeforeReopen(600_000, stop.Token));
        await stop.CancelAsync();
        Assert.True(await busy.WaitAsync(TimeSpan.FromSeconds(60)));
    }
}
