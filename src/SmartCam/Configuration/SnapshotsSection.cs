namespace SmartCam.Configuration;

/// <summary>The <c>snapshots:</c> section: its keys and their reader. Snapshots are on whenever the section is there.</summary>
public static class SnapshotsSection
{
    public static readonly Setting<string> Path = Setting.Text("snapshots.path", "/var/lib/smartcam/snapshots", "The folder of the event pictures (one folder per camera inside).");
    public static readonly Setting<float> MaxMb = Setting.Float("snapshots.max_mb", 256, 0.01f, 1_000_000, "Past this size in all, the oldest pictures are deleted.");
    public static readonly Setting<int> MaxDays = Setting.Int("snapshots.max_days", 30, 1, 3650, "Pictures older than this are deleted.");

    /// <summary>Null when the config has no <c>snapshots:</c> key; an empty one (<c>snapshots:</c> or <c>snapshots: {}</c>) is on with the defaults.</summary>
    internal static SnapshotsConfig? Read(YamlSection top, string baseDir)
    {
        if (top.NodeOf("snapshots") is null) return null;
        if (top.Section("snapshots") is not { } s) return new SnapshotsConfig(Path.Default, MaxMb.Default, MaxDays.Default);
        var config = new SnapshotsConfig(s.FullPath(Path.Key, s.String(Path), baseDir), s.Float(MaxMb), s.Int(MaxDays));
        s.RejectUnknownKeys();
        return config;
    }
}
