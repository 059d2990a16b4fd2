using System.Globalization;
using YamlDotNet.RepresentationModel;
using SmartCam.Core;

namespace SmartCam.Configuration;

/// <summary>A user mistake in a config file: the message names the file, line, key and what was expected.</summary>
public sealed class ConfigException(string message) : Exception(UserError.OneLine(message));

/// <summary>
/// Reads one YAML mapping by hand (no reflection, so it survives Native AOT) and remembers which keys
/// were asked for, so that <see cref="RejectUnknownKeys"/> can name any key the schema does not have.
/// </summary>
internal sealed class YamlSection
{
    private readonly string _file;
    private readonly string _path;
    private readonly YamlMappingNode _node;
    private readonly List<string> _known = [];

    public YamlSection(string file, string path, YamlMappingNode node)
    {
        _file = file;
        _path = path;
        _node = node;
    }

    public YamlNode Node => _node;

    public ConfigException Error(YamlNode at, string key, string message) =>
        new($"{_file}:{at.Start.Line}:{at.Start.Column}: {Qualified(key)}: {message}");

    /// <summary>An error about this section as a whole (or its own name), qualified by the section's path.</summary>
    public ConfigException SectionError(YamlNode at, string message) =>
        new($"{_file}:{at.Start.Line}:{at.Start.Column}: {_path}: {message}");

    public string Qualified(string key) => _path.Length == 0 ? key : _path + "." + key;

    public YamlSection? Section(string key)
    {
        var node = Find(key);
        if (node is null || IsNull(node)) return null;
        if (node is not YamlMappingNode map) throw Error(node, key, "expected a mapping of keys (key: value)");
        return new YamlSection(_file, Qualified(key), map);
    }

    public string? String(string key)
    {
        var node = Find(key);
        if (node is null || IsNull(node)) return null;
        if (node is not YamlScalarNode scalar) throw Error(node, key, "expected a single value, not a list or mapping");
        return scalar.Value ?? "";
    }

    public string String(string key, string fallback) => String(key) ?? fallback;

    public string RequiredString(string key)
    {
        var value = String(key);
        if (string.IsNullOrWhiteSpace(value)) throw new ConfigException($"{_file}:{_node.Start.Line}:{_node.Start.Column}: {Qualified(key)}: is required");
        return value;
    }

    public bool Bool(string key, bool fallback)
    {
        var text = String(key);
        if (text is null) return fallback;
        return text switch
        {
            "true" or "True" or "yes" or "on" => true,
            "false" or "False" or "no" or "off" => false,
            _ => throw Error(Find(key)!, key, $"'{text}' is not a boolean; expected true or false"),
        };
    }

    public int Int(string key, int fallback, int min, int max)
    {
        var text = String(key);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw Error(Find(key)!, key, IsHugeWholeNumber(text) ? $"{text} is out of range; expected {min} to {max}" : $"'{text}' is not a whole number");
        if (value < min || value > max) throw Error(Find(key)!, key, $"{value} is out of range; expected {min} to {max}");
        return value;
    }

    /// <summary>A whole number too big for an int, such as 99999999999: out of range rather than "not a number".</summary>
    private static bool IsHugeWholeNumber(string text) =>
        text.Length > 0 && text.TrimStart('-', '+').Length > 0 && text.TrimStart('-', '+').All(char.IsAsciiDigit);

