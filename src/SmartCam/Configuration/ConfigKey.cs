using System.Globalization;

namespace SmartCam.Configuration;

/// <summary>
/// One YAML key, declared once: where it is, what docs/configuration.md gives as its default, and a one-line doc.
/// The loader reads it by this declaration, the records take their defaults from it, and the docs test checks every
/// declaration against the docs' tables.
/// </summary>
public class ConfigKey(string path, string documentedDefault, string doc)
{
    /// <summary>The key as docs/configuration.md's tables name it, section first: <c>camera.reconnect.initial_ms</c>, <c>rules.when.zone</c>.</summary>
    public string Path { get; } = path;

    /// <summary>The key inside its mapping, as the YAML file writes it: <c>initial_ms</c>.</summary>
    public string Key => Path[(Path.LastIndexOf('.') + 1)..];

    /// <summary>How the docs' default cell starts: a YAML value in backticks (<c>`500`</c>) or words (<c>required</c>, <c>none</c>).</summary>
    public string DocumentedDefault { get; } = documentedDefault;

    public string Doc { get; } = doc;

    public override string ToString() => Path;
}

/// <summary>A key with one default (and, for numbers, a range; for choices, the names it takes).</summary>
public sealed class Setting<T> : ConfigKey
{
    internal Setting(string path, T @default, T min, T max, YamlEnum<T>? names, string doc, string? documented)
        : base(path, documented ?? "`" + (names is null ? Yaml(@default) : names.NameOf(@default)) + "`", doc)
    {
        Default = @default;
        Min = min;
        Max = max;
        Names = names;
    }

    public T Default { get; }

    /// <summary>The smallest and largest value accepted (numbers only).</summary>
    public T Min { get; }
    public T Max { get; }

    /// <summary>The values it takes, each with its YAML name (choices only).</summary>
    public YamlEnum<T>? Names { get; }

    private static string Yaml(T value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}

/// <summary>The ways to declare a key; each section's declarations are static fields of its reader (e.g. <see cref="CameraSection"/>).</summary>
public static class Setting
{
    /// <param name="documented">How the docs show the default, where it is not the plain value (<c>`[640, 640]`</c>).</param>
    public static Setting<int> Int(string path, int @default, int min, int max, string doc, string? documented = null) =>
        new(path, @default, min, max, null, doc, documented);

    public static Setting<float> Float(string path, float @default, float min, float max, string doc, string? documented = null) =>
        new(path, @default, min, max, null, doc, documented);

    public static Setting<bool> Bool(string path, bool @default, string doc) => new(path, @default, false, true, null, doc, null);

    public static Setting<string> Text(string path, string @default, string doc) => new(path, @default, "", "", null, doc, null);

    /// <summary>One of <paramref name="names"/>.</summary>
    public static Setting<T> Choice<T>(string path, YamlEnum<T> names, T @default, string doc) =>
        new(path, @default, @default, @default, names, doc, null);

    /// <summary>One of <paramref name="names"/>, with no default of its own: absent, it follows another key (<paramref name="documented"/> says which).</summary>
    public static Setting<T> ChoiceWithout<T>(string path, YamlEnum<T> names, string documented, string doc) =>
        new(path, default!, default!, default!, names, doc, documented);

    /// <summary>A key without a default value: required, or absent means something no value says (<c>none</c>, <c>unchanged</c>).</summary>
    public static ConfigKey Without(string path, string documented, string doc) => new(path, documented, doc);

    public static ConfigKey Required(string path, string doc) => new(path, "required", doc);
}
