
namespace SmartCam.Configuration;

/// <summary>The <c>outputs:</c> section of a camera's scene (output name → output): its keys and their reader.</summary>
public static class OutputsSection
{
    public static readonly Setting<bool> Driver = Setting.ChoiceWithout("outputs.driver", YamlEnums.Driver, "required", "gpio (a GPIO line through libgpiod) or log (no hardware, transitions are logged).");
    public static readonly Setting<int> Chip = Setting.Int("outputs.chip", 0, 0, 255, "gpio: the chip number N of /dev/gpiochipN.");
    public static readonly Setting<int> Line = Setting.Int("outputs.line", 0, 0, 65_535, "gpio: the line number (offset) on the chip.", documented: "required for `gpio`");
    public static readonly Setting<bool> Active = Setting.Choice("outputs.active", YamlEnums.Level, true, "The electrical level that means on.");
    public static readonly Setting<bool> Safe = Setting.ChoiceWithout("outputs.safe", YamlEnums.Level, "the inactive level", "The level held at rest, at start, on stop, on a fault and when the watchdog fires.");

    /// <summary>Adds camera <paramref name="owner"/>'s outputs to <paramref name="outputs"/> (every camera's so far): names and GPIO lines are unique box-wide.</summary>
    internal static void Read(YamlSection top, List<OutputDefinition> outputs, int owner)
    {
        foreach (var (name, keyNode, o) in top.NamedEntries("outputs", "an output name"))
        {
            o.CheckName(keyNode, name, "output");
            if (outputs.FindIndex(p => p.Name == name) is var taken and >= 0)
                throw o.SectionError(keyNode, $"'{name}' is already an output{(outputs[taken].Owner != owner ? " of another camera" : "")}; output names are unique on the box (a rule of any camera may name any output)");
            var driverGiven = o.TryChoice(Driver.Key, YamlEnums.Driver, out var isLog);
            var activeHigh = o.Choice(Active);
            var safeHigh = o.TryChoice(Safe.Key, YamlEnums.Level, out var safe) ? safe : !activeHigh; // default: the inactive level
            _ = o.NodeOf(Chip.Key); // known keys, read below once the driver is known
            _ = o.NodeOf(Line.Key);
            o.RejectUnknownKeys();
            if (!driverGiven)
                throw o.Error(o.Node, Driver.Key, "is required; expected gpio (a GPIO line through libgpiod) or log (no hardware, transitions are logged)");
            int chip = 0, line = 0;
            if (isLog)
            {
                foreach (var key in (string[])[Chip.Key, Line.Key])
                    if (o.NodeOf(key) is { } given)
                        throw o.Error(given, key, "is not used by driver log, which drives no hardware; remove it, or use driver: gpio");
            }
            else
            {
                if (o.String(Line.Key) is null)
                    throw o.Error(o.Node, Line.Key, "is required for driver gpio: the line number (offset) on the chip, as gpioinfo lists it");
                chip = o.Int(Chip);
                line = o.Int(Line);
                var same = outputs.FindIndex(p => !p.IsLog && p.Chip == chip && p.Line == line);
                if (same >= 0)
                    throw o.Error(o.NodeOf(Line.Key)!, Line.Key, $"chip {chip} line {line} is already output {outputs[same].Name}; give each output its own line");
            }
            outputs.Add(new OutputDefinition(name, YamlEnums.Driver.NameOf(isLog), chip, line, activeHigh, safeHigh) { Owner = owner });
        }
    }
}
