using System.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SmartCam.Configuration;

/// <summary>
/// A config file as one YAML mapping: its bytes read (at most <see cref="MaxFileBytes"/>), checked as UTF-8 and parsed,
/// every fault of the file or the parser turned into one <see cref="ConfigException"/> line naming file, line and column.
/// What the keys mean is the section readers' business.
/// </summary>
internal static partial class YamlDocument
{
    /// <summary>A config is a few kilobytes; anything this big is the wrong file (a video, a model) and is not read whole.</summary>
    public const int MaxFileBytes = 1 << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text of the file at <paramref name="fullPath"/>.</summary>
    public static string Read(string fullPath)
    {
        if (Directory.Exists(fullPath))
            throw new ConfigException($"{fullPath}: is a folder; expected a YAML config file, e.g. configs/demo.yaml");
        byte[] bytes;
        try
        {
            bytes = ReadAtMost(fullPath, MaxFileBytes)
                ?? throw new ConfigException($"{fullPath}: more than {MaxFileBytes} bytes is too big for a config file; is this the right file?");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{fullPath}: cannot read the config file: {e.Message}");
        }
        return Decode(bytes, fullPath);
    }

    /// <summary>
    /// The file's bytes, or null past <paramref name="limit"/>. Read rather than sized first: a device such as
    /// /dev/zero has no length and no end.
    /// </summary>
    private static byte[]? ReadAtMost(string path, int limit)
    {
        using var file = File.OpenRead(path);
        using var bytes = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = file.Read(chunk)) > 0)
        {
            if (bytes.Length + n > limit) return null;
            bytes.Write(chunk, 0, n);
        }
        return bytes.ToArray();
    }

    /// <summary>The file as text; bytes that are not UTF-8 are named by line and column rather than read as U+FFFD.</summary>
    private static string Decode(byte[] bytes, string fullPath)
    {
        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0; // a byte-order mark is allowed
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            var at = start + Math.Max(e.Index, 0);
            var line = 1 + bytes.AsSpan(0, at).Count((byte)'\n');
            var lineStart = bytes.AsSpan(0, at).LastIndexOf((byte)'\n') + 1;
            var column = 1 + StrictUtf8.GetCharCount(bytes, lineStart, at - lineStart);
            throw new ConfigException($"{fullPath}:{line}:{column}: byte 0x{bytes[at]:X2} is not UTF-8 text; expected a UTF-8 YAML file (save it as UTF-8)");
        }
    }

    /// <summary>The file's top-level mapping, as a section whose keys are the config's sections.</summary>
    public static YamlSection Parse(string yaml, string fullPath)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            stream.Load(new DepthLimitedParser(new Parser(scanner), fullPath));
        }
        catch (AnchorNotFoundException e) when (AnchorName().Match(e.Message) is { Success: true } m)
        {
            // YamlDotNet places this at the document's start; the alias itself is where the mistake is.
            var alias = "*" + m.Groups[1].Value;
            var (line, column) = LineColumn(yaml, Math.Max(yaml.IndexOf(alias, StringComparison.Ordinal), 0));
            throw new ConfigException($"{fullPath}:{line}:{column}: not valid YAML: the alias {alias} refers to no anchor; expected &{m.Groups[1].Value} on a value before it");
        }
        catch (YamlException e)
        {
            var inner = e.InnerException?.Message ?? e.Message;
            throw new ConfigException($"{fullPath}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {inner}");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotSupportedException or EndOfStreamException)
        {
            // YamlDotNet's own faults on some malformed input, without a position: the scanner knows where it stopped.
            var at = scanner.CurrentPosition;
            var what = e is InvalidOperationException && e.Message == new InvalidOperationException().Message
                ? UnclosedBracket(yaml, at.Index) is var (line, column, bracket)
                    ? $"the {bracket} opened on line {line}, column {column} is not closed; expected {(bracket == '{' ? '}' : ']')} before this line"
                    : "a [ or { is still open, and this line is indented less than the block it is in; expected ] or } first"
                : e.Message;
            throw new ConfigException($"{fullPath}:{at.Line}:{at.Column}: not valid YAML: {what}");
        }
        if (stream.Documents.Count == 0)
            throw new ConfigException($"{fullPath}: the file holds no settings (it is empty or only comments); expected a YAML mapping with the sections camera, model, detect, publish");
        if (stream.Documents.Count > 1)
            throw new ConfigException($"{fullPath}:{stream.Documents[1].RootNode.Start.Line}:{stream.Documents[1].RootNode.Start.Column}: a second YAML document (after ---); expected one");
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var found = stream.Documents[0].RootNode;
            var what = found is YamlSequenceNode ? "a list" : "a single value";
            throw new ConfigException($"{fullPath}:{found.Start.Line}:{found.Start.Column}: the file holds {what}; expected a YAML mapping with the sections camera, model, detect, publish");
        }
        RejectMergeKeys(root, "", fullPath);
        return new YamlSection(fullPath, "", root);
    }

    /// <summary>
    /// YAML merge keys (<c>&lt;&lt;: *base</c>) are not applied by YamlDotNet's node model; named up front, before a key
    /// they were meant to bring in is reported missing.
    /// </summary>
    private static void RejectMergeKeys(YamlNode node, string path, string file)
    {
        if (node is YamlSequenceNode seq)
            for (var i = 0; i < seq.Children.Count; i++) RejectMergeKeys(seq.Children[i], $"{path}[{i}]", file);
        if (node is not YamlMappingNode map) return;
        foreach (var (k, v) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            var qualified = path.Length == 0 ? name : path + "." + name;
            if (name == "<<" && k is YamlScalarNode { Style: ScalarStyle.Plain })
                throw new ConfigException($"{file}:{k.Start.Line}:{k.Start.Column}: {qualified}: merge keys (<<) are not supported; write the keys out in full");
            RejectMergeKeys(v, qualified, file);
        }
    }

    /// <summary>
    /// The innermost [ or { still open at <paramref name="end"/>, skipping quoted strings and comments; null when none.
    /// Only for the message: YamlDotNet has already said the text is wrong.
    /// </summary>
    private static (int Line, int Column, char Bracket)? UnclosedBracket(string text, long end)
    {
        var open = new Stack<int>();
        var quote = '\0';
        for (var i = 0; i < Math.Min(end, text.Length); i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == '\\' && quote == '"') i++;
                else if (c == quote || c == '\n') quote = '\0';
            }
            else if (c is '"' or '\'') quote = c;
            else if (c == '#' && (i == 0 || char.IsWhiteSpace(text[i - 1]))) i = Math.Max(text.IndexOf('\n', i), i + 1) - 1;
            else if (c is '[' or '{') open.Push(i);
            else if (c is ']' or '}' && open.Count > 0) open.Pop();
        }
        if (open.Count == 0) return null;
        var at = open.Peek();
        var (line, column) = LineColumn(text, at);
        return (line, column, text[at]);
    }

    private static (int Line, int Column) LineColumn(string text, int index)
    {
        var before = text.AsSpan(0, index);
        var lineStart = before.LastIndexOf('\n') + 1;
        return (1 + before.Count('\n'), 1 + index - lineStart);
    }

    [System.Text.RegularExpressions.GeneratedRegex("anchor '([^']*)'")]
    private static partial System.Text.RegularExpressions.Regex AnchorName();
}

/// <summary>
/// Hands YamlDotNet's events on, refusing nesting deeper than any config needs: YamlDotNet builds nodes
/// recursively, and some 30 000 nested brackets overflow the stack, which no handler can catch.
/// </summary>
internal sealed class DepthLimitedParser(IParser inner, string file) : IParser
{
    public const int MaxDepth = 64;

    private int _depth;

    public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (!inner.MoveNext()) return false;
        switch (inner.Current)
        {
            case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                if (++_depth > MaxDepth)
                    throw new ConfigException($"{file}:{inner.Current.Start.Line}:{inner.Current.Start.Column}: lists and mappings nested more than {MaxDepth} deep; expected a config's few levels (an unclosed [ or {{?)");
                break;
            case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                _depth--;
                break;
        }
        return true;
    }
}
