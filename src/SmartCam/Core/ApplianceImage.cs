namespace SmartCam.Core;

/// <summary>
/// What the appliance image says about itself (docs/updates.md): its version, from the release file the image
/// build writes, and the root slot GRUB booted, from <c>rauc.slot=</c> on the kernel command line. Null off the
/// image (a developer's machine, a container), where there is no release file.
/// </summary>
public sealed record ApplianceImage(string Version, string? Slot)
{
    /// <summary>Written by scripts/build-image.sh; part of the root filesystem, so each slot has its own.</summary>
    public const string ReleaseFile = "etc/smartcam-release";
    public const string CommandLineFile = "proc/cmdline";
    private const string VersionKey = "IMAGE_VERSION=", SlotParameter = "rauc.slot=";

    /// <summary>This box, read once: neither file changes while the process runs.</summary>
    public static ApplianceImage? Current { get; } = Read("/");

    /// <summary>Reads the two files under <paramref name="root"/> ("/" on the box; a fake tree in tests).</summary>
    public static ApplianceImage? Read(string root)
    {
        string? version = null;
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(root, ReleaseFile)))
                if (line.StartsWith(VersionKey, StringComparison.Ordinal)) version = line[VersionKey.Length..].Trim().Trim('"');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (string.IsNullOrEmpty(version)) return null;
        string? slot = null;
        try
        {
            foreach (var parameter in File.ReadAllText(Path.Combine(root, CommandLineFile)).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                if (parameter.StartsWith(SlotParameter, StringComparison.Ordinal) && parameter.Length > SlotParameter.Length) slot = parameter[SlotParameter.Length..];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No command line to read: the version alone.
        }
        return new ApplianceImage(version, slot);
    }

    /// <summary>"image 0.1.0+20261203.abc12345, slot A" (the slot left out when not booted through RAUC's GRUB).</summary>
    public override string ToString() => Slot is null ? $"image {Version}" : $"image {Version}, slot {Slot}";
}
