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
}

/// <summary>Where frames come from. <see cref="Read"/> decodes into a caller-owned <see cref="Mat"/> so buffers are reused.</summary>
public interface IFrameSource : IDisposable
{
    /// <summary>Opens the source or throws <see cref="SourceException"/> saying what is wrong.</summary>
    void Open();

    ReadResult Read(Mat into);

    /// <summary>Goes back to the first frame of a file without reopening it; false where it cannot (then it is reopened).</summary>
    bool TryRewind() => false;

    /// <summary>Nominal frames per second (0 if unknown).</summary>
    double Fps { get; }

    /// <summary>
    /// A file's presentation time of the frame just read, from its start, in ns; -1 where the source has no
    /// media clock (live sources, stills), and then the capture loop counts frames at <see cref="Fps"/>.
    /// </summary>
    long PositionNs => -1;

    /// <summary>Unblocks a <see cref="Read"/> that is waiting on a live source, from another thread, at shutdown.</summary>
    void Interrupt();
}

/// <summary>A camera source that cannot be opened or read: the message names the source and the cause.</summary>
public sealed class SourceException(string message) : Exception(message);
