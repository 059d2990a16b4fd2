namespace SmartCam.Configuration;

/// <summary>
/// One configured output. <paramref name="ActiveHigh"/> is the electrical level that means "on" (relay boards
/// are often active-low); <paramref name="SafeHigh"/> is the level held at start, on stop, on a fault and when
/// the watchdog fires, which for a door strike or a siren is rarely simply "off".
/// </summary>
/// <param name="Driver">"gpio" (a kernel GPIO line through libgpiod) or "log" (no hardware; transitions are logged).</param>
public sealed record OutputDefinition(string Name, string Driver, int Chip, int Line, bool ActiveHigh, bool SafeHigh)
{
    public bool IsLog => Driver == "log";

    /// <summary>The index of the camera that declares the output: its safe-level writes are published on that camera's <c>evt.</c> topic.</summary>
    public int Owner { get; init; }
}
