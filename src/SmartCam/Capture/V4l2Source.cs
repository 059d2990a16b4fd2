using OpenCvSharp;
using SmartCam.Configuration;

namespace SmartCam.Capture;

/// <summary>A V4L2 camera, with the size, rate and pixel format from the config and a driver queue of one buffer.</summary>
public sealed class V4l2Source(CameraConfig config) : IFrameSource
{
    private VideoCapture? _capture;

    public double Fps { get; private set; }

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
    }

    public ReadResult Read(Mat into) =>
        _capture!.Read(into) && !into.Empty() ? ReadResult.Frame : ReadResult.Disconnected;

    public void Interrupt() { }

    public void Dispose() => _capture?.Dispose();
}
