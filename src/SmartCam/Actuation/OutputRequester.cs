using SmartCam.HandOver;

namespace SmartCam.Actuation;

/// <summary>One output request on its way to <c>sc-actuate</c> (a reusable item of a <see cref="SlotChannel{T}"/>).</summary>
internal sealed class OutputRequest
{
    /// <summary>The bank's number for the request: requests of all cameras are applied in this order.</summary>
    public long Seq;
    public int Output;
    public long UntilNs, CauseNs;
    public int Rule;
    public RuleCause Cause;
}

/// <summary>
/// One camera's side of the <see cref="OutputBank"/>: what its rules want, and its heartbeat. For that camera's
/// inference thread only (one producer): never blocks, never allocates.
/// </summary>
public sealed class OutputRequester
{
    private readonly OutputBank _bank;
    private long _lastHeartbeatNs; // 0: no heartbeat yet, the watchdog is not armed

    internal OutputRequester(OutputBank bank, SlotChannel<OutputRequest> channel)
    {
        _bank = bank;
        Channel = channel;
    }

    internal SlotChannel<OutputRequest> Channel { get; }

    internal long LastHeartbeatNs => Interlocked.Read(ref _lastHeartbeatNs);

    /// <summary>Requests made and not yet read by <c>sc-actuate</c>.</summary>
    internal int Pending => Channel.Count;

    /// <summary>Set by <c>sc-actuate</c>'s <see cref="HeartbeatWatchdog"/> while this camera's outputs are held safe.</summary>
    internal volatile bool Tripped;

    /// <summary>Asks for <paramref name="output"/> on or off until further notice.</summary>
    public void Set(int output, bool active, long causeCaptureNs, int ruleIndex) =>
        SetUntil(output, active ? long.MaxValue : 0, causeCaptureNs, ruleIndex);

    /// <summary>
    /// Asks for <paramref name="output"/> on until <paramref name="activeUntilNs"/> (CLOCK_MONOTONIC; long.MaxValue:
    /// until further notice; in the past: off). <c>sc-actuate</c> switches it off at that instant by itself.
    /// </summary>
    public void SetUntil(int output, long activeUntilNs, long causeCaptureNs, int ruleIndex, RuleCause cause = default)
    {
        if (_bank.Stopping) return;
        var request = Channel.Rent(CancellationToken.None, wait: false);
        if (request is null) return; // cannot happen in Freshest mode
        request.Seq = _bank.NextRequestSeq();
        request.Output = output;
        request.UntilNs = activeUntilNs;
        request.CauseNs = causeCaptureNs;
        request.Rule = ruleIndex;
        request.Cause = cause;
        Channel.Write(request); // signals sc-actuate (the channel's readable wake-up is the bank's)
    }

    /// <summary>
    /// Tells the watchdog that this camera's inference is alive; call once per frame, after the rules were evaluated,
    /// with CLOCK_MONOTONIC now. The watchdog arms at the first heartbeat, so a slow start (model loading) does not trip
    /// it. When heartbeats resume after it fired, the outputs return to what was last requested; calling this after
    /// the rules makes that the current frame's request, not the one from before the stall.
    /// </summary>
    public void Heartbeat(long nowNs)
    {
        if (_bank.Stopping) return;
        var previous = Interlocked.Exchange(ref _lastHeartbeatNs, nowNs);
        // sc-actuate sleeps without a watchdog deadline until the first heartbeat and while tripped: wake it.
        if (previous == 0 || Tripped) _bank.Wake();
    }
}
