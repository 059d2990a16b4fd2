using System.Diagnostics;
using SmartCam.Configuration;
using SmartCam.Inference;

namespace SmartCam.Tests.Unit;

/// <summary>The tiny models of TestModels/make_test_models.py, written once into a temporary folder.</summary>
public sealed class TestModelsFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public TestModelsFixture()
    {
        var script = Repo.Path("tests", "SmartCam.Tests", "TestModels", "make_test_models.py");
        var start = new ProcessStartInfo(Repo.Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(_dir.Path);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{script} did not finish within 2 minutes");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{script} exited with {process.ExitCode}:\n{stderr.Result}{stdout.Result}");
    }

    public string Dir => _dir.Path;

    public string File(string name) => _dir.File(name);

    public void Dispose() => _dir.Dispose();
}

public class OnnxDetectorTests(TestModelsFixture models) : IClassFixture<TestModelsFixture>
{
    private static OnnxDetector Load(string path, string? labels = null) =>
        OnnxDetector.Load(new ModelConfig { Path = path, Labels = labels, Family = ModelFamily.Auto });

    private static Detection[] Detect(OnnxDetector detector)
    {
        using var input = detector.CreateInput(); // the tiny models ignore their input's values
        detector.Run(input);
        var pp = new DetectionPostprocessor(detector.Decoder, detector.Labels, new DetectConfig());
        var into = new Detection[100];
        var n = pp.Run(detector.Output, Letterbox.For(64, 64, 64, 64, PadAlign.Center), 64, 64, into);
        return into[..n];
    }

    [Fact]
    public void Yolov8_model_is_recognised_and_its_planted_detection_found()
    {
        using var detector = Load(models.File("yolov8_tiny.onnx"));

        Assert.Equal(ModelFamily.Yolov8, detector.Family);
        Assert.Equal([1L, 7, 84], detector.OutputShape);
        Assert.Equal((64, 64), (detector.InputWidth, detector.InputHeight));
        Assert.Equal(3, detector.Labels.Length);

        // planted at anchor 50: cx=20, cy=30, w=10, h=6, class scores [0.1, 0.6, 0.4] -> class 1, 0.6, [15, 27, 25, 33]
        var d = Assert.Single(Detect(detector));
        Assert.Equal(1, d.ClassId);
        Assert.Equal(0.6f, d.Score, 5);
        Assert.Equal([15f, 27f, 25f, 33f], new[] { d.X1, d.Y1, d.X2, d.Y2 });
    }

    [Fact]
    public void Yolov5_model_is_recognised_and_its_planted_detection_found()
    {
        using var detector = Load(models.File("yolov5_tiny.onnx"));

        Assert.Equal(ModelFamily.Yolov5, detector.Family);
        Assert.Equal([1L, 252, 8], detector.OutputShape);

        // planted at row 200: cx=40, cy=24, w=16, h=8, objectness 0.9, probabilities [0.2, 0.1, 0.8]
        // -> class 2, score 0.9*0.8 = 0.72, box [32, 20, 48, 28]
        var d = Assert.Single(Detect(detector));
        Assert.Equal(2, d.ClassId);
        Assert.Equal(0.72f, d.Score, 5);
        Assert.Equal([32f, 20f, 48f, 28f], new[] { d.X1, d.Y1, d.X2, d.Y2 });
    }

