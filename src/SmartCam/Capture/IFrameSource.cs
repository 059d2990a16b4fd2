using OpenCvSharp;

namespace SmartCam.Capture;

public enum ReadResult
{
    Frame,
    /// <summary>A frame that could not be read or decoded; the stream goes on.</summary>
    Corrupt,
    /// <summary>A file ended.</summary>
    End,
    /// <summary>A live source went away; reconnect.</summary>
    Disconnected,
    /// <summary>A live source sent nothing for <c>camera.stall_ms</c> though its connection stayed open; reconnect.</summary>
    Stalled,
}

/// <summary>Where frames come from. <see cref="Read"/> decodes into a caller-owned <see cref="Mat"/> so buffers are reused.</summary>
public interface IFrameSource : IDisposable
{
    /// <summary>Opens the source or throws <see cref="SourceException"/> saying what is wrong.</summary>
    void Open();

    ReadResult Read(Mat into);

    /// <summary>
    /// Reads the next frame into a frame slot: its picture for the detector into <see cref="Frame.Image"/> and the
    /// source's size into <see cref="Frame.Width"/> and <see cref="Frame.Height"/>. By default the picture is the whole
    /// frame in BGR (<see cref="Read(Mat)"/>); a source that decodes in-process converts straight to a smaller size.
    /// </summary>
    ReadResult Read(Frame into)
    {
        var result = Read(into.Image);
        if (result == ReadResult.Frame)
        {
            into.Width = into.Image.Cols;
            into.Height = into.Image.Rows;
            into.ConvertDurationNs = 0;
        }
        return result;
    }

    /// <summary>Goes back to the first frame of a file without reopening it; false where it cannot (then it is reopened).</summary>
    bool TryRewind() => false;

    /// <summary>How long the last <see cref="Read"/> waited for the frame to arrive, within its duration (live sources; 0 where it cannot be told apart from decoding).</summary>
    long LastWaitNs => 0;

    /// <summary>
    /// The instant the device captured the frame just read, on CLOCK_MONOTONIC (a V4L2 driver's buffer timestamp), so
    /// that latencies count from the sensor; -1 where the source cannot tell (then the read time stands for it).
    /// </summary>
    long LastCaptureNs => -1;

    /// <summary>What the source settled on when it opened (a V4L2 camera's format, size, rate), for the log and status; null where there is nothing to say.</summary>
    string? Description => null;

    /// <summary>Frames delivered although the decoder reported them damaged (errors concealed), since start.</summary>
    long DamagedFrames => 0;

    /// <summary>Nominal frames per second (0 if unknown).</summary>
    double Fps { get; }

    /// <summary>
    /// A file's presentation time of the frame just read, from its start, in ns; -1 where the source has no
    /// media clock (live sources, stills), and then the capture loop counts frames at <see cref="Fps"/>.
    /// </summary>
    long PositionNs => -1;

    /// <summary>
    /// Waits <paramref name="delayMs"/> before the next attempt to open a live source that could not be opened; a source
    /// may end the wait early when it sees its device come back. True if <paramref name="stop"/> ended it.
    /// </summary>
    bool WaitBeforeReopen(int delayMs, CancellationToken stop) => stop.WaitHandle.WaitOne(delayMs);

    /// <summary>Unblocks a <see cref="Read"/> that is waiting on a live source, from another thread, at shutdown.</summary>
    void Interrupt();
}

/// <summary>
/// A source that can hand the detector a smaller picture than the camera's: converted from the decoder's own pixel
/// format and scaled in one pass, so the full-size BGR frame is never made on the loop path.
/// </summary>
public interface IScalingSource
{
    /// <summary>How the source makes its decoded pictures into the detector's (sizes, or none at all).</summary>
    DetectorPictures Pictures { get; }
}

/// <summary>A source that feeds the live view itself (from another stream than the detector's), not the capture loop.</summary>
public interface IFeedsView
{
    FrameTap? Tap { set; }
}

/// <summary>A camera source that cannot be opened or read: the message names the source and the cause.</summary>
public class SourceException(string message) : Exception(message);