    public float? Float(string key, float min, float max)
    {
        var text = String(key);
        if (text is null) return null;
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
            throw Error(Find(key)!, key, float.IsInfinity(value) && !text.Contains("inf", StringComparison.OrdinalIgnoreCase)
                ? $"{text} is out of range; expected {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}"
                : $"'{text}' is not a number");
        if (value < min || value > max) throw Error(Find(key)!, key, $"{text} is out of range; expected {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        return value;
    }

    public float Float(string key, float fallback, float min, float max) => Float(key, min, max) ?? fallback;

    /// <summary>Whether the key is given; <paramref name="value"/> is the one of <paramref name="names"/> it names (case aside).</summary>
    public bool TryChoice<T>(string key, YamlEnum<T> names, out T value)
    {
        var text = String(key);
        value = default!;
        if (text is null) return false;
        if (!names.TryParse(text.ToLowerInvariant(), out value))
            throw Error(Find(key)!, key, $"'{text}' is not one of: {string.Join(", ", names.Names)}");
        return true;
    }

    public int Int(Setting<int> s) => Int(s.Key, s.Default, s.Min, s.Max);

    public float Float(Setting<float> s) => Float(s.Key, s.Default, s.Min, s.Max);

    /// <summary>Null when absent: for keys whose absence means something no value says.</summary>
    public float? OptionalFloat(Setting<float> s) => Float(s.Key, s.Min, s.Max);

    public bool Bool(Setting<bool> s) => Bool(s.Key, s.Default);

    public string String(Setting<string> s) => String(s.Key, s.Default);

    public T Choice<T>(Setting<T> s) => TryChoice(s.Key, s.Names!, out var value) ? value : s.Default;

    /// <summary>Null when absent: for choices whose default depends on another key.</summary>
    public T? OptionalChoice<T>(Setting<T> s) where T : struct => TryChoice(s.Key, s.Names!, out var value) ? value : null;

    /// <summary>
    /// A text key that takes one of a few words, in any case; the word as <paramref name="s"/>'s names spell it, upper
    /// case (<paramref name="upper"/>: V4L2 pixel formats) or lower case.
    /// </summary>
    public string OneOf(Setting<string> s, bool upper = false)
    {
        var text = String(s);
        var word = upper ? text.ToUpperInvariant() : text.ToLowerInvariant();
        // Upper-case values (four-character codes) may sit beside a lower-case word (auto).
        if (!s.Names!.TryParse(word, out var value) && !(upper && s.Names.TryParse(text.ToLowerInvariant(), out value)))
            throw Error(Find(s.Key)!, s.Key, $"'{word}' is not one of: {string.Join(", ", s.Names.Names)}");
        return value;
    }

    public IReadOnlyList<string> StringList(string key)
    {
        var node = Find(key);
        if (node is null || IsNull(node)) return [];
        if (node is not YamlSequenceNode seq) throw Error(node, key, "expected a list, e.g. [person, car]");
        var list = new List<string>();
        foreach (var item in seq.Children)
        {
            if (item is not YamlScalarNode s || string.IsNullOrWhiteSpace(s.Value)) throw Error(item, key, "expected a list of names");
            list.Add(s.Value!);
        }
        return list;
    }

    /// <summary>A list of whole numbers in <paramref name="min"/>..<paramref name="max"/>, e.g. CPU numbers.</summary>
    public IReadOnlyList<int> IntList(string key, int min, int max)
    {
        var node = Find(key);
        if (node is null || IsNull(node)) return [];
        if (node is not YamlSequenceNode seq) throw Error(node, key, "expected a list of numbers, e.g. [1]");
        var list = new List<int>();
        foreach (var item in seq.Children)
        {
            if (item is not YamlScalarNode s || !int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
                throw Error(item, key, $"'{item}' is not a whole number");
            if (value < min || value > max) throw Error(item, key, $"{value} is out of range; expected {min} to {max}");
            list.Add(value);
        }
        return list;
    }

    /// <summary>Each key of a free-form mapping (such as per-class settings) with its own section.</summary>
    public IEnumerable<(string Key, YamlSection Section)> Entries(string key) =>
        NamedEntries(key, "a label name").Select(e => (e.Name, e.Section));

    /// <summary>
    /// Each key of a mapping of named things (zones, lines, outputs) with the key's node, for errors about the
    /// name itself, and its own section. <paramref name="what"/> says what a key should be, e.g. "a zone name".
    /// </summary>
    public IEnumerable<(string Name, YamlNode KeyNode, YamlSection Section)> NamedEntries(string key, string what)
    {
        var section = Section(key);
        if (section is null) yield break;
        foreach (var (k, v) in section._node.Children)
        {
            if (k is not YamlScalarNode { Value: { Length: > 0 } name })
                throw section.Error(k, k.ToString(), $"expected {what} as the key");
            section._known.Add(name);
            if (v is not YamlMappingNode map) throw section.Error(v, name, "expected a mapping of keys (key: value)");
            yield return (name, k, new YamlSection(_file, section.Qualified(name), map));
        }
    }

    /// <summary>Each item of a list of mappings (such as rules), as a section named <c>key[i]</c>.</summary>
    public IEnumerable<(int Index, YamlSection Section)> Items(string key, string example)
    {
        var node = Find(key);
        if (node is null || IsNull(node)) yield break;
        if (node is not YamlSequenceNode seq) throw Error(node, key, $"expected a list, e.g. {example}");
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var item = seq.Children[i];
            if (item is not YamlMappingNode map) throw Error(item, $"{key}[{i}]", "expected a mapping of keys (key: value)");
            yield return (i, new YamlSection(_file, $"{Qualified(key)}[{i}]", map));
        }
    }

    /// <summary>
    /// A list of points <c>[[x, y], …]</c>, each a pair of finite numbers, with each point's node so a later check
    /// can name <c>key[i]</c>; null when the key is absent. The range is left to the caller.
    /// </summary>
    public IReadOnlyList<(float X, float Y, YamlNode Node)>? Points(string key)
    {
        var node = Find(key);
        if (node is null || IsNull(node)) return null;
        if (node is not YamlSequenceNode seq) throw Error(node, key, "expected a list of [x, y] points, e.g. [[0.1, 0.5], [0.4, 0.5], [0.4, 1.0]]");
        var list = new List<(float, float, YamlNode)>();
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var item = seq.Children[i];
            if (item is not YamlSequenceNode { Children.Count: 2 } pair
                || !TryNumber(pair.Children[0], out var x) || !TryNumber(pair.Children[1], out var y))
                throw Error(item, $"{key}[{i}]", $"'{Flow(item)}' is not a point; expected [x, y], two numbers from 0 to 1, e.g. [0.5, 1.0]");
            list.Add((x, y, item));
        }
        return list;
    }