    [Fact]
    public void Output_fitting_no_family_names_the_file_and_the_shape()
    {
        var path = models.File("wrong_shape.onnx");

        var e = Assert.Throws<ModelException>(() => Load(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("[1, 10, 7]", e.Message);
    }

    [Fact]
    public void Two_inputs_are_rejected_naming_the_file_and_the_inputs()
    {
        var path = models.File("two_inputs.onnx");

        var e = Assert.Throws<ModelException>(() => Load(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("2 inputs", e.Message);
        Assert.Contains("extra", e.Message);
    }

    [Fact]
    public void Gray_input_is_rejected_naming_the_file_and_the_shape()
    {
        var path = models.File("gray_input.onnx");

        var e = Assert.Throws<ModelException>(() => Load(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("[1, 1, 64, 64]", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_rejected_naming_it()
    {
        using var dir = new TempDir();
        var path = dir.Write("x.onnx", "this is not a model\n");

        var e = Assert.Throws<ModelException>(() => Load(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Real_yolox_nano_loads_with_its_labels()
    {
        using var detector = Load(Repo.Model, Repo.Labels);

        Assert.Equal(ModelFamily.Yolox, detector.Family);
        Assert.Equal([1L, 3549, 85], detector.OutputShape); // 416x416: 52² + 26² + 13² anchors, 5 + 80
        Assert.Equal((416, 416), (detector.InputWidth, detector.InputHeight));
        Assert.Equal(80, detector.Labels.Length);
        Assert.Equal("person", detector.Labels[0]);
    }

    [Fact]
    public void Labels_file_one_name_short_is_rejected_with_both_counts()
    {
        using var dir = new TempDir();
        var labels = dir.Write("coco79.names", string.Join("\n", File.ReadAllLines(Repo.Labels).Take(79)) + "\n");

        var e = Assert.Throws<ModelException>(() => Load(Repo.Model, labels));

        Assert.Contains(Repo.Model, e.Message);
        Assert.Contains("80", e.Message);
        Assert.Contains("79", e.Message);
    }

    /// <summary>The real model on the real photo: its detections, and the raw output they came from.</summary>
    private static (float[] Output, Detection[] Detections) DetectMessi(OnnxDetector detector)
    {
        using var image = OpenCvSharp.Cv2.ImRead(Repo.Messi);
        using var resizer = new LetterboxResizer(detector.InputWidth, detector.InputHeight, new ModelConfig().InputFor(detector.Family));
        using var input = detector.CreateInput();
        resizer.Run(image, input);
        detector.Run(input);
        var pp = new DetectionPostprocessor(detector.Decoder, detector.Labels, new DetectConfig());
        var into = new Detection[100];
        var n = pp.Run(detector.Output, input.Geometry, image.Width, image.Height, into);
        return ((float[])detector.Output.Clone(), into[..n]);
    }

    [Fact]
    public void Cpu_provider_is_the_default_and_gives_the_very_same_output()
    {
        using var byDefault = Load(Repo.Model, Repo.Labels);
        using var cpu = OnnxDetector.Load(new ModelConfig { Path = Repo.Model, Labels = Repo.Labels, Provider = ExecutionProvider.Cpu });

        Assert.Equal(ExecutionProvider.Cpu, byDefault.Provider);
        Assert.Equal(["CPUExecutionProvider"], byDefault.Providers);
        Assert.Equal(["CPUExecutionProvider"], cpu.Providers);
        var (expectedOutput, expected) = DetectMessi(byDefault);
        var (output, detections) = DetectMessi(cpu);
        Assert.Equal(expectedOutput, output); // bit for bit: provider cpu appends nothing to the session
        Assert.Equal(expected, detections);
        Assert.Contains(detections, d => cpu.Labels[d.ClassId] == "person");
    }

    [Theory]
    [InlineData(ExecutionProvider.Cuda, "CUDA")]
    [InlineData(ExecutionProvider.Tensorrt, "TensorRT")]
    [InlineData(ExecutionProvider.OpenVino, "OpenVINO")]
    public void Accelerator_missing_from_this_build_is_a_model_exception_naming_the_key(ExecutionProvider provider, string name)
    {
        var e = Assert.Throws<ModelException>(() => OnnxDetector.Load(new ModelConfig { Path = Repo.Model, Provider = provider }));

        // The key, not the model file, is at fault: RunCommand.Load puts the config file in front of it, not "model: PATH".
        Assert.Equal("model.provider", e.Key);
        Assert.StartsWith($"model.provider: {YamlEnums.Provider.NameOf(provider)}: this build's ONNX Runtime has no {name} execution provider (it has: CPUExecutionProvider); ", e.Message);
    }

    [Fact]
    public void Appending_a_provider_the_native_library_lacks_throws_what_ExecutionProviders_catches()
    {
        // Why Append checks the list first and still catches both: without it ONNX Runtime reports the lack in its own
        // way per provider (an error status, or an entry point missing from libonnxruntime.so).
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions();

        var e = Record.Exception(() => options.AppendExecutionProvider_CUDA(0));

        Assert.True(e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or EntryPointNotFoundException, e?.ToString() ?? "no exception");
    }
}
