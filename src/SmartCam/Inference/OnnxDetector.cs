using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SmartCam.Configuration;

namespace SmartCam.Inference;

/// <summary>
/// An ONNX Runtime session bound once to preallocated input and output tensors, so that each
/// <see cref="Run"/> reuses the same memory. Loading checks the model's shapes against the family and labels.
/// </summary>
public sealed class OnnxDetector : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName, _outputName;
    private readonly OrtValue _outputValue;
    private readonly RunOptions _runOptions = new();

    private OnnxDetector(InferenceSession session, string inputName, string outputName, int width, int height, long[] outputShape,
        ModelFamily family, int classes, string[] labels, string name, ExecutionProvider provider, string[] providers)
    {
        _session = session;
        Provider = provider;
        Providers = providers;
        InputWidth = width;
        InputHeight = height;
        Family = family;
        Labels = labels;
        Name = name;
        OutputShape = outputShape;
        _inputName = inputName;
        _outputName = outputName;
        Output = new float[outputShape.Aggregate(1L, (a, b) => a * b)];
        _outputValue = OrtValue.CreateTensorValueFromMemory(Output, outputShape);
        Decoder = family switch
        {
            ModelFamily.Yolox => new YoloxDecoder(width, height, classes),
            ModelFamily.Yolov5 => new Yolov5Decoder(width, height, classes),
            _ => new Yolov8Decoder(width, height, classes),
        };
    }

    public int InputWidth { get; }
    public int InputHeight { get; }
    public ModelFamily Family { get; }
    public string[] Labels { get; }
    public string Name { get; }
    public long[] OutputShape { get; }
    public IDetectionDecoder Decoder { get; }
    public ExecutionProvider Provider { get; }

    /// <summary>The execution providers the session was created with, most preferred first; CPU, last, runs what the others cannot.</summary>
    public string[] Providers { get; }

    /// <summary>
    /// Whether the model's batch dimension is dynamic. SmartCam infers one frame per run either way: YOLOX-nano's is fixed
    /// at 1, so batching frames of several cameras is not possible with it (docs/benchmarks.md#many-cameras).
    /// </summary>
    public bool BatchIsDynamic { get; private init; }

    /// <summary>The model output, overwritten by each <see cref="Run"/>.</summary>
    public float[] Output { get; }

    /// <summary>A new preallocated input, bound once. Create one per frame slot at start-up.</summary>
    public DetectorInput CreateInput()
    {
        var tensor = new float[3 * InputWidth * InputHeight];
        var value = OrtValue.CreateTensorValueFromMemory(tensor, [1, 3, InputHeight, InputWidth]);
        var binding = _session.CreateIoBinding();
        binding.BindInput(_inputName, value);
        binding.BindOutput(_outputName, _outputValue);
        return new DetectorInput(tensor, value, binding);
    }

    /// <summary>Runs the model on <paramref name="input"/> into <see cref="Output"/>; allocates nothing.</summary>
    public void Run(DetectorInput input) => _session.RunWithBinding(_runOptions, input.Binding);

    public static OnnxDetector Load(ModelConfig config)
    {
        var path = config.Path;
        var labels = config.Labels is null ? null : ReadLabels(config.Labels);
        var options = new SessionOptions
        {
            IntraOpNumThreads = config.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = config.Optimization switch
            {
                "none" => GraphOptimizationLevel.ORT_DISABLE_ALL,
                "basic" => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                "extended" => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
        };
        var providers = ExecutionProviders.Append(options, config.Provider);
        if (new FileInfo(path).Length == 0)
            throw new ModelException($"{path}: the file is empty (0 bytes); expected an ONNX model file");
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            // A provider that cannot start (no GPU, a CUDA library missing) fails here too: when the model opens
            // without it, the provider is at fault, not the file.
            if (config.Provider != ExecutionProvider.Cpu && ExecutionProviders.OpensOnCpu(path))
                throw ExecutionProviders.StartFailed(config.Provider, e.Message);
            throw new ModelException($"{path}: ONNX Runtime cannot load this file as a model: {LoadFailure(e.Message)}; expected an ONNX model file (a copy cut short, or another file renamed .onnx, fails like this)");
        }
        try
        {
            return Bind(session, config, path, labels, providers);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static OnnxDetector Bind(InferenceSession session, ModelConfig config, string path, string[]? labels, string[] providers)
    {
        if (session.InputMetadata.Count != 1)
            throw new ModelException($"{path}: the model has {session.InputMetadata.Count} inputs ({string.Join(", ", session.InputMetadata.Keys)}); expected one image input [1, 3, height, width]");
        var (inputName, input) = session.InputMetadata.First();
        var dims = input.Dimensions;
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Float || dims.Length != 4 || dims[0] > 1 || dims[1] != 3)
            throw new ModelException($"{path}: input '{inputName}' is {input.ElementDataType} {ModelShapes.Format(dims.Select(d => (long)d))}; expected float [1, 3, height, width]");
        var height = dims[2] > 0 ? dims[2] : config.InputHeight;
        var width = dims[3] > 0 ? dims[3] : config.InputWidth;

        var (outputName, output) = session.OutputMetadata.First();
        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float)
            throw new ModelException($"{path}: output '{outputName}' is {output.ElementDataType}; expected a float tensor");

        // Dynamic output dimensions are only known after a run: one run on a blank input settles them and warms the session up.
        long[] shape;
        var blank = new float[3 * width * height];
        using (var inputValue = OrtValue.CreateTensorValueFromMemory(blank, [1, 3, height, width]))
        using (var runOptions = new RunOptions())
        {
            try
            {
                using var results = session.Run(runOptions, [inputName], [inputValue], [outputName]);
                shape = results[0].GetTensorTypeAndShape().Shape;
            }
            catch (OnnxRuntimeException e)
            {
                var dynamic = dims[2] <= 0 || dims[3] <= 0 ? " (the model's input size is dynamic: model.input_size set it)" : "";
                throw new ModelException($"{path}: a test run on a {width}x{height} input failed{dynamic}: {FirstLine(e.Message)}");
            }
        }

        ModelFamily family;
        int classes;
        try
        {
            (family, classes) = ModelShapes.Resolve(path, config.Family, width, height, shape, labels?.Length);
        }
        catch (ModelException e) when (dims[2] <= 0 || dims[3] <= 0)
        {
            throw new ModelException($"{e.Message} (the model's input size is dynamic, so it ran at model.input_size, {width}x{height}; the default is 640x640: set input_size to the size the model was exported for)");
        }
        labels ??= Enumerable.Range(0, classes).Select(i => "class" + i).ToArray();
        return new OnnxDetector(session, inputName, outputName, width, height, shape, family, classes, labels, config.Name, config.Provider, providers)
        {
            BatchIsDynamic = dims[0] < 1,
        };
    }

    public static string[] ReadLabels(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelException($"{path}: cannot read the labels file: {e.Message}");
        }
        // A trailing empty line is common; an empty line inside would shift every class after it.
        var count = lines.Length;
        while (count > 0 && string.IsNullOrWhiteSpace(lines[count - 1])) count--;
        for (var i = 0; i < count; i++)
            if (string.IsNullOrWhiteSpace(lines[i]))
                throw new ModelException($"{path}:{i + 1}: empty label; expected one class name per line");
        if (count == 0) throw new ModelException($"{path}: the labels file is empty; expected one class name per line");
        return lines[..count].Select(l => l.Trim()).ToArray();
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    /// <summary>ONNX Runtime's reason without its prefix "[ErrorCode:InvalidProtobuf] Load model from PATH failed:", which repeats the path.</summary>
    private static string LoadFailure(string message)
    {
        var line = FirstLine(message);
        var failed = line.IndexOf(" failed:", StringComparison.Ordinal);
        return (line.StartsWith("[ErrorCode:", StringComparison.Ordinal) && failed > 0 ? line[(failed + " failed:".Length)..] : line).Trim().TrimEnd('.');
    }

    public void Dispose()
    {
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
