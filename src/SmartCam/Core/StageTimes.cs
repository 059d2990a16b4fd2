namespace SmartCam.Core;

/// <summary>Per-frame stage durations, in microseconds, as published in <c>stages_us</c>.</summary>
public record struct StageTimes(long CaptureUs, long PreUs, long InferUs, long PostUs, long CaptureLateUs = -1, long InferLateUs = 0, long WaitUs = 0);
