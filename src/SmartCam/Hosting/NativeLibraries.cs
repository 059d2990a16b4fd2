using System.Reflection;
using System.Runtime.InteropServices;

namespace SmartCam.Hosting;

/// <summary>
/// Loads OpenCvSharp's and ONNX Runtime's native libraries from the folder the binary is in. A Native
/// AOT binary has no deps.json to say where they are, and the default search does not look beside the
/// executable, so without this OpenCvSharpExtern is not found.
/// </summary>
public static class NativeLibraries
{
    public static void Register()
    {
        Register(typeof(OpenCvSharp.Mat).Assembly);
        Register(typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly);
        // OpenCV would otherwise spread each resize over a pool of one thread per core, stealing the
        // core inference runs on; each stage already has its own thread.
        OpenCvSharp.Cv2.SetNumThreads(1);
    }

    private static void Register(Assembly assembly) =>
        NativeLibrary.SetDllImportResolver(assembly, (name, _, _) =>
        {
            var file = Path.Combine(AppContext.BaseDirectory, name.StartsWith("lib", StringComparison.Ordinal) ? name + ".so" : "lib" + name + ".so");
            // Zero falls back to the runtime's own search (the JIT build finds them through deps.json).
            return File.Exists(file) && NativeLibrary.TryLoad(file, out var handle) ? handle : IntPtr.Zero;
        });
}
