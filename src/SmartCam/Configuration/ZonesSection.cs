using SmartCam.Core;

namespace SmartCam.Configuration;

/// <summary>The <c>zones:</c> section of a camera's scene (zone name → zone): its keys and their reader.</summary>
public static class ZonesSection
{
    public static readonly ConfigKey Polygon = Setting.Required("zones.polygon", "The outline, at least 3 [x, y] points in normalised coordinates.");
    public static readonly Setting<float> LoiterS = Setting.Float("zones.loiter_s", 0, 0, 86_400, "Seconds of continuous presence after which a loiter event fires; 0: off.");

    internal static List<ZoneDefinition> Read(YamlSection top)
    {
        var zones = new List<ZoneDefinition>();
        foreach (var (name, keyNode, z) in top.NamedEntries("zones", "a zone name"))
        {
            z.CheckName(keyNode, name, "zone");
            var points = z.Points(Polygon.Key);
            var loiter = z.Float(LoiterS);
            z.RejectUnknownKeys(); // first, so that a misspelt key is named as such rather than as a missing one
            if (points is null)
                throw z.Error(z.Node, Polygon.Key, "is required: the zone's outline as [x, y] points, at least 3, e.g. [[0.1, 0.5], [0.4, 0.5], [0.4, 1.0]]");
            var polygon = points.Select(p => (p.X, p.Y)).ToArray();
            if (ZoneDefinition.Validate(polygon, loiter) is { } problem)
            {
                var bad = polygon.Length >= 3 ? Array.FindIndex(polygon, p => ZoneGeometry.CheckPoint(p, "") is not null) : -1;
                throw bad >= 0 ? z.Error(points[bad].Node, $"{Polygon.Key}[{bad}]", problem) : z.Error(z.NodeOf(Polygon.Key)!, Polygon.Key, problem);
            }
            zones.Add(new ZoneDefinition(name, polygon, loiter));
        }
        return zones;
    }
}
