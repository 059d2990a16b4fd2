using System.Reflection;
using System.Text.RegularExpressions;
using SmartCam.Configuration;
using SmartCam.Realtime;
using SmartCam.Tracking;

namespace SmartCam.Tests.Unit;

/// <summary>
/// docs/configuration.md's key tables against the key declarations (<see cref="ConfigKey"/>): every declared key is
/// documented with its declared default, and every documented key is declared. The declarations are found, not listed,
/// so a key added to a section cannot be left out of this check.
/// </summary>
public class ConfigDefaultsDocTests
{
    /// <summary>Every <see cref="ConfigKey"/> declared as a static field in SmartCam (reflection is fine here: tests do not run under AOT).</summary>
    private static List<ConfigKey> Declared() =>
        typeof(ConfigLoader).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(f => typeof(ConfigKey).IsAssignableFrom(f.FieldType))
            .Select(f => (ConfigKey)f.GetValue(null)!)
            .ToList();

    [Fact]
    public void Every_declared_key_is_documented_with_its_default()
    {
        var documented = DocumentedDefaults();
        var wrong = new List<string>();
        foreach (var key in Declared())
        {
            if (!documented.TryGetValue(key.Path, out var cell))
                wrong.Add($"{key.Path}: declared, but not in docs/configuration.md's tables; add a row `| {key.Path[(key.Path.IndexOf('.') + 1)..]} | {key.DocumentedDefault} | {key.Doc} |`");
            else if (!cell.StartsWith(key.DocumentedDefault, StringComparison.Ordinal))
                wrong.Add($"{key.Path}: documented default `{cell}`, declared {key.DocumentedDefault}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong)); // every disagreement in full, not truncated
    }

    [Fact]
    public void Every_documented_key_is_declared()
    {
        var declared = Declared().Select(k => k.Path).ToHashSet();
        var undeclared = DocumentedDefaults().Keys.Where(k => !declared.Contains(k)).ToList();
        Assert.True(undeclared.Count == 0, "documented but not declared: " + string.Join(", ", undeclared));
    }

    [Fact]
    public void Keys_are_declared_once()
    {
        var twice = Declared().GroupBy(k => k.Path).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(twice);
    }

    [Fact]
    public void The_doc_tables_are_read()
    {
        var documented = DocumentedDefaults();
        Assert.Equal("`64`", documented["publish.send_hwm"]);
        Assert.StartsWith("`bottom_center`", documented["tracking.anchor"]);
        Assert.StartsWith("`0`", documented["camera.height"]); // `width`, `height` share a row
        Assert.Equal("required", documented["camera.source"]);
        Assert.StartsWith("`other`", documented["realtime.threads.<…>.policy"]);
        Assert.True(documented.Count >= Declared().Count, $"{documented.Count} documented keys");
    }

    [Fact]
    public void Defaults_are_shown_as_YAML_writes_them()
    {
        Assert.Equal("`bottom_center`", TrackingSection.Anchor.DocumentedDefault);
        Assert.Equal("`0.005`", LinesSection.Margin.DocumentedDefault);
        Assert.Equal("`false`", CameraSection.Loop.DocumentedDefault);
        Assert.Equal("`any`", RulesSection.Direction.DocumentedDefault);
        Assert.Equal("`[640, 640]`", ModelSection.InputSize.DocumentedDefault);
        Assert.Equal("margin", LinesSection.Margin.Key);
        Assert.Equal("initial_ms", CameraSection.ReconnectInitialMs.Key);
    }

    /// <summary>The records' defaults are the declarations' (a record built without the loader behaves as an empty file).</summary>
    [Fact]
    public void The_records_take_their_defaults_from_the_declarations()
    {
        Assert.Equal(CameraSection.StallMs.Default, new CameraConfig().StallMs);
        Assert.Equal(CameraSection.Pace.Default, new CameraConfig().Pace);
        Assert.Equal((CameraSection.HwAccel.Default, CameraSection.DecoderThreads.Default, CameraSection.Convert.Default),
            (new CameraConfig().HwAccel, new CameraConfig().DecoderThreads, new CameraConfig().Convert));
        Assert.Equal(ModelSection.Provider.Default, new ModelConfig().Provider);
        Assert.Equal(ModelSection.Pad.Default, InputConfig.DefaultFor(ModelFamily.Yolov8).Pad);
        Assert.Equal(ActuationSection.WatchdogMs.Default, new SmartCamConfig("", [], new(), new(), new(), new()).WatchdogMs);
        Assert.Equal(TrackingSection.MaxLostMs.Default / 1000.0, new TrackerOptions().MaxLostSeconds);
        Assert.Equal(TrackingSection.MinHits.Default, new TrackerOptions().MinHits);
        Assert.Equal(RealtimeSection.Policy.Default, ThreadPlan.Unchanged.Policy);
        Assert.Equal((HttpSection.Listen.Default, 8080), (new HttpConfig().Listen, new HttpConfig().Port));
    }

    /// <summary>Each enum's YAML table names every value, and reads back what it prints.</summary>
    [Fact]
    public void Every_enum_value_has_one_YAML_name_that_reads_back()
    {
        RoundTrip(YamlEnums.SourceKind, Enum.GetValues<SourceKind>());
        RoundTrip(YamlEnums.Pace, Enum.GetValues<Pace>());
        RoundTrip(YamlEnums.Family, Enum.GetValues<ModelFamily>());
        RoundTrip(YamlEnums.Resize, Enum.GetValues<ResizeMode>());
        RoundTrip(YamlEnums.Channels, Enum.GetValues<ChannelOrder>());
        RoundTrip(YamlEnums.Align, Enum.GetValues<PadAlign>());
        RoundTrip(YamlEnums.Provider, Enum.GetValues<ExecutionProvider>());
        RoundTrip(YamlEnums.Policy, Enum.GetValues<SchedPolicy>());
        RoundTrip(YamlEnums.Anchor, Enum.GetValues<AnchorPoint>());
        RoundTrip(YamlEnums.HwAccel, Enum.GetValues<HwAccel>());
        RoundTrip(YamlEnums.Convert, Enum.GetValues<ConvertMode>());
        RoundTrip(YamlEnums.Direction, [LineDirection.In, LineDirection.Out, null]);
        Assert.Equal("top-left", YamlEnums.Align.NameOf(PadAlign.TopLeft)); // not top_left
        Assert.Equal("yolov8", YamlEnums.Family.NameOf(ModelFamily.Yolov8)); // yolo11 is an alias
        Assert.True(YamlEnums.Family.TryParse("yolo11", out var alias) && alias == ModelFamily.Yolov8);
    }

    private static void RoundTrip<T>(YamlEnum<T> names, T[] values)
    {
        foreach (var value in values)
        {
            Assert.True(names.TryParse(names.NameOf(value), out var back), $"{typeof(T).Name}.{value}");
            Assert.Equal(value, back);
        }
    }

    /// <summary>
    /// section.key → the default cell, for each row of a "| key | default | meaning |" table under a heading that names
    /// one section (## `publish`, ### `tracking`).
    /// </summary>
    private static Dictionary<string, string> DocumentedDefaults()
    {
        var defaults = new Dictionary<string, string>();
        string? section = null;
        var inTable = false;
        foreach (var line in File.ReadLines(Repo.Path("docs", "configuration.md")))
        {
            if (line.StartsWith('#'))
            {
                var heading = Regex.Match(line, @"^#{2,3} `(\w+)`$");
                section = heading.Success ? heading.Groups[1].Value : null;
                inTable = false;
                continue;
            }
            if (!line.StartsWith('|')) { inTable = false; continue; }
            var cells = Regex.Split(line.Trim().Trim('|'), @"(?<!\\)\|").Select(c => c.Trim()).ToArray();
            if (cells is ["key", "default", "meaning"]) { inTable = section is not null; continue; }
            if (!inTable || cells.Length < 3 || cells[0].StartsWith("---")) continue;
            foreach (Match key in Regex.Matches(cells[0], "`([^`]+)`"))
                defaults[section + "." + key.Groups[1].Value.Replace(@"\|", "|")] = cells[1].Replace(@"\|", "|");
        }
        return defaults;
    }
}
