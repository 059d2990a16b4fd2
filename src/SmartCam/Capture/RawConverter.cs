using OpenCvSharp;
using OpenCvSharp.Internal;

namespace SmartCam.Capture;

/// <summary>
/// A V4L2 camera's raw frames (YUYV, NV12) converted to BGR at full size by OpenCV, straight from the driver's buffer:
/// the way without FFmpeg's converter (<see cref="LibAv.Available"/> false, a build whose FFmpeg is not the one LibAv is
/// written for). The OpenCV wrappers of the driver's few buffers and of the frame slots are made once, so a frame
/// allocates nothing. Owned by the capture thread.
/// </summary>
internal sealed class RawConverter(V4l2Mode mode) : IDisposable
{
    private readonly ColorConversionCodes _code = mode.FourCc == FourCc.Nv12 ? ColorConversionCodes.YUV2BGR_NV12 : ColorConversionCodes.YUV2BGR_YUYV;
    private readonly List<(nint Data, Mat Image, InputArray Array)> _buffers = [];
    private readonly List<(Mat Image, OutputArray Array)> _slots = [];

    public bool Convert(V4l2Buffer buffer, Mat into)
    {
        var rows = mode.FourCc == FourCc.Nv12 ? mode.Height * 3 / 2 : mode.Height;
        if (buffer.BytesUsed < (long)mode.BytesPerLine * (rows - 1) + mode.Width) return false;
        var status = NativeMethods.imgproc_cvtColor(Source(buffer.Data, rows).CvPtr, Target(into).CvPtr, (int)_code, 3);
        return status == ExceptionStatus.NotOccurred && !into.Empty();
    }

    private InputArray Source(nint data, int rows)
    {
        foreach (var known in _buffers)
            if (known.Data == data) return known.Array;
        var type = mode.FourCc == FourCc.Nv12 ? MatType.CV_8UC1 : MatType.CV_8UC2;
        var image = Mat.FromPixelData(rows, mode.Width, type, data, mode.BytesPerLine);
        var array = InputArray.Create(image);
        _buffers.Add((data, image, array));
        return array;
    }

    private OutputArray Target(Mat into)
    {
        foreach (var known in _slots)
            if (ReferenceEquals(known.Image, into)) return known.Array;
        var array = OutputArray.Create(into);
        _slots.Add((into, array));
        return array;
    }

    public void Dispose()
    {
        foreach (var (_, image, array) in _buffers)
        {
            array.Dispose();
            image.Dispose();
        }
        foreach (var (_, array) in _slots) array.Dispose();
        _buffers.Clear();
        _slots.Clear();
    }
}
