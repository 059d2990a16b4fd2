using SmartCam.Configuration;

namespace SmartCam.Tracking;

public enum SceneEventType
{
    /// <summary>The anchor became inside a zone (including a new track first seen inside).</summary>
    Enter,
    /// <summary>The anchor became outside a zone, or the track ended while inside.</summary>
    Leave,
    /// <summary>The anchor went through a line segment from one side to the other.</summary>
    Cross,
    /// <summary>The track has been inside a zone continuously for the zone's loiter time; once per visit.</summary>
    Loiter,
}

/// <summary>
/// One thing that happened in a frame. A value, written into the caller's span, so reporting events allocates nothing.
/// </summary>
/// <param name="Zone">Index into the monitor's zones, or -1 for a Cross.</param>
/// <param name="Line">Index into the monitor's lines, or -1 for zone events.</param>
/// <param name="Direction">Meaningful only for Cross; <see cref="LineDirection.In"/> otherwise.</param>
/// <param name="TimestampNs">The timestamp of the frame in which it was seen (for a Leave of an ended track: the first frame without it).</param>
public readonly record struct SceneEvent(
    SceneEventType Type, int TrackId, int ClassId, int Zone, int Line, LineDirection Direction, long TimestampNs);
