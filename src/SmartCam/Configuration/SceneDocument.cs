using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace SmartCam.Configuration;

/// <summary>
/// A camera's scene as text (docs/configuration.md#reload): what a live reload may change, read out of the config file as
/// JSON with the YAML's own names and shapes (GET /api/cameras/ID/scene), written back into the file's text in place of
/// the keys it replaces (PUT), and the check that two versions of the file differ only in what a reload can apply.
/// Text in, text out: the loader then reads the result as it reads any file, with the same checks and the same errors.
/// </summary>
public static partial class SceneDocument
{
    /// <summary>The keys of a camera's scene, in the order the API lists them.</summary>
    public static readonly string[] Keys = ["zones", "lines", "rules", "outputs", "detect", "tracking"];

    /// <summary>Beside the camera (its item of a cameras: list, or the top level of a single-camera file); detect is the box's, always at the top.</summary>
    private static readonly string[] CameraKeys = ["tracking", "zones", "lines", "outputs", "rules"];

    /// <summary>The first 16 hex digits of the SHA-256 of the file's text: the ETag of its scenes and the hash in <c>config</c> events.</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 8));

    /// <summary>Camera <paramref name="camera"/>'s scene keys as a JSON object (the YAML's names and shapes; keys the file leaves out are left out).</summary>
    public static byte[] ToJson(string yaml, string path, int camera)
    {
        var top = (YamlMappingNode)YamlDocument.Parse(yaml, path).Node;
        var own = CameraMapping(top, camera, path);
        using var buffer = new MemoryStream();
        using (var j = new Utf8JsonWriter(buffer))
        {
            j.WriteStartObject();
            foreach (var key in Keys)
            {
                if (Value(key == "detect" ? top : own, key) is not { } value) continue;
                j.WritePropertyName(key);
                WriteJson(j, value);
            }
            j.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The file's text with camera <paramref name="camera"/>'s scene keys replaced by those of <paramref name="json"/> (a
    /// JSON object of some of <see cref="Keys"/>; a key left out keeps its text). Everything outside the replaced keys is
    /// kept as written, comments included; the comments inside a replaced key are lost. A body of the wrong shape is a
    /// <see cref="ConfigException"/> naming the key.
    /// </summary>
    public static string WithScene(string yaml, string path, int camera, string json)
    {
        var body = ParseBody(json);
        var top = (YamlMappingNode)YamlDocument.Parse(yaml, path).Node;
        var own = CameraMapping(top, camera, path);
        var edits = new List<(int Start, int End, string Text)>();
        foreach (var (k, v) in body.Children)
        {
            var key = ((YamlScalarNode)k).Value!;
            var into = key == "detect" ? top : own;
            var keyNode = into.Children.Keys.FirstOrDefault(n => n is YamlScalarNode s && s.Value == key);
            if (keyNode is not null)
            {
                var indent = (int)keyNode.Start.Column - 1;
                edits.Add(((int)keyNode.Start.Index, ContentEnd(into.Children[keyNode], yaml), key + ":" + Emit(v, indent)));
            }
            else
            {
                // A key the file does not have yet: after the mapping's last content, at its keys' indentation.
                var indent = into.Children.Count > 0 ? (int)into.Children.Keys.First().Start.Column - 1 : 0;
                var end = into.Children.Count > 0 ? ContentEnd(into, yaml) : yaml.Length;
                edits.Add((end, end, "\n" + new string(' ', indent) + key + ":" + Emit(v, indent)));
            }
        }
        var text = new StringBuilder(yaml);
        foreach (var (start, end, replacement) in edits.OrderByDescending(e => e.Start))
        {
            text.Remove(start, end - start);
            text.Insert(start, replacement);
        }
        if (text.Length > 0 && text[^1] != '\n') text.Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// What differs between the running file and <paramref name="next"/> that a live reload cannot apply, as "key: why";
    /// null when all differences are in the cameras' scenes and detect (but max_detections). Compared as YAML values, so
    /// comments, spacing and quoting do not count.
    /// </summary>
    public static string? RestartOnlyChange(string running, string next, string path)
    {
        var a = (YamlMappingNode)YamlDocument.Parse(running, path).Node;
        var b = (YamlMappingNode)YamlDocument.Parse(next, path).Node;
        var listed = Value(a, "cameras") is not null;
        if (listed != (Value(b, "cameras") is not null))
            return "cameras: the file changed between camera: and a cameras: list; that needs a restart";
        if (Changed(a, b, exceptKeys: listed ? ["detect", "cameras"] : ["detect", "camera", .. CameraKeys]) is { } top)
            return $"{top}: changed; only the cameras' zones, lines, rules, tracking and detect thresholds apply without a restart";
        if (Changed(Value(a, "detect") as YamlMappingNode, Value(b, "detect") as YamlMappingNode, onlyKeys: [DetectSection.MaxDetections.Key]) is { } detect)
            return $"detect.{detect}: changed; it sizes the buffers of every frame and needs a restart";
        var cameras = listed ? CameraItems(a) : [a];
        var nextCameras = listed ? CameraItems(b) : [b];
        if (cameras.Count != nextCameras.Count)
            return $"cameras: {nextCameras.Count} cameras instead of {cameras.Count}; adding or removing a camera needs a restart";
        for (var i = 0; i < cameras.Count; i++)
        {
            var prefix = listed ? $"cameras[{i}]." : "";
            if (listed && Changed(cameras[i], nextCameras[i], exceptKeys: CameraKeys) is { } own)
                return $"{prefix}{own}: changed; a camera's own keys (source, size, …) need a restart";
            if (!listed && Changed(Value(a, "camera") as YamlMappingNode, Value(b, "camera") as YamlMappingNode) is { } single)
                return $"camera.{single}: changed; a camera's own keys (source, size, …) need a restart";
            if (!Same(Value(cameras[i], "outputs"), Value(nextCameras[i], "outputs")))
                return $"{prefix}outputs: changed; outputs are hardware lines opened at start and need a restart (rules may drive other outputs without one)";
        }
        return null;
    }

    /// <summary>Whether camera <paramref name="camera"/>'s scene (its own keys and detect) differs between the two files.</summary>
    public static bool SceneChanged(string running, string next, string path, int camera)
    {
        var a = (YamlMappingNode)YamlDocument.Parse(running, path).Node;
        var b = (YamlMappingNode)YamlDocument.Parse(next, path).Node;
        var ownA = CameraMapping(a, camera, path);
        var ownB = CameraMapping(b, camera, path);
        return !Same(Value(a, "detect"), Value(b, "detect")) || CameraKeys.Any(k => !Same(Value(ownA, k), Value(ownB, k)));
    }

    /// <summary>Where camera <paramref name="camera"/>'s scene keys are: its item of the cameras: list, or the top level.</summary>
    private static YamlMappingNode CameraMapping(YamlMappingNode top, int camera, string path)
    {
        if (Value(top, "cameras") is null) return top;
        var items = CameraItems(top);
        return camera < items.Count ? items[camera] : throw new ConfigException($"{path}: cameras[{camera}]: no such camera in the file");
    }

    private static List<YamlMappingNode> CameraItems(YamlMappingNode top) =>
        Value(top, "cameras") is YamlSequenceNode list ? list.Children.OfType<YamlMappingNode>().ToList() : [];

    private static YamlNode? Value(YamlMappingNode? map, string key)
    {
        if (map is null) return null;
        foreach (var (k, v) in map.Children)
            if (k is YamlScalarNode s && s.Value == key) return IsNull(v) ? null : v;
        return null;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    /// <summary>The first key (of <paramref name="onlyKeys"/>, or all but <paramref name="exceptKeys"/>) whose value differs; null when none.</summary>
    private static string? Changed(YamlMappingNode? a, YamlMappingNode? b, string[]? exceptKeys = null, string[]? onlyKeys = null)
    {
        var keys = new List<string>();
        foreach (var map in (ReadOnlySpan<YamlMappingNode?>)[a, b])
            if (map is not null)
                foreach (var k in map.Children.Keys)
                    if (k is YamlScalarNode { Value: { } name } && !keys.Contains(name)) keys.Add(name);
        foreach (var key in keys)
        {
            if (exceptKeys?.Contains(key) == true || (onlyKeys is not null && !onlyKeys.Contains(key))) continue;
            var (x, y) = (Value(a, key), Value(b, key));
            if (Same(x, y)) continue;
            // The key that differs, as deep as both sides are mappings: model.family, not model.
            return x is YamlMappingNode mx && y is YamlMappingNode my && Changed(mx, my) is { } inner ? key + "." + inner : key;
        }
        return null;
    }

    /// <summary>The same YAML value: scalars by text, mappings by keys and values (in any order), lists item by item.</summary>
    private static bool Same(YamlNode? a, YamlNode? b) => (a, b) switch
    {
        (null, null) => true,
        (YamlScalarNode x, YamlScalarNode y) => x.Value == y.Value,
        (YamlSequenceNode x, YamlSequenceNode y) => x.Children.Count == y.Children.Count && x.Children.Zip(y.Children).All(p => Same(p.First, p.Second)),
        (YamlMappingNode x, YamlMappingNode y) => x.Children.Count == y.Children.Count && Changed(x, y) is null,
        _ => false,
    };

    /// <summary>
    /// Where a value's own text ends in <paramref name="text"/>: its last scalar, or the bracket closing a flow collection
    /// (YamlDotNet's nodes mark where a collection starts, not where it ends); not the blank lines and comments after a block.
    /// </summary>
    private static int ContentEnd(YamlNode node, string text)
    {
        switch (node)
        {
            case YamlMappingNode { Style: MappingStyle.Flow } or YamlSequenceNode { Style: SequenceStyle.Flow }:
                var last = node is YamlMappingNode m
                    ? m.Children.Select(c => ContentEnd(c.Value, text)).DefaultIfEmpty((int)node.Start.Index + 1).Max()
                    : ((YamlSequenceNode)node).Children.Select(c => ContentEnd(c, text)).DefaultIfEmpty((int)node.Start.Index + 1).Max();
                var close = text.IndexOf(node is YamlMappingNode ? '}' : ']', last);
                return close < 0 ? text.Length : close + 1;
            case YamlMappingNode map when map.Children.Count > 0:
                return map.Children.Max(c => Math.Max(ContentEnd(c.Key, text), ContentEnd(c.Value, text)));
            case YamlSequenceNode seq when seq.Children.Count > 0:
                return seq.Children.Max(c => ContentEnd(c, text));
            default:
                return (int)node.End.Index;
        }
    }

    private static YamlMappingNode ParseBody(string json)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(json));
        }
        catch (YamlException e)
        {
            throw new ConfigException($"scene: not valid JSON at line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}; expected an object of {string.Join(", ", Keys)}");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode body)
            throw new ConfigException($"scene: expected one JSON object of {string.Join(", ", Keys)}");
        foreach (var (k, v) in body.Children)
        {
            if (k is not YamlScalarNode { Value: { } key } || !Keys.Contains(key))
                throw new ConfigException($"scene: unknown key '{(k as YamlScalarNode)?.Value ?? k.ToString()}'; expected one of {string.Join(", ", Keys)}");
            if (key == "rules" ? v is not YamlSequenceNode : v is not YamlMappingNode)
                throw new ConfigException($"scene.{key}: expected {(key == "rules" ? "a list of rules" : "an object")}, as in the YAML file");
        }
        return body;
    }

    /// <summary>A value as YAML after "key:": inline when short and simple, else as an indented block.</summary>
    private static string Emit(YamlNode value, int indent)
    {
        if (Inline(value) is { } inline) return " " + inline;
        var pad = new string(' ', indent + 2);
        var text = new StringBuilder();
        if (value is YamlMappingNode map)
        {
            foreach (var (k, v) in map.Children) text.Append('\n').Append(pad).Append(Scalar((YamlScalarNode)k)).Append(':').Append(Emit(v, indent + 2));
        }
        else
        {
            foreach (var item in ((YamlSequenceNode)value).Children)
            {
                if (item is YamlMappingNode m && m.Children.Count > 0)
                {
                    var first = true;
                    foreach (var (k, v) in m.Children)
                    {
                        text.Append('\n').Append(first ? pad + "- " : pad + "  ").Append(Scalar((YamlScalarNode)k)).Append(':').Append(Emit(v, indent + 4));
                        first = false;
                    }
                }
                else
                {
                    text.Append('\n').Append(pad).Append("- ").Append(Inline(item) ?? Flow(item));
                }
            }
        }
        return text.ToString();
    }

    /// <summary>Flow text for a scalar, a list of scalars or lists, or a short mapping of such; null when it should be a block.</summary>
    private static string? Inline(YamlNode node)
    {
        if (node is YamlScalarNode s) return Scalar(s);
        if (!Flat(node)) return null;
        var flow = Flow(node);
        return flow.Length <= 100 ? flow : node is YamlSequenceNode ? flow : null;
    }

    private static bool Flat(YamlNode node) => node switch
    {
        YamlScalarNode => true,
        YamlSequenceNode seq => seq.Children.All(c => c is YamlScalarNode || (c is YamlSequenceNode && Flat(c))),
        YamlMappingNode map => map.Children.All(c => c.Value is YamlScalarNode || (c.Value is YamlSequenceNode && Flat(c.Value))),
        _ => false,
    };

    private static string Flow(YamlNode node) => node switch
    {
        YamlScalarNode s => Scalar(s),
        YamlSequenceNode seq => "[" + string.Join(", ", seq.Children.Select(Flow)) + "]",
        YamlMappingNode map => map.Children.Count == 0 ? "{}" : "{ " + string.Join(", ", map.Children.Select(c => Scalar((YamlScalarNode)c.Key) + ": " + Flow(c.Value))) + " }",
        _ => "",
    };

    /// <summary>A JSON value as a YAML scalar: numbers, booleans and plain names as they are, anything else double-quoted.</summary>
    private static string Scalar(YamlScalarNode s)
    {
        var value = s.Value ?? "";
        if (s.Style == ScalarStyle.Plain) return value.Length == 0 ? "null" : value;
        return PlainName().IsMatch(value) && !Reserved.Contains(value.ToLowerInvariant()) ? value : JsonSerializer.Serialize(value, SceneJson.Default.String);
    }

    /// <summary>Plain YAML words that would read as something else than a string.</summary>
    private static readonly string[] Reserved = ["true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"];

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_\-]*$")]
    private static partial Regex PlainName();

    private static void WriteJson(Utf8JsonWriter j, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                j.WriteStartObject();
                foreach (var (k, v) in map.Children)
                {
                    j.WritePropertyName((k as YamlScalarNode)?.Value ?? "");
                    WriteJson(j, v);
                }
                j.WriteEndObject();
                break;
            case YamlSequenceNode seq:
                j.WriteStartArray();
                foreach (var item in seq.Children) WriteJson(j, item);
                j.WriteEndArray();
                break;
            case YamlScalarNode s when s.Style != ScalarStyle.Plain:
                j.WriteStringValue(s.Value);
                break;
            case YamlScalarNode s:
                var value = s.Value ?? "";
                if (IsNull(s)) j.WriteNullValue();
                else if (value is "true" or "True" or "TRUE") j.WriteBooleanValue(true);
                else if (value is "false" or "False" or "FALSE") j.WriteBooleanValue(false);
                else if (YamlNumber().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) j.WriteRawValue(value.TrimStart('+'));
                else j.WriteStringValue(value);
                break;
        }
    }

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlNumber();
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class SceneJson : System.Text.Json.Serialization.JsonSerializerContext;
