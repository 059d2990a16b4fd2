namespace SmartCam.Core;

/// <summary>Per-frame stage durations, in microseconds, as published in <c>stages_us</c>.</summary>
/// <param name="CaptureUs">Reading and decoding the frame (without <paramref name="WaitUs"/> and <paramref name="ConvertUs"/>).</param>
/// <param name="ConvertUs">Converting the decoded picture into the detector's picture (and scaling it, where it goes straight to the model's size).</param>
public record struct StageTimes(long CaptureUs, long PreUs, long InferUs, long PostUs, long CaptureLateUs = -1, long InferLateUs = 0, long WaitUs = 0, long ConvertUs = 0);
