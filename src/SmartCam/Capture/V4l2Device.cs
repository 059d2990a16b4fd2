using System.Runtime.InteropServices;
using System.Text;

namespace SmartCam.Capture;

/// <summary>
/// A V4L2 video capture node through the kernel's own interface (linux/videodev2.h): what it is and offers, the
/// format and rate set and read back, and memory-mapped streaming with the driver's buffer timestamps. Written
/// against the ioctls rather than through OpenCV's reader so that a frame carries the instant the driver captured it,
/// a read blocked on the device can be woken (stop, stall), an unplugged device is seen as ENODEV, and always the
/// newest frame is taken. Struct layouts are those of 64-bit Linux (x86-64 and arm64 alike). One thread uses it.
/// </summary>
public sealed unsafe partial class V4l2Device : IDisposable
{
    // _IOC(dir, 'V', nr, size): dir 2 = read, 1 = write, 3 = both.
    private static nuint Ioc(uint dir, uint nr, uint size) => (nuint)((dir << 30) | (size << 16) | ('V' << 8) | nr);
    internal static readonly nuint QueryCap = Ioc(2, 0, CapabilitySize), EnumFmt = Ioc(3, 2, FmtDescSize),
        GFmt = Ioc(3, 4, FormatSize), SFmt = Ioc(3, 5, FormatSize), ReqBufs = Ioc(3, 8, RequestBuffersSize),
        QueryBuf = Ioc(3, 9, BufferSize), QBuf = Ioc(3, 15, BufferSize), DqBuf = Ioc(3, 17, BufferSize),
        StreamOn = Ioc(1, 18, 4), StreamOff = Ioc(1, 19, 4), GParm = Ioc(3, 21, StreamParmSize), SParm = Ioc(3, 22, StreamParmSize),
        EnumFrameSizes = Ioc(3, 74, FrmSizeEnumSize), EnumFrameIntervals = Ioc(3, 75, FrmIvalEnumSize);

    private const uint CapabilitySize = 104, FmtDescSize = 64, FormatSize = 208, RequestBuffersSize = 20, BufferSize = 88,
        StreamParmSize = 204, FrmSizeEnumSize = 44, FrmIvalEnumSize = 52;

    private const uint BufTypeVideoCapture = 1, MemoryMmap = 1, FieldNone = 1;
    private const uint CapVideoCapture = 0x1, CapStreaming = 0x04000000, CapDeviceCaps = 0x80000000, CapTimePerFrame = 0x1000;
    private const uint FmtFlagCompressed = 0x1, FmtFlagEmulated = 0x2;
    private const uint BufFlagError = 0x40, BufFlagTimestampMask = 0xe000, BufFlagTimestampMonotonic = 0x2000, BufFlagTstampSrcSoe = 0x10000;
    private const int ORdwr = 0x2, ONonblock = 0x800, OCloexec = 0x80000;
    private const int ProtRead = 0x1, ProtWrite = 0x2, MapShared = 0x1;
    private const short PollIn = 0x1, PollErr = 0x8, PollHup = 0x10;
    private const int EINTR = 4, EAGAIN = 11, ENODEV = 19, EIO = 5;

    /// <summary>Driver buffers: the driver fills one while we read another; older ones are handed back unread.</summary>
    public const int Buffers = 4;

    private readonly string _path;
    private int _fd = -1;
    private readonly nint[] _maps = new nint[Buffers];
    private readonly int[] _lengths = new int[Buffers];
    private int _mapped, _held = -1;
    private bool _streaming;
    private uint _lastSequence;
    private bool _sequenceKnown;

    private V4l2Device(string path, int fd)
    {
        _path = path;
        _fd = fd;
    }

    /// <summary>Opens <paramref name="path"/> (non-blocking: reads wait in <see cref="WaitForFrame"/>, which can be woken).</summary>
    /// <exception cref="SourceException">It does not exist, or cannot be opened (with why).</exception>
    public static V4l2Device Open(string path)
    {
        var fd = open(path, ORdwr | ONonblock | OCloexec);
        if (fd >= 0) return new V4l2Device(path, fd);
        var errno = Marshal.GetLastPInvokeError();
        throw new SourceException(errno switch
        {
            2 or ENODEV or 6 => $"{path}: no such camera device (is it plugged in? `smartcam cameras` lists them)",
            13 or 1 => $"{path}: permission denied (the service user needs the 'video' group)",
            16 => $"{path}: the camera is busy (another program has it open)",
            _ => $"{path}: cannot open the camera ({Errno(errno)})",
        });
    }

