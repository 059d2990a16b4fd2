using OpenCvSharp;

namespace SmartCam.Capture;

/// <summary>A video file of any container FFmpeg reads, decoded by OpenCV's FFmpeg backend.</summary>
public sealed class VideoFileSource(string path, double configuredFps) : IFrameSource
{
    private VideoCapture? _capture;
    private long _frameCount;

    public double Fps { get; private set; }

    public void Open()
    {
        _capture?.Dispose();
        if (!File.Exists(path)) throw new SourceException($"{path}: video file not found");
        _capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        if (!_capture.IsOpened())
            throw new SourceException($"{path}: cannot open as a video (not a container/codec FFmpeg can decode, or the file is damaged)");
        var fps = _capture.Get(VideoCaptureProperties.Fps);
        Fps = configuredFps > 0 ? configuredFps : fps is > 0 and < 1000 ? fps : 25;
        _frameCount = (long)_capture.Get(VideoCaptureProperties.FrameCount);
    }

    public ReadResult Read(Mat into)
    {
        if (_capture!.Read(into) && !into.Empty()) return ReadResult.Frame;
        // FFmpeg reports a failed read both at the end and at an undecodable frame; the header's frame
        // count tells them apart where the container has one.
        var position = (long)_capture.Get(VideoCaptureProperties.PosFrames);
        return _frameCount > 0 && position < _frameCount ? ReadResult.Corrupt : ReadResult.End;
    }

    /// <summary>
    /// The decoder's presentation time of the frame just read (OpenCV's <c>CAP_PROP_POS_MSEC</c>, from the stream's
    /// start time). Read natively: the wrapper's exception check is not needed for a property get.
    /// </summary>
    public long PositionNs
    {
        get
        {
            var status = OpenCvSharp.Internal.NativeMethods.videoio_VideoCapture_get(_capture!.CvPtr, (int)VideoCaptureProperties.PosMsec, out var ms);
            return status == OpenCvSharp.Internal.ExceptionStatus.NotOccurred && double.IsFinite(ms) && ms >= 0 ? (long)Math.Round(ms * 1_000_000) : -1;
        }
    }

    /// <summary>
    /// Seeking to frame 0 reuses the decoder; reopening would allocate a new one each time round a loop.
    /// Called natively: OpenCvSharp's <c>VideoCapture.Set</c> wrapper allocates about 50 B per call.
    /// </summary>
    public bool TryRewind()
    {
        var status = OpenCvSharp.Internal.NativeMethods.videoio_VideoCapture_set(_capture!.CvPtr, (int)VideoCaptureProperties.PosFrames, 0, out var ok);
        return status == OpenCvSharp.Internal.ExceptionStatus.NotOccurred && ok != 0 && _capture.Get(VideoCaptureProperties.PosFrames) == 0;
    }

    public void Interrupt() { }

    public void Dispose() => _capture?.Dispose();
}
