namespace SmartCam.Actuation;

/// <summary>An output that cannot be opened as configured: the message names the output, the chip and line, what is wrong and what to do.</summary>
public sealed class OutputException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One level actually written to an output, for the publisher. <paramref name="RuleIndex"/> is the rule that
/// asked for it, or <see cref="Safe"/> / <see cref="Watchdog"/> for writes no rule asked for.
/// </summary>
/// <param name="High">The electrical level written.</param>
/// <param name="Active">Whether that level means "on" for this output.</param>
/// <param name="CauseCaptureNs">Capture time (CLOCK_MONOTONIC ns) of the frame that caused the request; for a watchdog write, the last heartbeat.</param>
/// <param name="ActuateNs">CLOCK_MONOTONIC ns right after the write returned.</param>
/// <param name="Cause">The tracked object that made the rule's condition true, carried with the request so an event
/// names the object of this very firing, whatever the rule did since.</param>
/// <param name="Camera">The camera whose <c>evt.</c> topic reports the write: the one whose rule asked for it, else the output's owner.</param>
public readonly record struct OutputTransition(int Output, bool High, bool Active, long CauseCaptureNs, long ActuateNs, int RuleIndex, RuleCause Cause = default, int Camera = 0)
{
    /// <summary>Written by <see cref="OutputBank.SetAllSafe"/> or on dispose.</summary>
    public const int Safe = -1;

    /// <summary>Written because the inference thread stopped sending heartbeats.</summary>
    public const int Watchdog = -2;
}

/// <summary>The tracked object (track id and class) behind a rule's output request; 0, 0 when none.</summary>
public readonly record struct RuleCause(int TrackId, int ClassId);
