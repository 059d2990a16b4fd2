using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SmartCam.Configuration;

/// <summary>The <c>model:</c> section: its keys and their reader.</summary>
public static class ModelSection
{
    /// <summary>The side of the input size used for models with dynamic input dimensions.</summary>
    private const int InputSide = 640;

    public static readonly ConfigKey Path = Setting.Required("model.path", "The ONNX model file.");
    public static readonly ConfigKey Labels = Setting.Without("model.labels", "none", "Class names, one per line, in the model's class order.");
    public static readonly Setting<ModelFamily> Family = Setting.Choice("model.family", YamlEnums.Family, ModelFamily.Auto, "The model's family; auto infers it from the output shape.");
    public static readonly ConfigKey Name = Setting.Without("model.name", "file name without", "The model field of det. messages.");
    public static readonly Setting<int> InputSize = Setting.Int("model.input_size", InputSide, 32, 8192,
        "[width, height] for models whose input size is dynamic.", documented: $"`[{InputSide}, {InputSide}]`");
    public static readonly Setting<ResizeMode> Resize = Setting.Choice("model.input.resize", YamlEnums.Resize, ResizeMode.Linear, "OpenCV interpolation of the letterbox.");
    public static readonly Setting<ChannelOrder> Channels = Setting.ChoiceWithout("model.input.channels", YamlEnums.Channels, "family default", "The channel order the model expects.");
    public static readonly Setting<float> Range = Setting.ChoiceWithout("model.input.range", YamlEnums.Range, "family default", "The pixel value scale the model expects.");
    public static readonly Setting<int> Pad = Setting.Int("model.input.pad", 114, 0, 255, "Letterbox fill value, before scaling.");
    public static readonly Setting<PadAlign> Align = Setting.ChoiceWithout("model.input.align", YamlEnums.Align, "family default", "Where the resized image sits in the letterbox.");
    public static readonly Setting<int> Threads = Setting.Int("model.threads", 1, 1, 64, "ONNX Runtime intra-op threads.");
    public static readonly Setting<int> Instances = Setting.Int("model.instances", 1, 1, 64, "Detector instances, each with its own session and inference thread.");
    public static readonly Setting<string> Optimization = Setting.Choice("model.optimization", YamlEnums.Optimization, "all", "ONNX Runtime graph optimisation.");
    public static readonly Setting<ExecutionProvider> Provider = Setting.Choice("model.provider", YamlEnums.Provider, ExecutionProvider.Cpu, "ONNX Runtime execution provider.");

    internal static ModelConfig Read(YamlSection s, string baseDir)
    {
        var path = s.ExistingFile(Path.Key, s.RequiredString(Path.Key), baseDir, " (scripts/setup.sh puts the sample model in models/)");
        var labelsText = s.String(Labels.Key);
        var labels = labelsText is null ? null : s.ExistingFile(Labels.Key, labelsText, baseDir);
        var family = s.Choice(Family);

        int inputW = InputSize.Default, inputH = InputSize.Default;
        var size = s.NodeOf(InputSize.Key);
        if (size is not null)
        {
            if (size is not YamlSequenceNode { Children.Count: 2 } seq
                || !int.TryParse(seq.Children[0].ToString(), CultureInfo.InvariantCulture, out inputW)
                || !int.TryParse(seq.Children[1].ToString(), CultureInfo.InvariantCulture, out inputH)
                || inputW < InputSize.Min || inputW > InputSize.Max || inputH < InputSize.Min || inputH > InputSize.Max)
                throw s.Error(size, InputSize.Key, $"expected [width, height] in pixels, {InputSize.Min} to {InputSize.Max}, e.g. [{InputSide}, {InputSide}]");
        }

        var input = s.Section("input");
        var model = new ModelConfig
        {
            Path = path,
            Labels = labels,
            Family = family,
            Name = s.String(Name.Key, System.IO.Path.GetFileNameWithoutExtension(path)),
            InputWidth = inputW,
            InputHeight = inputH,
            Resize = input?.OptionalChoice(Resize),
            Channels = input?.OptionalChoice(Channels),
            Scale = input?.OptionalChoice(Range),
            Pad = input?.String(Pad.Key) is null ? null : (byte)input.Int(Pad),
            Align = input?.OptionalChoice(Align),
            IntraOpThreads = s.Int(Threads),
            Instances = s.Int(Instances),
            Optimization = s.OneOf(Optimization),
            Provider = s.Choice(Provider),
        };
        input?.RejectUnknownKeys();
        s.RejectUnknownKeys();
        return model;
    }
}
