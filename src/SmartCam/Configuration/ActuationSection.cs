namespace SmartCam.Configuration;

/// <summary>The <c>actuation:</c> section: its key and its reader.</summary>
public static class ActuationSection
{
    public static readonly Setting<int> WatchdogMs = Setting.Int("actuation.watchdog_ms", 2000, 0, 3_600_000, "Outputs go to their safe level when no frame has been processed for this long; 0: off.");

    internal static int ReadWatchdogMs(YamlSection? s)
    {
        if (s is null) return WatchdogMs.Default;
        var watchdogMs = s.Int(WatchdogMs);
        s.RejectUnknownKeys();
        return watchdogMs;
    }
}