    public string Path => _path;

    /// <summary>Whether the driver stamps its buffers with CLOCK_MONOTONIC (known once <see cref="Start"/> has mapped them).</summary>
    public bool MonotonicTimestamps { get; private set; }

    /// <summary>The node's identity and whether it captures video (a UVC camera also has a metadata node, which does not).</summary>
    public V4l2Capability Capability()
    {
        var c = stackalloc byte[(int)CapabilitySize];
        Ioctl(QueryCap, c, "VIDIOC_QUERYCAP");
        var all = *(uint*)(c + 84);
        // device_caps is this node's own; capabilities covers every node of the physical device.
        var caps = (all & CapDeviceCaps) != 0 ? *(uint*)(c + 88) : all;
        return new V4l2Capability(Text(c, 16), Text(c + 16, 32), Text(c + 48, 32), caps,
            (caps & CapVideoCapture) != 0 && (caps & CapStreaming) != 0);
    }

    /// <summary>Every pixel format the node captures in, with its frame sizes and, per size, its frame rates.</summary>
    public List<V4l2Format> Formats()
    {
        var formats = new List<V4l2Format>();
        var d = stackalloc byte[(int)FmtDescSize];
        for (uint i = 0; ; i++)
        {
            new Span<byte>(d, (int)FmtDescSize).Clear();
            *(uint*)d = i;
            *(uint*)(d + 4) = BufTypeVideoCapture;
            if (ioctl(_fd, EnumFmt, d) != 0) break;
            var fourcc = *(uint*)(d + 44);
            var flags = *(uint*)(d + 8);
            formats.Add(new V4l2Format(FourCc.Name(fourcc), Text(d + 12, 32), (flags & FmtFlagCompressed) != 0, (flags & FmtFlagEmulated) != 0, Sizes(fourcc)));
        }
        return formats;
    }

    private List<V4l2Size> Sizes(uint fourcc)
    {
        var sizes = new List<V4l2Size>();
        var s = stackalloc byte[(int)FrmSizeEnumSize];
        for (uint i = 0; ; i++)
        {
            new Span<byte>(s, (int)FrmSizeEnumSize).Clear();
            *(uint*)s = i;
            *(uint*)(s + 4) = fourcc;
            if (ioctl(_fd, EnumFrameSizes, s) != 0) break;
            var type = *(uint*)(s + 8);
            var u = (uint*)(s + 12);
            if (type == 1)
            {
                var (rates, range) = Rates(fourcc, u[0], u[1]);
                sizes.Add(new V4l2Size((int)u[0], (int)u[1], (int)u[0], (int)u[1], rates, range));
                continue;
            }
            // Continuous or stepwise: one range (min_width, max_width, step_width, min_height, max_height, step_height).
            var (maxRates, maxRange) = Rates(fourcc, u[1], u[4]);
            sizes.Add(new V4l2Size((int)u[0], (int)u[3], (int)u[1], (int)u[4], maxRates, maxRange));
            break;
        }
        // A driver without ENUM_FRAMESIZES (an HDMI or TV input: the signal sets the size) offers its current size.
        if (sizes.Count == 0 && Current() is { } now && now.FourCc == FourCc.Name(fourcc))
            sizes.Add(new V4l2Size(now.Width, now.Height, now.Width, now.Height, now.Fps > 0 ? [now.Fps] : []));
        return sizes;
    }

    private (List<double> Rates, bool Range) Rates(uint fourcc, uint width, uint height)
    {
        var rates = new List<double>();
        var range = false;
        var f = stackalloc byte[(int)FrmIvalEnumSize];
        for (uint i = 0; ; i++)
        {
            new Span<byte>(f, (int)FrmIvalEnumSize).Clear();
            var u = (uint*)f;
            (u[0], u[1], u[2], u[3]) = (i, fourcc, width, height);
            if (ioctl(_fd, EnumFrameIntervals, f) != 0) break;
            if (u[4] == 1)
            {
                if (u[5] > 0) rates.Add(Math.Round((double)u[6] / u[5], 3));
                continue;
            }
            // Continuous or stepwise (min interval, max interval): the fastest and the slowest rate.
            if (u[5] > 0) rates.Add(Math.Round((double)u[6] / u[5], 3));
            if (u[7] > 0) rates.Add(Math.Round((double)u[8] / u[7], 3));
            range = true;
            break;
        }
        rates.Sort((a, b) => b.CompareTo(a));
        return (rates.Distinct().ToList(), range);
    }

