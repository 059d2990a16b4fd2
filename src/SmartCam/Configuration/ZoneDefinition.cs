using SmartCam.Core;

namespace SmartCam.Configuration;

/// <summary>
/// A named area of the image, as a polygon in normalised coordinates (0..1, x right, y down) so the same config
/// works at any resolution. Immutable: the monitor reads it on the frame path without copying.
/// </summary>
public sealed class ZoneDefinition
{
    private readonly (float X, float Y)[] _polygon;

    /// <exception cref="ArgumentException">The polygon or loiter time is unusable; the message says why (see <see cref="Validate"/>).</exception>
    public ZoneDefinition(string name, IReadOnlyList<(float X, float Y)> polygon, double loiterSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(polygon);
        if (Validate(polygon, loiterSeconds) is { } problem) throw new ArgumentException(problem, nameof(polygon));
        Name = name;
        _polygon = [.. polygon];
        LoiterSeconds = loiterSeconds;
    }

    public string Name { get; }

    /// <summary>The outline, in order; closed implicitly (the last point joins the first).</summary>
    public ReadOnlySpan<(float X, float Y)> Polygon => _polygon;

    /// <summary>Continuous time inside after which a Loiter event fires, once per visit; 0 = no loiter events.</summary>
    public double LoiterSeconds { get; }

    /// <inheritdoc cref="ZoneGeometry.Contains"/>
    public bool Contains(float x, float y) => ZoneGeometry.Contains(_polygon, x, y);

    /// <summary>
    /// Why this zone can't be used, or null when it can. The message names only the problem; the config
    /// loader adds the file and key. A zone with no area could never contain anything but its outline.
    /// </summary>
    public static string? Validate(IReadOnlyList<(float X, float Y)> polygon, double loiterSeconds = 0)
    {
        if (polygon.Count < 3) return $"a zone needs at least 3 points, got {polygon.Count}";
        var points = new (float X, float Y)[polygon.Count];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = polygon[i];
            if (ZoneGeometry.CheckPoint(points[i], $"point {i + 1}") is { } problem) return problem;
        }
        // Float points on one line leave rounding dust, not an exact zero.
        if (Math.Abs(ZoneGeometry.SignedArea(points)) < 1e-9)
            return "the zone has no area: its points lie on one line (or its outline crosses itself so the parts cancel)";
        if (!(loiterSeconds >= 0) || double.IsInfinity(loiterSeconds))
            return $"loiter time must be 0 (off) or a positive number of seconds, got {loiterSeconds}";
        return null;
    }
}
