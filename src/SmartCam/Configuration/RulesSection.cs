
namespace SmartCam.Configuration;

/// <summary>The <c>rules:</c> section of a camera's scene (a list): its keys and their reader.</summary>
public static class RulesSection
{
    private const int MaxMs = 86_400_000; // a day: the longest hold, pulse or cooldown

    public static readonly ConfigKey Name = Setting.Required("rules.name", "Non-empty and unique; names the rule in logs and status.");
    public static readonly ConfigKey Labels = Setting.Without("rules.when.labels", "any label", "Labels that count.");
    public static readonly ConfigKey Zone = Setting.Without("rules.when.zone", "none", "The rule holds while a matching object is in this zone.");
    public static readonly ConfigKey Line = Setting.Without("rules.when.line", "none", "The rule fires when a matching object crosses this line.");
    public static readonly Setting<LineDirection?> Direction = Setting.Choice("rules.when.direction", YamlEnums.Direction, null, "With line only: in, out or any (either way).");
    public static readonly Setting<float> MinScore = Setting.Float("rules.when.min_score", 0, 0, 1, "The object's detection score must be at least this.");
    public static readonly Setting<int> MinFrames = Setting.Int("rules.when.min_frames", 1, 1, 100_000, "Consecutive frames the condition must hold before it counts.");
    public static readonly ConfigKey Output = Setting.Required("rules.then.output", "The output to drive.");
    public static readonly Setting<int> HoldMs = Setting.Int("rules.then.hold_ms", 0, 0, MaxMs, "Keep the output on this long after the condition clears.");
    public static readonly Setting<int> PulseMs = Setting.Int("rules.then.pulse_ms", 0, 0, MaxMs, "On each rising edge, turn the output on for exactly this long.");
    public static readonly Setting<int> CooldownMs = Setting.Int("rules.then.cooldown_ms", 0, 0, MaxMs, "No new firing until this long after the previous one.");
    public static readonly Setting<bool> Snapshot = Setting.Bool("rules.snapshot", false, "With snapshots: also a snapshot of each enter (zone) or cross (line) event that could make the rule fire.");

    internal static List<RuleConfig> Read(YamlSection top, List<ZoneDefinition> zones, List<LineDefinition> lines, List<OutputDefinition> outputs, DetectConfig detect)
    {
        var rules = new List<RuleConfig>();
        foreach (var (_, r) in top.Items("rules", "- { name: person-at-door, when: { labels: [person], zone: door }, then: { output: door_relay } }"))
        {
            // Each mapping's keys are checked before anything is required of it, so a misspelt key is named as such.
            var name = r.String(Name.Key);
            var when = r.Section("when");
            var then = r.Section("then");
            var snapshot = r.Bool(Snapshot);
            r.RejectUnknownKeys();
            if (string.IsNullOrWhiteSpace(name))
                throw r.Error(r.NodeOf(Name.Key) ?? r.Node, Name.Key, "is required: a non-empty name for the rule (it names the rule in logs and status)");
            var first = rules.FindIndex(p => p.Name == name);
            if (first >= 0) throw r.Error(r.NodeOf(Name.Key)!, Name.Key, $"'{name}' is already the name of rules[{first}]; rule names must be unique");

            var labels = when?.StringList(Labels.Key) ?? [];
            var zoneName = when?.String(Zone.Key);
            var lineName = when?.String(Line.Key);
            LineDirection? direction = Direction.Default;
            var directionGiven = when?.TryChoice(Direction.Key, YamlEnums.Direction, out direction) ?? false;
            var minScore = when?.Float(MinScore) ?? MinScore.Default;
            var minFrames = when?.Int(MinFrames) ?? MinFrames.Default;
            when?.RejectUnknownKeys();
            if (detect.Classes.Count > 0 && labels.FirstOrDefault(l => !detect.Classes.Contains(l)) is { } dropped)
                throw when!.Error(when.NodeOf(Labels.Key)!, Labels.Key, $"'{dropped}' is never detected: detect.classes keeps only {string.Join(", ", detect.Classes)}; add it there or remove it here");
            var zone = Resolve(when, Zone.Key, zoneName, zones.Select(z => z.Name).ToList());
            var line = Resolve(when, Line.Key, lineName, lines.Select(l => l.Name).ToList());
            if (zone >= 0 && line >= 0)
                throw when!.Error(when.NodeOf(Line.Key)!, Line.Key, "give zone or line, not both: a rule watches one zone or one line (write two rules to watch both)");
            if (directionGiven && line < 0)
                throw when!.Error(when.NodeOf(Direction.Key)!, Direction.Key, "only applies to a line crossing; add line: NAME or remove direction");

            if (then is null) throw r.Error(r.Node, "then", "is required: what the rule does, e.g. then: { output: door_relay, hold_ms: 2000 }");
            var outputName = then.String(Output.Key);
            var holdMs = then.Int(HoldMs);
            var pulseMs = then.Int(PulseMs);
            var cooldownMs = then.Int(CooldownMs);
            then.RejectUnknownKeys();
            var outputNames = outputs.Select(o => o.Name).ToList();
            var output = Resolve(then, Output.Key, outputName, outputNames);
            if (output < 0) throw then.Error(then.Node, Output.Key, $"is required: the output this rule drives; {Known(Output.Key, outputNames)}");
            if (then.NodeOf(HoldMs.Key) is not null && then.NodeOf(PulseMs.Key) is { } pulse)
                throw then.Error(pulse, PulseMs.Key, "hold_ms and pulse_ms exclude each other: hold keeps the output on for a while after the condition clears, pulse turns it on for a fixed time per rising edge; use one");

            rules.Add(new RuleConfig(name, labels, minScore, zone, line, direction, output, new RuleTiming(minFrames, holdMs, pulseMs, cooldownMs))
            {
                Snapshot = snapshot,
            });
        }
        return rules;
    }

    /// <summary>The index of the zone, line or output <paramref name="name"/> (given as <paramref name="key"/>); -1 when none is given.</summary>
    private static int Resolve(YamlSection? s, string key, string? name, List<string> names)
    {
        if (name is null) return -1;
        var index = names.IndexOf(name);
        if (index < 0) throw s!.Error(s.NodeOf(key)!, key, $"'{name}' is not a{(key == "output" ? "n" : "")} {key}; {Known(key, names)}");
        return index;
    }

    private static string Known(string what, List<string> names) =>
        names.Count == 0 ? $"no {what}s are defined (add a top-level {what}s: section)" : $"the {what}s are: {string.Join(", ", names)}";
}
