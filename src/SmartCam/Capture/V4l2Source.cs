using OpenCvSharp;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.HandOver;

namespace SmartCam.Capture;

/// <summary>
/// A V4L2 camera read through the kernel's interface (<see cref="V4l2Device"/>): the format, size and rate the config
/// asks for, or one clear line saying what the camera offers instead; always the newest frame; the capture instant the
/// driver stamped on the buffer; a wait that stop and stall can end; an unplugged camera reported as gone. The
/// buffer is made into a frame by <see cref="V4l2Frames"/>.
/// </summary>
public sealed class V4l2Source(CameraConfig config) : IFrameSource, IScalingSource
{
    private readonly Wakeup _wake = new();
    private V4l2Device? _device;
    private V4l2Mode? _mode;
    private V4l2Frames? _frames;
    private long _captureNs = -1, _waitNs;
    private bool _monotonic;

    /// <summary>The device node was not there at the last open (unplugged).</summary>
    private bool _absent;

    public double Fps => _mode?.Fps ?? config.Fps;

    public DetectorPictures Pictures { get; } = new();

    /// <summary>What the camera was set to, as the driver read it back (null before it is open).</summary>
    public V4l2Mode? Mode => _mode;

    /// <summary>The mode, and where frame times come from: the driver's CLOCK_MONOTONIC stamps, or (a driver without them) the read.</summary>
    public string? Description => _mode is null ? null : $"{_mode}, {(_monotonic ? "driver timestamps" : "read-time timestamps")}";

    public long LastWaitNs => _waitNs;

    public long LastCaptureNs => _captureNs;

    public void Open()
    {
        Close();
        var path = config.Location;
        _absent = !File.Exists(path);
        var device = V4l2Device.Open(path);
        try
        {
            var capability = device.Capability();
            if (!capability.IsVideoCapture)
                throw new CameraModeException($"{path} is not a video capture device (driver {capability.Driver}, '{capability.Card}'); `smartcam cameras` lists the cameras");
            var asked = V4l2Negotiation.Choose(config, path, device.Formats());
            var set = device.Set(asked);
            if (V4l2Negotiation.Mismatch(path, asked, set) is { } mismatch) throw new CameraModeException(mismatch);
            device.Start();
            _mode = set;
            _frames = new V4l2Frames(set, Pictures, LibAv.Available);
            _monotonic = device.MonotonicTimestamps;
            _device = device;
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    public ReadResult Read(Mat into)
    {
        using var frame = new Frame();
        var result = Read(frame);
        if (result == ReadResult.Frame) frame.Image.CopyTo(into);
        return result;
    }

    public ReadResult Read(Frame into)
    {
        var device = _device!;
        var started = MonotonicClock.NowNs();
        var deadline = started + config.StallMs * 1_000_000L;
        V4l2Buffer? taken = null;
        var refreshed = false;
        try
        {
            while (taken is null)
            {
                var left = (int)Math.Max(0, (deadline - MonotonicClock.NowNs()) / 1_000_000);
                switch (device.WaitForFrame(left, _wake.Handle))
                {
                    case WaitOutcome.Woken:
                        _wake.Reset();
                        return ReadResult.Disconnected;
                    case WaitOutcome.Gone:
                        return ReadResult.Disconnected;
                    case WaitOutcome.Timeout:
                        return ReadResult.Stalled;
                }
                taken = device.DequeueNewest();
                // Every buffer filled while this thread was away (a long inference on its CPU): the newest is old, and
                // the driver had nowhere to put anything newer. It goes back, and the next frame is at most a period away.
                if (taken is { Monotonic: true } newest && !refreshed && IsStale(newest.TimestampNs, MonotonicClock.NowNs(), _mode!.Fps))
                {
                    device.Release();
                    (taken, refreshed) = (null, true);
                }
            }
        }
        catch (V4l2GoneException)
        {
            return ReadResult.Disconnected;
        }
        var buffer = taken.Value;
        _waitNs = MonotonicClock.NowNs() - started;
        // The driver's instant of capture, where it is on our clock: everything downstream measures from the sensor.
        _captureNs = buffer.Monotonic ? buffer.TimestampNs : -1;
        try
        {
            return _frames!.Fill(buffer, into);
        }
        finally
        {
            ReleaseQuietly(device);
        }
    }

    /// <summary>
    /// A frame captured more than <see cref="StaleFramePeriods"/> frame periods ago: the driver's buffers all filled while
    /// nobody read them, so a newer frame exists only once one is given back. Frames of a camera with no known rate are never stale.
    /// </summary>
    internal static bool IsStale(long captureNs, long nowNs, double fps) => fps > 0 && nowNs - captureNs > StaleFramePeriods * 1e9 / fps;

    /// <summary>
    /// A frame is read at most a little over a period after it was captured (a start-of-exposure timestamp is a whole
    /// period before the buffer is done); more than this many, and it waited in a queue that had run full.
    /// </summary>
    internal const double StaleFramePeriods = 2.5;

    private static void ReleaseQuietly(V4l2Device device)
    {
        try
        {
            device.Release();
        }
        catch (V4l2GoneException)
        {
            // The next wait sees the device gone.
        }
    }

    /// <summary>
    /// A camera whose device node is gone (unplugged) is looked for every 100 ms, so it is picked up as soon as it is
    /// back rather than at the end of the reconnect backoff, which still sets how often a failed open is retried and logged.
    /// </summary>
    public bool WaitBeforeReopen(int delayMs, CancellationToken stop)
    {
        var until = Environment.TickCount64 + delayMs;
        for (var left = (long)delayMs; left > 0; left = until - Environment.TickCount64)
        {
            // udev sets the node's group a moment after the kernel makes it: give it that moment before opening.
            if (_absent && File.Exists(config.Location)) return stop.WaitHandle.WaitOne(NodeSettleMs);
            if (stop.WaitHandle.WaitOne((int)Math.Min(left, 100))) return true;
        }
        return false;
    }

    private const int NodeSettleMs = 100;

    public void Interrupt() => _wake.Signal();

    private void Close()
    {
        _device?.Dispose();
        _device = null;
        _frames?.Dispose();
        _frames = null;
    }

    public void Dispose()
    {
        Close();
        Pictures.Dispose();
        _wake.Dispose();
    }
}
