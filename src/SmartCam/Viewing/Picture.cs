using System.Buffers.Text;
using System.Collections.Concurrent;
using OpenCvSharp;
using OpenCvSharp.Internal;
using OpenCvSharp.Internal.Vectors;

namespace SmartCam.Viewing;

/// <summary>
/// One encoded picture for the viewers of a camera: the JPEG and, for pages, the frame header that goes before it.
/// Shared by every viewer it was queued for and counted: the last one to send or drop it gives it back to the
/// <see cref="PicturePool"/>, so pictures at <c>live_fps</c> reuse the same buffers and the garbage collector (which
/// stops every managed thread, the loop's included) has nothing to do for them.
/// </summary>
public sealed class Picture
{
    private readonly PicturePool _pool;
    private byte[] _jpeg = new byte[128 * 1024];
    private byte[] _head = new byte[8 * 1024];
    private int _jpegLength, _headLength, _references;

    internal Picture(PicturePool pool) => _pool = pool;

    public long Seq { get; private set; }
    public ReadOnlyMemory<byte> Jpeg => _jpeg.AsMemory(0, _jpegLength);

    /// <summary>{"kind":"frame","seq":N,"det":…}: the page's header for this picture; empty for MJPEG pictures.</summary>
    public ReadOnlyMemory<byte> Head => _head.AsMemory(0, _headLength);

    /// <summary>Encodes <paramref name="image"/> as JPEG into this picture's buffer (via OpenCV's vector, copied once).</summary>
    internal void Encode(Mat image, InputArray array, long seq, int[] jpegParameters, VectorOfByte scratch)
    {
        NativeMethods.HandleException(NativeMethods.imgcodecs_imencode_vector(".jpg", array.CvPtr, scratch.CvPtr, jpegParameters, jpegParameters.Length, out var ok));
        GC.KeepAlive(image);
        if (ok == 0) throw new OpenCVException(0, "imencode", "JPEG encoding failed", "", 0);
        var length = scratch.Size;
        if (_jpeg.Length < length) _jpeg = new byte[length + length / 4];
        unsafe
        {
            new ReadOnlySpan<byte>((void*)scratch.ElemPtr, length).CopyTo(_jpeg);
        }
        _jpegLength = length;
        _headLength = 0;
        Seq = seq;
    }

    /// <summary>Writes the page's frame header with the frame's det. message (empty: none came).</summary>
    internal void SetHead(ReadOnlySpan<byte> det)
    {
        var need = 64 + Math.Max(det.Length, 4);
        if (_head.Length < need) _head = new byte[need * 2];
        var span = _head.AsSpan();
        var n = Append(span, "{\"kind\":\"frame\",\"seq\":"u8, 0);
        Utf8Formatter.TryFormat(Seq, span[n..], out var digits);
        n += digits;
        n = Append(span, ",\"det\":"u8, n);
        n = Append(span, det.Length > 0 ? det : "null"u8, n);
        _headLength = Append(span, "}"u8, n);
    }

    private static int Append(Span<byte> to, ReadOnlySpan<byte> what, int at)
    {
        what.CopyTo(to[at..]);
        return at + what.Length;
    }

    /// <summary>Adds <paramref name="count"/> holders (each queue it goes into, and the encoder while it works).</summary>
    internal void Retain(int count) => Interlocked.Add(ref _references, count);

    /// <summary>A holder is done with it (sent, dropped, or the viewer left).</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0) _pool.Return(this);
    }
}

/// <summary>Pictures to reuse; grows to what the viewers hold at most (their queues) and stays there.</summary>
public sealed class PicturePool
{
    private readonly ConcurrentQueue<Picture> _free = new(); // a queue: segments are reused, where a stack allocates a node per push

    internal Picture Rent() => _free.TryDequeue(out var picture) ? picture : new Picture(this);

    internal void Return(Picture picture) => _free.Enqueue(picture);
}

/// <summary>
/// OpenCV input wrappers of the few images sc-live encodes (the frame taps' buffers), made on first sight: <c>imencode</c>
/// takes an <c>_InputArray</c>, and OpenCvSharp's <c>Cv2.ImEncode</c> makes a new one, and a new byte array, every call.
/// </summary>
internal sealed class InputArrays : IDisposable
{
    private readonly (Mat Image, InputArray Array)[] _known = new (Mat, InputArray)[8];
    private int _count;

    public InputArray For(Mat image)
    {
        for (var i = 0; i < _count; i++)
            if (ReferenceEquals(_known[i].Image, image)) return _known[i].Array;
        if (_count == _known.Length)
        {
            // Buffers are replaced only when a camera changes size: start over.
            Dispose();
        }
        var created = InputArray.Create(image);
        _known[_count++] = (image, created);
        return created;
    }

    public void Dispose()
    {
        for (var i = 0; i < _count; i++) _known[i].Array.Dispose();
        _count = 0;
    }
}