    /// <summary>The format, size and rate the node is set to now; null if it cannot say.</summary>
    public V4l2Mode? Current()
    {
        var f = stackalloc byte[(int)FormatSize];
        new Span<byte>(f, (int)FormatSize).Clear();
        *(uint*)f = BufTypeVideoCapture;
        if (ioctl(_fd, GFmt, f) != 0) return null;
        return ModeOf(f, Rate());
    }

    /// <summary>
    /// Asks for <paramref name="wanted"/> (a width, height or rate of 0 keeps the node's own) and returns what the driver
    /// set, which may differ: a driver adjusts an impossible request to the nearest it can do.
    /// </summary>
    public V4l2Mode Set(V4l2Mode wanted)
    {
        var f = stackalloc byte[(int)FormatSize];
        new Span<byte>(f, (int)FormatSize).Clear();
        *(uint*)f = BufTypeVideoCapture;
        Ioctl(GFmt, f, "VIDIOC_G_FMT");
        var pix = (uint*)(f + 8);
        if (wanted.Width > 0) (pix[0], pix[1]) = ((uint)wanted.Width, (uint)wanted.Height);
        pix[2] = FourCc.Code(wanted.FourCc);
        pix[3] = FieldNone;
        pix[4] = 0; // bytesperline: the driver's choice
        Ioctl(SFmt, f, "VIDIOC_S_FMT");
        if (wanted.Fps > 0)
        {
            var p = stackalloc byte[(int)StreamParmSize];
            new Span<byte>(p, (int)StreamParmSize).Clear();
            *(uint*)p = BufTypeVideoCapture;
            // A driver that cannot set its rate (no V4L2_CAP_TIMEPERFRAME) keeps its own; the caller compares.
            if (ioctl(_fd, GParm, p) == 0 && (*(uint*)(p + 4) & CapTimePerFrame) != 0)
            {
                (*(uint*)(p + 12), *(uint*)(p + 16)) = (1000, (uint)Math.Round(wanted.Fps * 1000));
                _ = ioctl(_fd, SParm, p);
            }
        }
        return ModeOf(f, Rate());
    }

    private static V4l2Mode ModeOf(byte* format, double fps)
    {
        var pix = (uint*)(format + 8);
        return new V4l2Mode(FourCc.Name(pix[2]), (int)pix[0], (int)pix[1], fps) { BytesPerLine = (int)pix[4], SizeImage = (int)pix[5] };
    }

    /// <summary>The node's frame rate now (0 if it does not say).</summary>
    private double Rate()
    {
        var p = stackalloc byte[(int)StreamParmSize];
        new Span<byte>(p, (int)StreamParmSize).Clear();
        *(uint*)p = BufTypeVideoCapture;
        if (ioctl(_fd, GParm, p) != 0) return 0;
        var (numerator, denominator) = (*(uint*)(p + 12), *(uint*)(p + 16));
        return numerator == 0 ? 0 : Math.Round((double)denominator / numerator, 3);
    }

    /// <summary>Maps <see cref="Buffers"/> driver buffers, queues them all and starts the stream.</summary>
    public void Start()
    {
        var r = stackalloc byte[(int)RequestBuffersSize];
        new Span<byte>(r, (int)RequestBuffersSize).Clear();
        ((uint*)r)[0] = Buffers;
        ((uint*)r)[1] = BufTypeVideoCapture;
        ((uint*)r)[2] = MemoryMmap;
        Ioctl(ReqBufs, r, "VIDIOC_REQBUFS");
        var count = Math.Min((int)((uint*)r)[0], Buffers);
        if (count < 2) throw new SourceException($"{_path}: the driver gave {count} capture buffer(s); at least 2 are needed");
        var b = stackalloc byte[(int)BufferSize];
        for (var i = 0; i < count; i++)
        {
            ClearBuffer(b, (uint)i);
            Ioctl(QueryBuf, b, "VIDIOC_QUERYBUF");
            var length = *(uint*)(b + 72);
            MonotonicTimestamps = (*(uint*)(b + 12) & BufFlagTimestampMask) == BufFlagTimestampMonotonic;
            var map = mmap(0, length, ProtRead | ProtWrite, MapShared, _fd, *(uint*)(b + 64));
            if (map == -1) throw new SourceException($"{_path}: cannot map capture buffer {i} ({Errno(Marshal.GetLastPInvokeError())})");
            (_maps[i], _lengths[i]) = (map, (int)length);
            _mapped = i + 1;
            Ioctl(QBuf, b, "VIDIOC_QBUF");
        }
        var type = BufTypeVideoCapture;
        Ioctl(StreamOn, (byte*)&type, "VIDIOC_STREAMON");
        _streaming = true;
        _sequenceKnown = false;
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for a frame, woken early by <paramref name="wakeFd"/> (an eventfd, or -1).
    /// </summary>
    public WaitOutcome WaitForFrame(int timeoutMs, int wakeFd)
    {
        var fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = _fd, Events = PollIn };
        fds[1] = new PollFd { Fd = wakeFd, Events = PollIn };
        while (true)
        {
            var n = poll(fds, wakeFd >= 0 ? 2u : 1u, timeoutMs);
            if (n < 0 && Marshal.GetLastPInvokeError() == EINTR) continue;
            if (n < 0) return WaitOutcome.Gone;
            if (n == 0) return WaitOutcome.Timeout;
            if (wakeFd >= 0 && (fds[1].Revents & PollIn) != 0) return WaitOutcome.Woken;
            // An unregistered node (unplugged, driver unbound) polls as error and hang-up; its DQBUF then says ENODEV.
            if ((fds[0].Revents & PollIn) != 0) return WaitOutcome.Ready;
            return (fds[0].Revents & (PollErr | PollHup)) != 0 ? WaitOutcome.Gone : WaitOutcome.Timeout;
        }
    }

