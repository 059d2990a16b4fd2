using System.Globalization;
using System.Reflection;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>
/// The loader reads each key by its declaration: a value past a declared number's range, or a word not among a declared
/// choice's names, is refused with the range or the names the declaration gives. Checked for every declared key of a
/// section the file can hold at the top level (camera, model, detect, publish, http, realtime, tracking, actuation).
/// </summary>
public class ConfigDeclarationTests
{
    private static readonly string[] TopLevel = ["camera", "model", "detect", "publish", "http", "realtime", "tracking", "actuation"];

    /// <summary>Keys read other than by their declared range: input_size is a pair, priority's range follows the policy.</summary>
    private static readonly ConfigKey[] ReadOtherwise = [ModelSection.InputSize];

    public static TheoryData<string> Numbers() => [.. Declared().Where(k => k is Setting<int> or Setting<float>).Select(k => k.Path)];

    public static TheoryData<string> Choices() => [.. Declared().Where(k => NamesOf(k) is not null).Select(k => k.Path)];

    [Theory]
    [MemberData(nameof(Numbers))]
    public void A_number_past_its_declared_range_is_refused_with_that_range(string path)
    {
        var key = Declared().Single(k => k.Path == path);
        var (min, max, tooBig) = key switch
        {
            Setting<int> i => (Text(i.Min), Text(i.Max), Text((long)i.Max + 1)),
            Setting<float> f => (Text(f.Min), Text(f.Max), f.Max == float.MaxValue ? "1e39" : Text(f.Max + 1)),
            _ => throw new InvalidOperationException(path),
        };
        var message = Refused(path, tooBig);
        Assert.EndsWith($" {path}: {tooBig} is out of range; expected {min} to {max}", message);
    }

    [Theory]
    [MemberData(nameof(Choices))]
    public void A_word_not_among_a_choices_declared_names_is_refused_with_those_names(string path)
    {
        var key = Declared().Single(k => k.Path == path);
        var shown = key == CameraSection.PixelFormat ? "NOPE" : "nope"; // pixel formats are upper case
        Assert.EndsWith($" {path}: '{shown}' is not one of: {string.Join(", ", NamesOf(key)!)}", Refused(path, "nope"));
    }

    /// <summary>The declared keys a top-level section holds directly (section.key), realtime's thread keys as the inference thread's.</summary>
    private static IEnumerable<ConfigKey> Declared() =>
        typeof(ConfigLoader).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => typeof(ConfigKey).IsAssignableFrom(f.FieldType))
            .Select(f => (ConfigKey)f.GetValue(null)!)
            .Where(k => !ReadOtherwise.Contains(k) && k != RealtimeSection.Priority)
            .Where(k => k.Path.Split('.') is [var section, _] && TopLevel.Contains(section));

    private static IReadOnlyList<string>? NamesOf(ConfigKey key) => key switch
    {
        Setting<string> s => s.Names?.Names,
        Setting<Pace> s => s.Names?.Names,
        Setting<ModelFamily> s => s.Names?.Names,
        Setting<ExecutionProvider> s => s.Names?.Names,
        Setting<SchedPolicy> s => s.Names?.Names,
        Setting<AnchorPoint> s => s.Names?.Names,
        Setting<HwAccel> s => s.Names?.Names,
        Setting<ConvertMode> s => s.Names?.Names,
        _ => null,
    };

    /// <summary>The one-line error for a config whose <paramref name="path"/> (section.key) is <paramref name="value"/>.</summary>
    private static string Refused(string path, string value)
    {
        var (section, key) = (path[..path.IndexOf('.')], path[(path.IndexOf('.') + 1)..]);
        var given = $"  {key}: {value}";
        string[] lines = section switch
        {
            "camera" => ["camera:", "  source: file://clip.avi", given, "model:", "  path: " + Repo.Model],
            "model" => ["camera:", "  source: file://clip.avi", "model:", "  path: " + Repo.Model, given],
            _ => ["camera:", "  source: file://clip.avi", "model:", "  path: " + Repo.Model, section + ":", given],
        };
        using var dir = new TempDir();
        var file = dir.Write("smartcam.yaml", string.Join("\n", lines) + "\n");
        return Assert.Throws<ConfigException>(() => ConfigLoader.Load(file)).Message;
    }

    private static string Text(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
