using OpenCvSharp;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.HandOver;

namespace SmartCam.Capture;

/// <summary>
/// A V4L2 camera read through the kernel's interface (<see cref="V4l2Device"/>): the format, size and rate the config
/// asks for, or one clear line saying what the camera offers instead; always the newest frame; the capture instant the
/// driver stamped on the buffer; a wait that stop and stall can end; an unplugged camera reported as gone.
/// Raw frames (YUYV, NV12) are copied out of the driver's buffer into a <see cref="DecodedPicture"/> and converted from
/// there like a decoded file's (straight to the detector's size where it is much smaller; the live view converts the
/// full picture on its own thread). MJPEG frames are decoded at 1/2, 1/4 or 1/8 where the detector wants them smaller
/// (<see cref="ReducedJpeg"/>), and their JPEG is kept for the live view.
/// </summary>
public sealed class V4l2Source(CameraConfig config) : IFrameSource, IScalingSource
{
    private readonly Wakeup _wake = new();
    private V4l2Device? _device;
    private V4l2Mode? _mode;
    private int _avFormat;
    private RawConverter? _fallback;
    private long _captureNs = -1, _waitNs;

    public double Fps => _mode?.Fps ?? config.Fps;

    public DetectorPictures Pictures { get; } = new();

    /// <summary>What the camera was set to, as the driver read it back (null before it is open).</summary>
    public V4l2Mode? Mode => _mode;

    public string? Description => _mode is null ? null : $"{_mode}, {(_monotonic ? "driver timestamps" : "read-time timestamps")}";

    private bool _monotonic = true;

    public long LastWaitNs => _waitNs;

    public long LastCaptureNs => _captureNs;

    public void Open()
    {
        Close();
        var path = config.Location;
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
            _avFormat = set.FourCc switch { "YUYV" => LibAv.PixFmtYuyv422, "NV12" => LibAv.PixFmtNv12, _ => -1 };
            _fallback = _avFormat >= 0 && !LibAv.Available ? new RawConverter(set) : null;
            _monotonic = true;
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
            }
        }
        catch (V4l2GoneException)
        {
            return ReadResult.Disconnected;
        }
        var buffer = taken.Value;
        _waitNs = MonotonicClock.NowNs() - started;
        // The driver's instant of capture, where it is on our clock: everything downstream measures from the sensor.
        _monotonic = buffer.Monotonic;
        _captureNs = buffer.Monotonic ? buffer.TimestampNs : -1;
        try
        {
            if (buffer.Error || buffer.BytesUsed == 0) return ReadResult.Corrupt;
            var mode = _mode!;
            if (_avFormat < 0) return ReadJpeg(buffer, mode, into);
            if (_fallback is { } fallback)
            {
                (into.Width, into.Height, into.ConvertDurationNs) = (mode.Width, mode.Height, 0);
                return fallback.Convert(buffer, into.Image) ? ReadResult.Frame : ReadResult.Corrupt;
            }
            var picture = into.Decoded ??= new DecodedPicture();
            if (!picture.Make(mode.Width, mode.Height, _avFormat) || !CopyRaw(buffer, mode, picture)) return ReadResult.Corrupt;
        }
        finally
        {
            ReleaseQuietly(device);
        }
        return Pictures.Fill(ReadResult.Frame, into);
    }

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

    /// <summary>Copies the driver's rows (<see cref="V4l2Mode.BytesPerLine"/> apart) into the picture's planes; false if the buffer is short.</summary>
    private static unsafe bool CopyRaw(V4l2Buffer buffer, V4l2Mode mode, DecodedPicture picture)
    {
        var stride = mode.BytesPerLine;
        var planes = mode.FourCc == "NV12" ? 2 : 1;
        var rowBytes = mode.FourCc == "NV12" ? mode.Width : mode.Width * 2;
        var source = (byte*)buffer.Data;
        var end = source + buffer.BytesUsed;
        for (var p = 0; p < planes; p++)
        {
            var plane = picture.Plane(p);
            var rows = p == 0 ? mode.Height : (mode.Height + 1) / 2;
            var planeStride = plane.Length / rows;
            if (source + (long)stride * (rows - 1) + rowBytes > end) return false;
            fixed (byte* target = plane)
                for (var y = 0; y < rows; y++)
                    Buffer.MemoryCopy(source + (long)y * stride, target + (long)y * planeStride, planeStride, rowBytes);
            source += (long)stride * rows;
        }
        return true;
    }

    private unsafe ReadResult ReadJpeg(V4l2Buffer buffer, V4l2Mode mode, Frame into)
    {
        var started = MonotonicClock.NowNs();
        (into.Width, into.Height) = (mode.Width, mode.Height);
        // Decoded at a fraction of its size where the detector's picture is that much smaller.
        var reduction = Pictures.DetectSize is { } detectSize && detectSize(mode.Width, mode.Height) is var (toWidth, toHeight)
            ? ReducedJpeg.ReductionFor(mode.Width, mode.Height, toWidth, toHeight) : 1;
        // The JPEG outlives the driver's buffer (the live view decodes it at full size later): a copy, into a slot sized
        // once for the largest frame the driver may send; the decoder ignores the bytes after the JPEG's end marker.
        var jpeg = into.Jpeg ??= new Mat();
        var capacity = Math.Max(mode.SizeImage, buffer.BytesUsed);
        if (jpeg.Cols < capacity || jpeg.Rows != 1) jpeg.Create(1, capacity, MatType.CV_8UC1);
        Buffer.MemoryCopy((void*)buffer.Data, (void*)jpeg.Data, (long)jpeg.Total(), buffer.BytesUsed);
        if (!ReducedJpeg.Decode(jpeg, reduction, into.Image)) return ReadResult.Corrupt;
        into.ConvertDurationNs = MonotonicClock.NowNs() - started;
        return ReadResult.Frame;
    }

    public void Interrupt() => _wake.Signal();

    private void Close()
    {
        _device?.Dispose();
        _device = null;
        _fallback?.Dispose();
        _fallback = null;
    }

    public void Dispose()
    {
        Close();
        Pictures.Dispose();
        _wake.Dispose();
    }
}
