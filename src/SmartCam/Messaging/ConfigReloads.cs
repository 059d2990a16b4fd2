namespace SmartCam.Messaging;

/// <summary>
/// Live reloads of the config (docs/configuration.md#reload): how many were applied and refused, and the hash of the file
/// as running now. Written by whichever housekeeping thread reloads (SIGHUP, an HTTP request); read by the publish thread
/// for <c>status.box</c> without a lock or an allocation.
/// </summary>
public sealed class ConfigReloads(string hash)
{
    private long _applied, _refused;
    private volatile string _hash = hash;

    public long Applied => Interlocked.Read(ref _applied);
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The first 16 hex digits of the SHA-256 of the config file's text as running now.</summary>
    public string Hash => _hash;

    public void CountApplied(string hash)
    {
        _hash = hash;
        Interlocked.Increment(ref _applied);
    }

    public void CountRefused() => Interlocked.Increment(ref _refused);
}
