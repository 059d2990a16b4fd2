using OpenCvSharp;
using SmartCam.Configuration;
using SmartCam.Core;

namespace SmartCam.Capture;

/// <summary>
/// A V4L2 camera, with the size, rate and pixel format from the config and a driver queue of one buffer. An MJPEG
/// camera whose frames the detector wants smaller (<see cref="IScalingSource"/>) hands over its JPEG as it came, which is
/// decoded at 1/2, 1/4 or 1/8 of its size (<see cref="ReducedJpeg"/>) and kept for the live view to decode at full size.
/// </summary>
public sealed class V4l2Source(CameraConfig config) : IFrameSource, IScalingSource
{
    private VideoCapture? _capture;
    private bool _rawJpeg;
    private int _width, _height;

    public double Fps { get; private set; }

    public DetectorPictures Pictures { get; } = new();

    public void Open()
    {
        _capture?.Dispose();
        var device = config.Location;
        if (!File.Exists(device)) throw new SourceException($"{device}: no such camera device (is it plugged in? `v4l2-ctl --list-devices` lists them)");
        _capture = new VideoCapture(device, VideoCaptureAPIs.V4L2);
        if (!_capture.IsOpened())
            throw new SourceException($"{device}: cannot open the camera (busy, or no permission: the service user needs the 'video' group)");
        var f = config.PixelFormat;
        _capture.Set(VideoCaptureProperties.FourCC, VideoWriter.FourCC(f[0], f[1], f[2], f[3]));
        if (config.Width > 0)
        {
            _capture.Set(VideoCaptureProperties.FrameWidth, config.Width);
            _capture.Set(VideoCaptureProperties.FrameHeight, config.Height);
        }
        if (config.Fps > 0) _capture.Set(VideoCaptureProperties.Fps, config.Fps);
        // One driver buffer: the frame we read is the newest, not one queued behind a slow consumer.
        _capture.Set(VideoCaptureProperties.BufferSize, 1);
        var fps = _capture.Get(VideoCaptureProperties.Fps);
        Fps = fps > 0 ? fps : config.Fps;
        _width = (int)_capture.Get(VideoCaptureProperties.FrameWidth);
        _height = (int)_capture.Get(VideoCaptureProperties.FrameHeight);
        // The JPEG as the camera sent it, where the driver really gives MJPEG and the detector wants it smaller.
        _rawJpeg = false;
        if (Pictures.DetectSize is { } detectSize && _width > 0 && IsMjpeg(_capture.Get(VideoCaptureProperties.FourCC)))
        {
            var (toWidth, toHeight) = detectSize(_width, _height);
            _rawJpeg = ReducedJpeg.ReductionFor(_width, _height, toWidth, toHeight) > 1 && _capture.Set(VideoCaptureProperties.ConvertRgb, 0);
        }
    }

    private static bool IsMjpeg(double fourcc) => (int)fourcc == VideoWriter.FourCC('M', 'J', 'P', 'G');

    public ReadResult Read(Mat into) =>
        _capture!.Read(into) && !into.Empty() ? ReadResult.Frame : ReadResult.Disconnected;

    public ReadResult Read(Frame into)
    {
        if (!_rawJpeg)
        {
            var result = Read(into.Image);
            if (result == ReadResult.Frame) (into.Width, into.Height, into.ConvertDurationNs) = (into.Image.Cols, into.Image.Rows, 0);
            return result;
        }
        var jpeg = into.Jpeg ??= new Mat();
        if (!_capture!.Read(jpeg) || jpeg.Empty()) return ReadResult.Disconnected;
        var started = MonotonicClock.NowNs();
        var (toWidth, toHeight) = Pictures.DetectSize!(_width, _height);
        if (!ReducedJpeg.Decode(jpeg, ReducedJpeg.ReductionFor(_width, _height, toWidth, toHeight), into.Image)) return ReadResult.Corrupt;
        into.Width = _width;
        into.Height = _height;
        into.ConvertDurationNs = MonotonicClock.NowNs() - started;
        return ReadResult.Frame;
    }

    public void Interrupt() { }

    public void Dispose() => _capture?.Dispose();
}
