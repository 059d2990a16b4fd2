using OpenCvSharp;

namespace SmartCam.Capture;

/// <summary>
/// One reusable frame slot. The pixels live in <see cref="Image"/>, which capture overwrites in place,
/// so a steady stream of frames allocates nothing.
/// </summary>
public sealed class Frame : IDisposable
{
    public Mat Image { get; } = new();

    /// <summary>
    /// The camera's picture size, which detections are given in. <see cref="Image"/> is that size, or smaller where the
    /// source converted straight to the size the detector wants (<see cref="IScalingSource"/>).
    /// </summary>
    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>
    /// The decoder's full-size picture of this frame, where the source decodes in-process (null otherwise): held by
    /// reference until the slot is read into again, so the live view can share it without a copy on this thread.
    /// </summary>
    public DecodedPicture? Decoded { get; set; }

    /// <summary>
    /// The camera's own JPEG of this frame, where a V4L2 MJPEG camera's frames are decoded at a fraction of their size
    /// for the detector (null otherwise): the live view decodes it at full size on its own thread.
    /// </summary>
    public Mat? Jpeg { get; set; }

    /// <summary>Per-camera capture sequence: +1 per captured frame, so a gap downstream means a dropped frame.</summary>
    public long Seq { get; set; }

    /// <summary>
    /// CLOCK_MONOTONIC nanoseconds when the frame was captured: the device's timestamp where it gives one (V4L2), else
    /// when it was read (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> on Linux).
    /// </summary>
    public long CaptureNs { get; set; }

    /// <summary>
    /// CLOCK_MONOTONIC nanoseconds when SmartCam read the frame, where <see cref="CaptureNs"/> is the device's own earlier
    /// timestamp (a V4L2 driver's); 0 where the read time is the capture time.
    /// </summary>
    public long ReadNs { get; set; }

    public DateTime CaptureUtc { get; set; }

    /// <summary>
    /// The frame's instant on the clock tracking, zones and rules run on: for a file, its media time (the
    /// container's presentation time, continued across loops), so a replay gives the same events however fast or
    /// loaded the box is; for a live source, <see cref="CaptureNs"/>. Only differences of it mean anything.
    /// </summary>
    public long SceneNs { get; set; }

    /// <summary>How long reading and decoding the frame took, without <see cref="WaitDurationNs"/>.</summary>
    public long CaptureDurationNs { get; set; }

    /// <summary>How long converting the decoded picture into <see cref="Image"/> took (part of <see cref="CaptureDurationNs"/>'s read, reported on its own).</summary>
    public long ConvertDurationNs { get; set; }

    /// <summary>How long the read waited for a live camera to deliver the frame (0 for files).</summary>
    public long WaitDurationNs { get; set; }

    /// <summary>
    /// What this slot's frame is prepared into on the capture thread (the detector's letterboxed model input), made once
    /// with the slot by the pipeline that composes capture with inference. Capture only passes it to that pipeline's
    /// prepare step and disposes it with the slot, so it is opaque here: capture needs no inference type, and the
    /// hand-over stays a swap of pre-allocated slots (the inference side casts it back, which allocates nothing).
    /// </summary>
    public IDisposable? Prepared { get; init; }

    /// <summary>How long preparing <see cref="Prepared"/> took.</summary>
    public long PrepareDurationNs { get; set; }

    /// <summary>When the frame was handed to the inference thread: from then on it could start.</summary>
    public long ReadyNs { get; set; }

    /// <summary>How late the capture thread woke for this frame against its intended start; -1 when it did not wait for a time (live sources, the freshest-frame hand-over).</summary>
    public long CaptureLateNs { get; set; } = -1;

    public void Dispose()
    {
        Image.Dispose();
        Decoded?.Dispose();
        Jpeg?.Dispose();
        Prepared?.Dispose();
    }
}
