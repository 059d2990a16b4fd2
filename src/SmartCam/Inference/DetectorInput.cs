using Microsoft.ML.OnnxRuntime;

namespace SmartCam.Inference;

/// <summary>
/// One preallocated model input: the NCHW tensor a frame is letterboxed into, and an ONNX Runtime
/// binding of that tensor (plus the detector's shared output). Each frame slot owns one, so the capture
/// thread can prepare frame N+1 while frame N is inferred, and no run binds or allocates anything.
/// </summary>
public sealed class DetectorInput : IDisposable
{
    internal DetectorInput(float[] tensor, OrtValue value, OrtIoBinding binding)
    {
        Tensor = tensor;
        Value = value;
        Binding = binding;
    }

    public float[] Tensor { get; }

    internal OrtValue Value { get; }

    internal OrtIoBinding Binding { get; }

    /// <summary>Where the last frame written into <see cref="Tensor"/> sits in it.</summary>
    public Letterbox Geometry { get; set; }

    public void Dispose()
    {
        Binding.Dispose();
        Value.Dispose();
    }
}