    /// <summary>
    /// Takes the newest filled buffer: every ready one is dequeued and all but the last handed straight back, so the
    /// frame read is the latest the driver has, not one queued behind a slow reader. The buffer stays ours until
    /// <see cref="Release"/> (or the next call). Null when none is ready.
    /// </summary>
    /// <exception cref="V4l2GoneException">The device went away (ENODEV, EIO).</exception>
    public V4l2Buffer? DequeueNewest()
    {
        Release();
        var b = stackalloc byte[(int)BufferSize];
        V4l2Buffer? newest = null;
        while (true)
        {
            ClearBuffer(b, 0);
            if (ioctl(_fd, DqBuf, b) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EAGAIN) return newest;
                if (errno == EINTR) continue;
                throw new V4l2GoneException($"{_path}: VIDIOC_DQBUF failed ({Errno(errno)})");
            }
            if (newest is { } older) Requeue(older.Index);
            var index = (int)*(uint*)b;
            var flags = *(uint*)(b + 12);
            var sequence = *(uint*)(b + 56);
            var skipped = _sequenceKnown && sequence > _lastSequence + 1 ? sequence - _lastSequence - 1 : 0;
            (_lastSequence, _sequenceKnown) = (sequence, true);
            var timestampNs = *(long*)(b + 24) * 1_000_000_000 + *(long*)(b + 32) * 1000;
            newest = new V4l2Buffer(index, _maps[index], (int)*(uint*)(b + 8), timestampNs,
                (flags & BufFlagTimestampMask) == BufFlagTimestampMonotonic, (flags & BufFlagTstampSrcSoe) != 0,
                (flags & BufFlagError) != 0, sequence, (int)skipped);
            _held = index;
        }
    }

    /// <summary>Hands the buffer taken by <see cref="DequeueNewest"/> back to the driver.</summary>
    public void Release()
    {
        if (_held < 0) return;
        var index = _held;
        _held = -1;
        Requeue(index);
    }

    private void Requeue(int index)
    {
        var b = stackalloc byte[(int)BufferSize];
        ClearBuffer(b, (uint)index);
        if (ioctl(_fd, QBuf, b) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new V4l2GoneException($"{_path}: VIDIOC_QBUF failed ({Errno(errno)})");
        }
    }

    private static void ClearBuffer(byte* b, uint index)
    {
        new Span<byte>(b, (int)BufferSize).Clear();
        *(uint*)b = index;
        *(uint*)(b + 4) = BufTypeVideoCapture;
        *(uint*)(b + 60) = MemoryMmap;
    }

    private void Ioctl(nuint request, byte* argument, string name)
    {
        while (ioctl(_fd, request, argument) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EINTR) continue;
            if (errno is ENODEV or EIO) throw new V4l2GoneException($"{_path}: {name} failed ({Errno(errno)})");
            throw new SourceException($"{_path}: {name} failed ({Errno(errno)})");
        }
    }

    private static string Text(byte* p, int max) => Encoding.UTF8.GetString(p, new ReadOnlySpan<byte>(p, max).IndexOf((byte)0) is var n and >= 0 ? n : max).Trim();

    private static string Errno(int errno) => errno switch
    {
        ENODEV => "ENODEV: the device is gone",
        EIO => "EIO",
        16 => "EBUSY: in use",
        25 => "ENOTTY: not a V4L2 device",
        22 => "EINVAL",
        _ => $"errno {errno}",
    };

    /// <summary>Stops the stream, unmaps the buffers and closes the node (also after the device went away).</summary>
    public void Dispose()
    {
        if (_fd < 0) return;
        if (_streaming)
        {
            var type = BufTypeVideoCapture;
            _ = ioctl(_fd, StreamOff, (byte*)&type);
            _streaming = false;
        }
        for (var i = 0; i < _mapped; i++) _ = munmap(_maps[i], (nuint)_lengths[i]);
        _mapped = 0;
        _held = -1;
        _ = close(_fd);
        _fd = -1;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, byte* argument);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc")]
    private static partial int munmap(nint address, nuint length);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}

