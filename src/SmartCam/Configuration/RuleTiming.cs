namespace SmartCam.Configuration;

/// <summary>
/// How a rule turns its condition into an output. <see cref="HoldMs"/> and <see cref="PulseMs"/> exclude each
/// other; with both 0 the output is active exactly while the debounced condition holds.
/// </summary>
/// <param name="MinFrames">Consecutive true frames before the condition counts (0 or 1: the first): one stray detection must not open a door.</param>
/// <param name="HoldMs">How long the output stays active after the condition clears: a person briefly hidden behind a pillar should not drop the relay.</param>
/// <param name="PulseMs">On a rising edge, the output is active for exactly this long whatever the condition does: for sirens and counters that want one event per edge.</param>
/// <param name="CooldownMs">No new firing until this long after the previous one: bounds how often a beacon can go off however often people cross.</param>
public sealed record RuleTiming(int MinFrames, int HoldMs, int PulseMs, int CooldownMs);
