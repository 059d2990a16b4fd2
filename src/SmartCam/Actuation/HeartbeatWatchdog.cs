using Microsoft.Extensions.Logging;

namespace SmartCam.Actuation;

/// <summary>
/// Which cameras went silent: a camera whose heartbeats stop for the watchdog time is tripped, and the
/// <see cref="OutputBank"/> holds the outputs its rules drive at their safe level until its heartbeats resume.
/// <c>sc-actuate</c>'s own (no lock); each requester's <see cref="OutputRequester.Tripped"/> mirrors the state for other threads.
/// </summary>
internal sealed class HeartbeatWatchdog
{
    private readonly OutputRequester[] _requesters;
    private readonly bool[] _tripped;
    private readonly long _timeoutNs;
    private readonly ILogger _log;

    /// <param name="timeout">How long without a heartbeat before a camera trips; zero or infinite: never.</param>
    public HeartbeatWatchdog(OutputRequester[] requesters, TimeSpan timeout, ILogger log)
    {
        _requesters = requesters;
        _tripped = new bool[requesters.Length];
        _timeoutNs = timeout > TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan ? (long)(timeout.TotalMilliseconds * 1_000_000) : 0;
        _log = log;
    }

    /// <summary>Whether <paramref name="requester"/> was silent at the latest <see cref="Check"/>.</summary>
    public bool IsTripped(int requester) => _tripped[requester];

    /// <summary>Trips the cameras silent at <paramref name="nowNs"/> and clears those that beat again; returns when the next live one would trip (long.MaxValue: none armed).</summary>
    public long Check(long nowNs)
    {
        var nextTripNs = long.MaxValue;
        for (var r = 0; r < _requesters.Length; r++)
        {
            var lastHeartbeat = _requesters[r].LastHeartbeatNs;
            var armed = _timeoutNs > 0 && lastHeartbeat != 0;
            var live = !armed || nowNs - lastHeartbeat < _timeoutNs;
            if (live == _tripped[r]) Report(r, live, nowNs - lastHeartbeat);
            if (armed && live) nextTripNs = Math.Min(nextTripNs, lastHeartbeat + _timeoutNs);
        }
        return nextTripNs;
    }

    private void Report(int requester, bool live, long silentNs)
    {
        _tripped[requester] = !live;
        _requesters[requester].Tripped = !live;
        var who = _requesters.Length == 1 ? "the inference thread" : $"camera {requester}";
        if (live)
            _log.LogInformation("Actuation: heartbeats from {Who} resumed; its outputs follow the rules again", who);
        else
            _log.LogWarning("Actuation: no heartbeat from {Who} for {Ms} ms; the outputs it drives are at their safe level", who, silentNs / 1_000_000);
    }
}