public enum WaitOutcome
{
    Ready,
    Timeout,
    /// <summary>The wake-up fd was signalled (stop).</summary>
    Woken,
    /// <summary>The node reports an error or hang-up: the device went away.</summary>
    Gone,
}

/// <summary>What a node is: its driver, card name and bus, and whether it captures video.</summary>
public readonly record struct V4l2Capability(string Driver, string Card, string Bus, uint DeviceCaps, bool IsVideoCapture);

/// <summary>A pixel format a node offers, with its sizes.</summary>
/// <param name="Compressed">A compressed format (MJPG, H264).</param>
/// <param name="Emulated">Converted by a library, not the device's own (never from the kernel itself).</param>
public sealed record V4l2Format(string FourCc, string Description, bool Compressed, bool Emulated, IReadOnlyList<V4l2Size> Sizes);

/// <summary>
/// A frame size a format offers: one size (<see cref="MinWidth"/> = <see cref="MaxWidth"/>), or a range of sizes; with
/// the frame rates at the largest, fastest first (<see cref="RateRange"/>: any rate from the first to the last).
/// </summary>
public sealed record V4l2Size(int MinWidth, int MinHeight, int MaxWidth, int MaxHeight, IReadOnlyList<double> Rates, bool RateRange = false)
{
    public bool IsRange => MinWidth != MaxWidth || MinHeight != MaxHeight;
}

/// <summary>One format, size and rate: asked for, or what a device set (rate 0: the device's own, or not known).</summary>
public sealed record V4l2Mode(string FourCc, int Width, int Height, double Fps)
{
    /// <summary>Bytes per row of the first plane as the driver lays it out (0 for compressed formats).</summary>
    public int BytesPerLine { get; init; }

    /// <summary>The largest a frame can be, in bytes.</summary>
    public int SizeImage { get; init; }

    public override string ToString() => $"{FourCc} {Width}x{Height}" + (Fps > 0 ? $" at {Fps:0.###} fps" : "");
}

/// <summary>
/// A filled driver buffer, valid until it is released: its bytes, the driver's timestamp (CLOCK_MONOTONIC where
/// <see cref="Monotonic"/>: taken by the kernel at the end of the frame, or its start where <see cref="StartOfExposure"/>)
/// and its sequence number, with the frames the driver dropped before it.
/// </summary>
public readonly record struct V4l2Buffer(int Index, nint Data, int BytesUsed, long TimestampNs, bool Monotonic, bool StartOfExposure, bool Error, uint Sequence, int Skipped);

/// <summary>The device went away under an open handle (unplugged, its driver unbound).</summary>
public sealed class V4l2GoneException(string message) : Exception(message);

/// <summary>V4L2 pixel format codes (four ASCII characters, little-endian) and their names.</summary>
public static class FourCc
{
    /// <summary>The formats SmartCam reads: Y plane then interleaved UV (4:2:0), packed Y U Y V (4:2:2), a JPEG per frame.</summary>
    public const string Nv12 = "NV12", Yuyv = "YUYV", Mjpg = "MJPG";

    public static uint Code(string name) =>
        name.Length == 4 ? (uint)(name[0] | name[1] << 8 | name[2] << 16 | name[3] << 24) : throw new ArgumentException($"'{name}' is not a four-character code");

    public static string Name(uint code)
    {
        Span<char> c = [(char)(code & 0xff), (char)(code >> 8 & 0xff), (char)(code >> 16 & 0xff), (char)(code >> 24 & 0x7f)];
        return new string(c).TrimEnd();
    }
}
