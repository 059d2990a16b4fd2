using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using SmartCam.Configuration;

namespace SmartCam.Inference;

/// <summary>
/// <c>model.provider</c> → the ONNX Runtime execution provider appended to a session's options. CPU is never appended:
/// ONNX Runtime always registers it last, so it runs every node the chosen provider cannot, and <c>provider: cpu</c>
/// leaves the options exactly as they were before the key existed.
/// </summary>
public static class ExecutionProviders
{
    public const string Cpu = "CPUExecutionProvider";

    /// <summary>ONNX Runtime's name for the provider, as <see cref="OrtEnv.GetAvailableProviders"/> lists it.</summary>
    public static string OrtName(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cuda => "CUDAExecutionProvider",
        ExecutionProvider.Tensorrt => "TensorrtExecutionProvider",
        ExecutionProvider.OpenVino => "OpenVINOExecutionProvider",
        _ => Cpu,
    };

    /// <summary>
    /// Appends <paramref name="provider"/> to <paramref name="options"/> and returns the providers the session will
    /// have, most preferred first. Throws a <see cref="ModelException"/> naming <c>model.provider</c> when this build's
    /// native library lacks it or cannot start it.
    /// </summary>
    public static string[] Append(SessionOptions options, ExecutionProvider provider)
    {
        if (provider == ExecutionProvider.Cpu) return [Cpu];
        // The list is what the native library was compiled with; asking first gives a clear message instead of
        // ONNX Runtime's own, which differs per provider (an error status, or a missing entry point).
        var available = OrtEnv.Instance().GetAvailableProviders();
        string[] wanted = provider == ExecutionProvider.Tensorrt ? [OrtName(provider), OrtName(ExecutionProvider.Cuda)] : [OrtName(provider)];
        if (!wanted.All(available.Contains))
            throw Error(provider, $"this build's ONNX Runtime has no {Display(provider)} execution provider (it has: {string.Join(", ", available)}); {HowToGet(provider)}");
        // ONNX Runtime logs its own error, over several lines, when a provider's library does not load; the one line
        // thrown below says it, with the libraries missing, so its log is quiet for these calls only.
        var env = OrtEnv.Instance();
        var level = env.EnvLogLevel;
        env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        try
        {
            switch (provider)
            {
                case ExecutionProvider.Cuda:
                    options.AppendExecutionProvider_CUDA(0);
                    return [OrtName(provider), Cpu];
                case ExecutionProvider.Tensorrt:
                    // ONNX Runtime's advice for TensorRT: CUDA next, so the nodes TensorRT cannot take stay on the GPU.
                    options.AppendExecutionProvider_Tensorrt(0);
                    options.AppendExecutionProvider_CUDA(0);
                    return [OrtName(provider), OrtName(ExecutionProvider.Cuda), Cpu];
                default:
                    options.AppendExecutionProvider_OpenVINO("");
                    return [OrtName(provider), Cpu];
            }
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException)
        {
            throw StartFailed(provider, e.Message);
        }
        finally
        {
            env.EnvLogLevel = level;
        }
    }

    /// <summary>The provider is in this build but ONNX Runtime could not start it (no GPU, a library it loads is missing).</summary>
    public static ModelException StartFailed(ExecutionProvider provider, string reason)
    {
        // ONNX Runtime's own reason says only "Failed to load shared library", not which one.
        var missing = MissingLibraries(provider).ToList();
        var where = missing.Count > 0 ? $" (not found here: {string.Join(", ", missing)})" : "";
        return Error(provider, $"ONNX Runtime could not start its {Display(provider)} execution provider: {reason.Split('\n')[0].Trim().TrimEnd('.')}{where}; {Needs(provider)}");
    }

    /// <summary>
    /// The NVIDIA libraries the Gpu.Linux 1.31.0 providers need (readelf -d on them, and libcudnn.so.9, which they open
    /// at run time) that the loader cannot open on this box.
    /// </summary>
    private static IEnumerable<string> MissingLibraries(ExecutionProvider provider)
    {
        if (provider is not (ExecutionProvider.Cuda or ExecutionProvider.Tensorrt)) yield break;
        string[] cuda = ["libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcudnn.so.9"];
        string[] libraries = provider == ExecutionProvider.Tensorrt ? [.. cuda, "libnvinfer.so.10", "libnvonnxparser.so.10"] : cuda;
        foreach (var name in libraries)
        {
            if (NativeLibrary.TryLoad(name, out var handle)) NativeLibrary.Free(handle);
            else yield return name;
        }
    }

    /// <summary>Whether the model file opens in a session with no provider appended: tells a provider's failure from the file's.</summary>
    public static bool OpensOnCpu(string path)
    {
        try
        {
            using var options = new SessionOptions();
            using var session = new InferenceSession(path, options);
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    }

    private static ModelException Error(ExecutionProvider provider, string message) =>
        new($"{ModelSection.Provider.Path}: {YamlEnums.Provider.NameOf(provider)}: {message}", ModelSection.Provider.Path);

    private static string Display(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cuda => "CUDA",
        ExecutionProvider.Tensorrt => "TensorRT",
        ExecutionProvider.OpenVino => "OpenVINO",
        _ => "CPU",
    };

    // Gpu.Linux 1.31.0's providers link libcudart.so.13 and libcublas.so.13 (CUDA 13), load libcudnn.so.9, and the
    // TensorRT one links libnvinfer.so.10 (readelf -d on the package's runtimes/linux-x64/native).
    private static string HowToGet(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cuda => "build with `-p:OnnxRuntimeFlavor=gpu` (the Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0 package; needs an NVIDIA GPU, CUDA 13 and cuDNN 9 on the box)",
        ExecutionProvider.Tensorrt => "build with `-p:OnnxRuntimeFlavor=gpu` (the Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0 package; needs an NVIDIA GPU, CUDA 13, cuDNN 9 and TensorRT 10 on the box)",
        _ => "OpenVINO needs a custom ONNX Runtime 1.31 built with it (build.sh --use_openvino) in place of the libonnxruntime.so beside smartcam: there is no NuGet package of it to build with here (Intel.ML.OnnxRuntime.OpenVino is not available)",
    };

    private static string Needs(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cuda => "it needs an NVIDIA GPU with its driver, CUDA 13 and cuDNN 9 where the loader finds them (ldconfig or LD_LIBRARY_PATH)",
        ExecutionProvider.Tensorrt => "it needs an NVIDIA GPU with its driver, CUDA 13, cuDNN 9 and TensorRT 10 where the loader finds them (ldconfig or LD_LIBRARY_PATH)",
        _ => "it needs the OpenVINO runtime libraries that ONNX Runtime was built against, where the loader finds them",
    };
}
