using SmartCam.Core;

namespace SmartCam.Configuration;

/// <summary>The <c>lines:</c> section of a camera's scene (line name → line): its keys and their reader.</summary>
public static class LinesSection
{
    public static readonly ConfigKey Points = Setting.Required("lines.points", "Exactly two distinct points [[x1, y1], [x2, y2]] in normalised coordinates.");
    public static readonly Setting<float> Margin = Setting.Float("lines.margin", 0.005f, 0, 0.25f, "Half-width of a dead band along the line; an anchor in it keeps its side. 0: off.");

    internal static List<LineDefinition> Read(YamlSection top)
    {
        var lines = new List<LineDefinition>();
        foreach (var (name, keyNode, l) in top.NamedEntries("lines", "a line name"))
        {
            l.CheckName(keyNode, name, "line");
            var points = l.Points(Points.Key);
            var margin = l.Float(Margin);
            l.RejectUnknownKeys();
            if (points is null)
                throw l.Error(l.Node, Points.Key, "is required: the line's two ends [[x1, y1], [x2, y2]], e.g. [[0.5, 0.0], [0.5, 1.0]]");
            if (points.Count != 2)
                throw l.Error(l.NodeOf(Points.Key)!, Points.Key, $"expected exactly two points [[x1, y1], [x2, y2]], got {points.Count}");
            (float X, float Y) a = (points[0].X, points[0].Y), b = (points[1].X, points[1].Y);
            if (LineDefinition.Validate(a, b) is { } problem)
            {
                var bad = ZoneGeometry.CheckPoint(a, "") is not null ? 0 : ZoneGeometry.CheckPoint(b, "") is not null ? 1 : -1;
                throw bad >= 0 ? l.Error(points[bad].Node, $"{Points.Key}[{bad}]", problem) : l.Error(l.NodeOf(Points.Key)!, Points.Key, problem);
            }
            lines.Add(new LineDefinition(name, a, b, margin));
        }
        return lines;
    }
}
