using SmartCam.Capture;
using Mat = OpenCvSharp.Mat;

namespace SmartCam.Commands.Bench;

/// <summary>
/// The multi-camera bench's fault: a file camera whose file goes away. Once <see cref="Go"/> was called, the next read is
/// the end of the file and the file cannot be opened again, so the capture loop's next pass (loop: true) fails to reopen
/// it, as when the file was deleted: the camera is then <c>failed</c>, its lane drains, and the other cameras run on.
/// </summary>
internal sealed class GoneSource(IFrameSource inner, string path) : IFrameSource
{
    private volatile bool _gone;

    public void Go() => _gone = true;

    public void Open()
    {
        if (_gone) throw new SourceException($"{path}: no such file (smartcam bench removed this camera's file)");
        inner.Open();
    }

    public ReadResult Read(Mat into) => _gone ? ReadResult.End : inner.Read(into);
    public bool TryRewind() => !_gone && inner.TryRewind();
    public long LastWaitNs => inner.LastWaitNs;
    public long DamagedFrames => inner.DamagedFrames;
    public double Fps => inner.Fps;
    public long PositionNs => inner.PositionNs;
    public void Interrupt() => inner.Interrupt();
    public void Dispose() => inner.Dispose();
}
