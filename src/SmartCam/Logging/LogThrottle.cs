namespace SmartCam.Logging;

/// <summary>
/// For a warning that can come once per frame (an unreadable frame of a damaged file): the first is logged, later ones
/// within <c>intervalNs</c> of the last logged are only counted, and the next one logged carries that count. One
/// thread's state (a field of the loop that owns it); allocation-free.
/// </summary>
public struct LogThrottle(long intervalNs)
{
    private long _loggedNs;
    private bool _logged;
    private long _held;

    /// <summary>True: log this one, and say <paramref name="held"/> more happened since the last logged. False: counted.</summary>
    public bool ShouldLog(long nowNs, out long held)
    {
        if (_logged && nowNs - _loggedNs < intervalNs)
        {
            _held++;
            held = 0;
            return false;
        }
        held = _held;
        _held = 0;
        _logged = true;
        _loggedNs = nowNs;
        return true;
    }

    /// <summary>The count not yet logged (to say at the end); resets it.</summary>
    public long TakeHeld()
    {
        var held = _held;
        _held = 0;
        return held;
    }
}
