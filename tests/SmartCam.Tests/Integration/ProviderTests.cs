namespace SmartCam.Tests.Integration;

/// <summary>
/// <c>model.provider</c> through the real binary, on this CPU-only build (the default Microsoft.ML.OnnxRuntime package has
/// no accelerator): an accelerator is refused with exit 2 and one line naming the key, the value, the providers the
/// build has and how to get a build with it; <c>cpu</c> validates as before. The GPU path itself: scripts/gpu-check.sh.
/// </summary>
public sealed class ProviderTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Config(string provider) => _dir.Write("smartcam.yaml", $"""
        camera:
          source: file://{Repo.Video}
          pace: max
        model:
          path: {Repo.Model}
          labels: {Repo.Labels}
          provider: {provider}
        publish:
          endpoint: tcp://127.0.0.1:{ChildProcess.FreePort()}
        """);

    private static (int Exit, string Stdout, string Stderr) Smartcam(params string[] args)
    {
        using var process = ChildProcess.SmartCam(args);
        var exit = process.WaitForExit(Timeout);
        return (exit, process.Stdout, process.Stderr);
    }

    private const string Cuda = "build with `-p:OnnxRuntimeFlavor=gpu` (the Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0 package; needs an NVIDIA GPU, CUDA 13 and cuDNN 9 on the box)";
    private const string Tensorrt = "build with `-p:OnnxRuntimeFlavor=gpu` (the Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0 package; needs an NVIDIA GPU, CUDA 13, cuDNN 9 and TensorRT 10 on the box)";
    private const string OpenVino = "OpenVINO needs a custom ONNX Runtime 1.31 built with it (build.sh --use_openvino) in place of the libonnxruntime.so beside smartcam: there is no NuGet package of it to build with here (Intel.ML.OnnxRuntime.OpenVino is not available)";

    public static TheoryData<string, string, string, string> Accelerators => new()
    {
        // command, provider, ONNX Runtime's name for it, how the line says to get a build with it
        { "validate", "cuda", "CUDA", Cuda },
        { "run", "cuda", "CUDA", Cuda },
        { "validate", "tensorrt", "TensorRT", Tensorrt },
        { "run", "tensorrt", "TensorRT", Tensorrt },
        { "validate", "openvino", "OpenVINO", OpenVino },
        { "run", "openvino", "OpenVINO", OpenVino },
    };

    [Theory]
    [MemberData(nameof(Accelerators))]
    public void Accelerator_missing_from_this_build_exits_2_with_one_line_saying_how_to_get_it(string command, string provider, string name, string howToGet)
    {
        var config = Config(provider);

        var (exit, stdout, stderr) = Smartcam(command, "--config", config);

        Assert.True(exit == 2, $"exit {exit}\n{stdout}{stderr}");
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"smartcam: {config}: model.provider: {provider}: this build's ONNX Runtime has no {name} execution provider (it has: CPUExecutionProvider); {howToGet}", line);
    }

    [Fact]
    public void Unknown_provider_exits_2_with_one_line_naming_the_key_and_the_allowed_values()
    {
        var config = Config("rocm"); // line 7, column 13

        var (exit, stdout, stderr) = Smartcam("validate", "--config", config);

        Assert.True(exit == 2, $"exit {exit}\n{stdout}{stderr}");
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"smartcam: {config}:7:13: model.provider: 'rocm' is not one of: cpu, cuda, tensorrt, openvino", line);
    }

    [Fact]
    public void Cpu_provider_validates_and_names_the_session_provider()
    {
        var config = Config("cpu");

        var (exit, stdout, stderr) = Smartcam("validate", "--config", config);

        Assert.True(exit == 0, stderr);
        Assert.Equal("", stderr);
        Assert.Contains("family yolox, input 416x416 BGR 0-255 pad 114 top-left, output [1, 3549, 85], 80 classes", stdout);
        Assert.Contains("\n         provider cpu: session on CPUExecutionProvider\n", stdout);
    }
}
