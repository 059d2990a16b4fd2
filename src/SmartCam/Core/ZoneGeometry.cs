namespace SmartCam.Core;

/// <summary>
/// Polygon tests for zones, in normalised image coordinates (0..1, x right, y down). Computed in double so
/// float inputs give the same answer on every platform and a point drawn on an edge stays on it.
/// </summary>
public static class ZoneGeometry
{
    /// <summary>
    /// How close (normalised units) a point must be to an edge or line to count as on it: a thousandth of a pixel
    /// on a 1000-pixel image. Without it, a point drawn on a diagonal edge would fall inside or outside by float rounding.
    /// </summary>
    public const double Tolerance = 1e-6;

    /// <summary>
    /// True when (x, y) is inside the polygon or on its boundary (edges and vertices). The boundary counts as inside
    /// so that zones sharing an edge leave no gap between them and a zone reaching the image border (0 or 1) includes it.
    /// The interior is by the even-odd rule, which handles concave outlines and gives self-crossing ones a defined answer.
    /// </summary>
    public static bool Contains(ReadOnlySpan<(float X, float Y)> polygon, float x, float y)
    {
        if (OnBoundary(polygon, x, y)) return true;
        var inside = false;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
        {
            double xi = polygon[i].X, yi = polygon[i].Y, xj = polygon[j].X, yj = polygon[j].Y;
            // Half-open in y: a ray through a vertex counts only one of the two edges meeting there.
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
    }

    /// <summary>True when (x, y) lies on an edge or vertex of the polygon, within <see cref="Tolerance"/>.</summary>
    public static bool OnBoundary(ReadOnlySpan<(float X, float Y)> polygon, float x, float y)
    {
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
            if (DistanceSquaredToSegment(x, y, polygon[j], polygon[i]) <= Tolerance * Tolerance) return true;
        return false;
    }

    /// <summary>Shoelace area, positive when the points run clockwise on screen (y down).</summary>
    public static double SignedArea(ReadOnlySpan<(float X, float Y)> polygon)
    {
        var twice = 0.0;
        for (int i = 0, j = polygon.Length - 1; i < polygon.Length; j = i++)
            twice += (double)polygon[j].X * polygon[i].Y - (double)polygon[i].X * polygon[j].Y;
        return twice / 2;
    }

    internal static double DistanceSquaredToSegment(double x, double y, (float X, float Y) a, (float X, float Y) b)
    {
        double dx = b.X - a.X, dy = b.Y - a.Y;
        var length2 = dx * dx + dy * dy;
        var t = length2 == 0 ? 0 : Math.Clamp(((x - a.X) * dx + (y - a.Y) * dy) / length2, 0, 1);
        double ex = a.X + t * dx - x, ey = a.Y + t * dy - y;
        return ex * ex + ey * ey;
    }

    /// <summary>The config's coordinate check, shared by zones and lines; null when the point is usable.</summary>
    internal static string? CheckPoint((float X, float Y) p, string what)
    {
        // Written so NaN fails too: a NaN comparison is false.
        if (p.X >= 0 && p.X <= 1 && p.Y >= 0 && p.Y <= 1) return null;
        return $"{what} ({Format(p.X)}, {Format(p.Y)}) is outside 0..1: coordinates are fractions of the image width and height";
    }

    internal static string Format(float v) => v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
