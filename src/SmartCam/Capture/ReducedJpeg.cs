using OpenCvSharp;
using OpenCvSharp.Internal;

namespace SmartCam.Capture;

/// <summary>
/// A V4L2 camera's MJPEG frames decoded at 1/2, 1/4 or 1/8 of their size inside the JPEG decoder (libjpeg's DCT
/// scaling: only the coefficients the smaller picture needs are computed), where the smaller picture still gives the
/// model at least the size it scales the frame to. A 1080p frame for a 416x416 model is decoded at 480x270, a 4K frame
/// at 480x270 too: a sixteenth and a sixty-fourth of the work of the full picture, which only a viewer needs.
/// </summary>
public static class ReducedJpeg
{
    /// <summary>The largest of 8, 4, 2 (else 1) that keeps a <paramref name="width"/>x<paramref name="height"/> frame at least <paramref name="neededWidth"/>x<paramref name="neededHeight"/>.</summary>
    public static int ReductionFor(int width, int height, int neededWidth, int neededHeight)
    {
        // A loop, not a list of the three: a Debug build made an array of [8, 4, 2] on every call (per frame, on the capture thread).
        for (var k = 8; k >= 2; k /= 2)
            if (width / k >= neededWidth && height / k >= neededHeight) return k;
        return 1;
    }

    /// <summary>
    /// Decodes the JPEG in <paramref name="jpeg"/> at 1/<paramref name="reduction"/> into <paramref name="into"/> (BGR).
    /// Called natively: OpenCvSharp's <c>Cv2.ImDecode</c> makes a new managed Mat each time, and this runs per frame on the
    /// capture thread. False if the data is no JPEG it can decode (a damaged frame).
    /// </summary>
    public static bool Decode(Mat jpeg, int reduction, Mat into)
    {
        var flags = reduction switch { 8 => ImreadModes.ReducedColor8, 4 => ImreadModes.ReducedColor4, 2 => ImreadModes.ReducedColor2, _ => ImreadModes.Color };
        if (NativeMethods.imgcodecs_imdecode_Mat(jpeg.CvPtr, (int)flags, out var decoded) != ExceptionStatus.NotOccurred || decoded == 0) return false;
        try
        {
            return NativeMethods.core_Mat_copyTo_toMat1(decoded, into.CvPtr) == ExceptionStatus.NotOccurred && !into.Empty();
        }
        finally
        {
            NativeMethods.core_Mat_delete(decoded);
        }
    }
}
