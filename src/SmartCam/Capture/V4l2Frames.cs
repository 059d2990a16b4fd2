using OpenCvSharp;
using SmartCam.Core;

namespace SmartCam.Capture;

/// <summary>
/// A V4L2 driver's filled buffer made into a frame slot, for one negotiated mode. Raw frames (YUYV, NV12) are copied
/// out of the driver's buffer (which goes straight back to the driver) into a <see cref="DecodedPicture"/> and converted
/// from there like a decoded file's: straight to the detector's size where it is much smaller, the full picture only
/// for the live view, on its thread. Without FFmpeg's converter (<see cref="LibAv.Available"/> false) OpenCV converts
/// them at full size. MJPEG frames are decoded at 1/2, 1/4 or 1/8 where the detector wants them that much smaller
/// (<see cref="ReducedJpeg"/>), and their JPEG is kept for the live view. Nothing here allocates per frame.
/// </summary>
public sealed class V4l2Frames(V4l2Mode mode, DetectorPictures pictures, bool withLibAv) : IDisposable
{
    private readonly int _avFormat = mode.FourCc switch { FourCc.Yuyv => LibAv.PixFmtYuyv422, FourCc.Nv12 => LibAv.PixFmtNv12, _ => -1 };
    private readonly RawConverter? _fallback = mode.FourCc is FourCc.Yuyv or FourCc.Nv12 && !withLibAv ? new RawConverter(mode) : null;

    /// <summary>Fills <paramref name="into"/> from <paramref name="buffer"/>, which may be handed back to the driver as soon as this returns.</summary>
    public ReadResult Fill(in V4l2Buffer buffer, Frame into)
    {
        if (buffer.Error || buffer.BytesUsed == 0) return ReadResult.Corrupt;
        if (_avFormat < 0) return FillJpeg(buffer, into);
        if (_fallback is { } fallback)
        {
            var started = MonotonicClock.NowNs();
            (into.Width, into.Height) = (mode.Width, mode.Height);
            if (!fallback.Convert(buffer, into.Image)) return ReadResult.Corrupt;
            into.ConvertDurationNs = MonotonicClock.NowNs() - started;
            return ReadResult.Frame;
        }
        var picture = into.Decoded ??= new DecodedPicture();
        if (!picture.Make(mode.Width, mode.Height, _avFormat) || !CopyRaw(buffer, picture)) return ReadResult.Corrupt;
        return pictures.Fill(ReadResult.Frame, into);
    }

    /// <summary>Copies the driver's rows (<see cref="V4l2Mode.BytesPerLine"/> apart) into the picture's planes; false if the buffer is short.</summary>
    private unsafe bool CopyRaw(in V4l2Buffer buffer, DecodedPicture picture)
    {
        var nv12 = mode.FourCc == FourCc.Nv12;
        var stride = mode.BytesPerLine > 0 ? mode.BytesPerLine : nv12 ? mode.Width : mode.Width * 2;
        var rowBytes = nv12 ? mode.Width : mode.Width * 2;
        var source = (byte*)buffer.Data;
        var end = source + buffer.BytesUsed;
        // NV12 in one buffer: the Y rows, then the interleaved UV rows, each row stride bytes apart.
        for (var p = 0; p < (nv12 ? 2 : 1); p++)
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

    private unsafe ReadResult FillJpeg(in V4l2Buffer buffer, Frame into)
    {
        var started = MonotonicClock.NowNs();
        (into.Width, into.Height) = (mode.Width, mode.Height);
        var reduction = pictures.DetectSize is { } detectSize && detectSize(mode.Width, mode.Height) is var (toWidth, toHeight)
            ? ReducedJpeg.ReductionFor(mode.Width, mode.Height, toWidth, toHeight) : 1;
        // The JPEG outlives the driver's buffer (the live view decodes it at full size later): a copy, into a slot sized
        // once for the largest frame the driver may send. What an earlier, longer frame left after this one's end marker
        // stays: the decoder stops at the marker.
        var jpeg = into.Jpeg ??= new Mat();
        var capacity = Math.Max(mode.SizeImage, buffer.BytesUsed);
        if (jpeg.Cols < capacity || jpeg.Rows != 1) jpeg.Create(1, capacity, MatType.CV_8UC1);
        Buffer.MemoryCopy((void*)buffer.Data, (void*)jpeg.Data, (long)jpeg.Total(), buffer.BytesUsed);
        if (!ReducedJpeg.Decode(jpeg, reduction, into.Image)) return ReadResult.Corrupt;
        into.ConvertDurationNs = MonotonicClock.NowNs() - started;
        return ReadResult.Frame;
    }

    public void Dispose() => _fallback?.Dispose();
}