    private static bool TryNumber(YamlNode node, out float value)
    {
        value = 0;
        return node is YamlScalarNode { Value: { } text }
            && float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);
    }

    /// <summary>A node as the user would write it in flow style, e.g. [0.5, x], for quoting in messages.</summary>
    private static string Flow(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode seq => "[" + string.Join(", ", seq.Children.Select(Flow)) + "]",
        YamlMappingNode map => "{ " + string.Join(", ", map.Children.Select(kv => Flow(kv.Key) + ": " + Flow(kv.Value))) + " }",
        _ => node.ToString(),
    };

    /// <summary><paramref name="value"/> (given as <paramref name="key"/>) relative to the config's folder; a NUL character (possible in a quoted YAML string) is no path.</summary>
    public string FullPath(string key, string value, string baseDir)
    {
        if (value.Contains('\0'))
            throw Error(NodeOf(key)!, key, "contains a NUL character (\\0); expected a file path");
        return Path.GetFullPath(value, baseDir);
    }

    /// <summary>As <see cref="FullPath"/>, and the file must exist; <paramref name="hint"/> is added to the message when it does not.</summary>
    public string ExistingFile(string key, string value, string baseDir, string hint = "")
    {
        var full = FullPath(key, value, baseDir);
        if (!File.Exists(full)) throw Error(NodeOf(key)!, key, $"file not found: {full}{hint}");
        return full;
    }

    /// <summary>Zone, line and output names: what a user can type and read in a log.</summary>
    public void CheckName(YamlNode keyNode, string name, string what)
    {
        if (name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            throw SectionError(keyNode, $"'{name}' is not a valid {what} name; expected 1-64 letters, digits, '_' or '-'");
    }

    public YamlNode? NodeOf(string key) => Find(key);

    /// <summary>The node of the key itself (where a block section starts), or null when absent.</summary>
    public YamlNode? KeyOf(string key)
    {
        if (!_known.Contains(key)) _known.Add(key);
        foreach (var (k, _) in _node.Children)
            if (k is YamlScalarNode s && s.Value == key) return k;
        return null;
    }

    public void RejectUnknownKeys()
    {
        foreach (var (k, _) in _node.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? k.ToString();
            if (!_known.Contains(name))
                throw Error(k, name, $"unknown key; expected one of: {string.Join(", ", _known)}");
        }
    }

    private YamlNode? Find(string key)
    {
        if (!_known.Contains(key)) _known.Add(key);
        foreach (var (k, v) in _node.Children)
            if (k is YamlScalarNode s && s.Value == key) return v;
        return null;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Value: null or "" or "~" or "null", Style: YamlDotNet.Core.ScalarStyle.Plain };
}
