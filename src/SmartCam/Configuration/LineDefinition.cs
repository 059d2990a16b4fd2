using SmartCam.Core;

namespace SmartCam.Configuration;

/// <summary>
/// A named counting line: the finite segment A→B in normalised coordinates (0..1, x right, y down).
/// <para>
/// Direction: turn the picture so that A is at the top and B at the bottom; <see cref="LineDirection.In"/> is
/// crossing from left to right. So for <c>gate: [[0.5, 0], [0.5, 1]]</c>, drawn top to bottom, "in" is moving
/// towards larger x. The user picks the direction by the order of the two points, with no extra setting.
/// </para>
/// </summary>
public sealed class LineDefinition
{
    private readonly double _length;
    private readonly double _band;

    /// <param name="margin">
    /// Half-width of a dead band along the line (normalised distance): an anchor closer than this is on the
    /// line and keeps its side. A box's bottom edge jitters by a few pixels from frame to frame, so a person
    /// standing at the line would otherwise "cross" back and forth. No default here: the config's is declared once,
    /// as <c>lines.margin</c> (<see cref="Configuration.LinesSection.Margin"/>), and 0 turns the band off.
    /// </param>
    /// <exception cref="ArgumentException">The points are unusable; the message says why (see <see cref="Validate"/>).</exception>
    public LineDefinition(string name, (float X, float Y) a, (float X, float Y) b, double margin)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Validate(a, b) is { } problem) throw new ArgumentException(problem, nameof(b));
        Name = name;
        A = a;
        B = b;
        _length = Math.Sqrt((double)(b.X - a.X) * (b.X - a.X) + (double)(b.Y - a.Y) * (b.Y - a.Y));
        Margin = Math.Max(0, margin);
        _band = Math.Max(ZoneGeometry.Tolerance, Margin) * _length;
    }

    /// <summary>The dead band's half-width (normalised distance).</summary>
    public double Margin { get; }

    public string Name { get; }
    public (float X, float Y) A { get; }
    public (float X, float Y) B { get; }

    /// <summary>Why the line can't be used, or null when it can. A line of two equal points has no direction.</summary>
    public static string? Validate((float X, float Y) a, (float X, float Y) b)
    {
        if (ZoneGeometry.CheckPoint(a, "point 1") is { } problemA) return problemA;
        if (ZoneGeometry.CheckPoint(b, "point 2") is { } problemB) return problemB;
        if (ZoneGeometry.DistanceSquaredToSegment(a.X, a.Y, b, b) <= ZoneGeometry.Tolerance * ZoneGeometry.Tolerance)
            return $"the line's two points are the same ({ZoneGeometry.Format(a.X)}, {ZoneGeometry.Format(a.Y)}): a line needs two distinct points";
        return null;
    }

    /// <summary>
    /// +1 when (x, y) is on the left of the line as turned A-top, B-bottom (where "in" starts), -1 on the right,
    /// 0 when on the line's infinite extension within <see cref="Margin"/> (at least <see cref="ZoneGeometry.Tolerance"/>). The sign is that of
    /// cross(B−A, p−A) in y-down coordinates: for A=(0.5,0), B=(0.5,1) a point at x &lt; 0.5 gives +1.
    /// </summary>
    public int SideOf(double x, double y)
    {
        var cross = (B.X - (double)A.X) * (y - A.Y) - (B.Y - (double)A.Y) * (x - A.X);
        // cross is distance × length, so scale the tolerance to compare distances.
        if (Math.Abs(cross) <= _band) return 0;
        return cross > 0 ? 1 : -1;
    }

    /// <summary>
    /// Whether moving from p to q passes through the segment A–B, ends included. Only meaningful when p and q are on
    /// opposite sides (<see cref="SideOf"/>): the movement then meets the infinite line once, and that point is on
    /// the segment exactly when A and B are not both strictly on the same side of the movement.
    /// </summary>
    public bool IsCrossedBy(double px, double py, double qx, double qy)
    {
        double dx = qx - px, dy = qy - py;
        var a = dx * (A.Y - py) - dy * (A.X - px);
        var b = dx * (B.Y - py) - dy * (B.X - px);
        return !(a > 0 && b > 0 || a < 0 && b < 0);
    }
}

/// <summary>Which way a line was crossed; see <see cref="LineDefinition"/> for the convention.</summary>
public enum LineDirection
{
    /// <summary>Left to right with the line turned so A is at the top.</summary>
    In,
    /// <summary>Right to left with the line turned so A is at the top.</summary>
    Out,
}
