using SmartCam.Configuration;

namespace SmartCam.Inference;

/// <summary>Matches a model's output shape against what each YOLO family produces for a given input size.</summary>
public static class ModelShapes
{
    /// <summary>
    /// The family and class count the output shape fits, or a <see cref="ModelException"/> saying why not.
    /// <paramref name="labelCount"/> is null when no labels file is configured.
    /// </summary>
    public static (ModelFamily Family, int Classes) Resolve(string modelPath, ModelFamily requested, int inputWidth, int inputHeight,
        long[] output, int? labelCount)
    {
        var found = Format(output);
        if (output.Length != 3 || output[0] != 1)
            throw new ModelException($"{modelPath}: output shape {found} fits no supported family; expected [1, anchors, 5+classes] (yolox, yolov5) or [1, 4+classes, anchors] (yolov8/yolo11)");

        var grid = YoloxDecoder.AnchorCount(inputWidth, inputHeight);
        var fits = new List<(ModelFamily, int)>();
        if (output[1] == grid && output[2] > 5) fits.Add((ModelFamily.Yolox, (int)output[2] - 5));
        if (output[1] == 3 * grid && output[2] > 5) fits.Add((ModelFamily.Yolov5, (int)output[2] - 5));
        if (output[2] == grid && output[1] > 4) fits.Add((ModelFamily.Yolov8, (int)output[1] - 4));

        if (requested != ModelFamily.Auto)
        {
            foreach (var (family, classes) in fits)
                if (family == requested) return CheckLabels(modelPath, family, classes, output, labelCount);
            var c = labelCount?.ToString() ?? "classes";
            var expected = requested switch
            {
                ModelFamily.Yolox => $"[1, {grid}, 5+{c}]",
                ModelFamily.Yolov5 => $"[1, {3 * grid}, 5+{c}]",
                _ => $"[1, 4+{c}, {grid}]",
            };
            throw new ModelException($"{modelPath}: output shape {found} does not fit family {YamlEnums.Family.NameOf(requested)}, which for a {inputWidth}x{inputHeight} input expects {expected}");
        }
        if (fits.Count == 1) return CheckLabels(modelPath, fits[0].Item1, fits[0].Item2, output, labelCount);
        if (fits.Count == 0)
            throw new ModelException($"{modelPath}: output shape {found} fits no supported family for a {inputWidth}x{inputHeight} input; expected [1, {grid}, 5+classes] (yolox), [1, {3 * grid}, 5+classes] (yolov5) or [1, 4+classes, {grid}] (yolov8/yolo11)");
        throw new ModelException($"{modelPath}: output shape {found} fits more than one family; set model.family");
    }

    private static (ModelFamily, int) CheckLabels(string modelPath, ModelFamily family, int classes, long[] output, int? labelCount)
    {
        if (labelCount is { } n && n != classes)
            throw new ModelException($"{modelPath}: the model has {classes} classes (family {YamlEnums.Family.NameOf(family)}, output {Format(output)}) but the labels file has {n} names; expected one name per class");
        return (family, classes);
    }

    public static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
