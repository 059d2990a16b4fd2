namespace SmartCam.Core;

/// <summary>
/// What the appliance image says about itself (docs/updates.md): its version, from the release file the image
/// build writes, and the root slot GRUB booted, from <c>rauc.slot=</c> on the kernel command line. Null off the
/// image (a developer's machine), where there is no release file. The OCI image (scripts/build-container.sh) writes
/// one too, with <c>VARIANT="container"</c>: it reports its version, but it is not the appliance, whose own rules
/// (plain HTTP only on the loopback) do not hold in a pod, where the network is the pod's and the operator publishes
/// ports.
/// </summary>
public sealed record ApplianceImage(string Version, string? Slot, string? Variant = null)
{
    /// <summary>Written by scripts/build-image.sh; part of the root filesystem, so each slot has its own.</summary>
    public const string ReleaseFile = "etc/smartcam-release";
    public const string CommandLineFile = "proc/cmdline";
    private const string VersionKey = "IMAGE_VERSION=", VariantKey = "VARIANT=", SlotParameter = "rauc.slot=";

    /// <summary>The release file's <c>VARIANT</c> in the OCI image.</summary>
    public const string ContainerVariant = "container";

    /// <summary>The flashed appliance image, not the OCI image built from the same binary.</summary>
    public bool IsAppliance => Variant != ContainerVariant;

    /// <summary>The appliance image's rules apply to this process (<see cref="IsAppliance"/>).</summary>
    public static bool OnAppliance => Current is { IsAppliance: true };

    /// <summary>This box, read once: neither file changes while the process runs.</summary>
    public static ApplianceImage? Current { get; } = Read("/");

    /// <summary>Reads the two files under <paramref name="root"/> ("/" on the box; a fake tree in tests).</summary>
    public static ApplianceImage? Read(string root)
    {
        string? version = null, variant = null;
        try
        {
            foreach (var line in File.ReadLines(Path.Combine(root, ReleaseFile)))
            {
                if (line.StartsWith(VersionKey, StringComparison.Ordinal)) version = line[VersionKey.Length..].Trim().Trim('"');
                else if (line.StartsWith(VariantKey, StringComparison.Ordinal)) variant = line[VariantKey.Length..].Trim().Trim('"');
            }
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
        return new ApplianceImage(version, slot, string.IsNullOrEmpty(variant) ? null : variant);
    }

    /// <summary>"image 0.1.0+20261203.abc12345, slot A" (the slot left out when not booted through RAUC's GRUB).</summary>
    public override string ToString() => Slot is null ? $"image {Version}" : $"image {Version}, slot {Slot}";
}
