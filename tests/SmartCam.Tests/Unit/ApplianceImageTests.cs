using System.Text.Json;
using SmartCam.Core;
using SmartCam.Hosting;
using SmartCam.Messaging;
using SmartCam.Realtime;

namespace SmartCam.Tests.Unit;

/// <summary>
/// The image version and booted slot (docs/updates.md) as <c>--version</c>, <c>status.</c> and <c>doctor</c> report
/// them, read from fake release files and kernel command lines written here.
/// </summary>
public class ApplianceImageTests
{
    private static TempDir Box(string? release, string? cmdline)
    {
        var root = new TempDir();
        if (release is not null) { Directory.CreateDirectory(Path.Combine(root.Path, "etc")); File.WriteAllText(Path.Combine(root.Path, "etc/smartcam-release"), release); }
        if (cmdline is not null) { Directory.CreateDirectory(Path.Combine(root.Path, "proc")); File.WriteAllText(Path.Combine(root.Path, "proc/cmdline"), cmdline); }
        return root;
    }

    private const string Release = "NAME=\"SmartCam\"\nIMAGE_VERSION=\"0.1.0+20261203.abc12345\"\nBUILT=\"2026-12-03T07:00:00Z\"\nCOMMIT=\"abc12345\"\n";

    [Fact]
    public void Reads_the_version_and_the_slot_GRUB_booted()
    {
        using var root = Box(Release, "BOOT_IMAGE=/boot/vmlinuz root=PARTUUID=5c3a11e0-0b5e-4d1f-9e39-5ca3c0a77002 rauc.slot=B isolcpus=1 quiet\n");
        var image = ApplianceImage.Read(root.Path);
        Assert.Equal(new ApplianceImage("0.1.0+20261203.abc12345", "B"), image);
        Assert.Equal("smartcam " + Program.Version + " (image 0.1.0+20261203.abc12345, slot B)", Program.VersionLine(image));
    }

    [Fact]
    public void Without_a_slot_on_the_command_line_the_version_alone()
    {
        using var root = Box(Release, "root=/dev/vda2 isolcpus=1\n");
        var image = ApplianceImage.Read(root.Path);
        Assert.Equal(new ApplianceImage("0.1.0+20261203.abc12345", null), image);
        Assert.Equal("image 0.1.0+20261203.abc12345", image!.ToString());
    }

    [Fact]
    public void The_OCI_image_reports_its_version_but_is_not_the_appliance()
    {
        // What scripts/build-container.sh writes: the appliance's own rules (plain HTTP only on the loopback) would
        // refuse the pod's http.listen 0.0.0.0:8080 (deploy/kubernetes), where the pod's network is the boundary.
        using var container = Box(Release + "ARCHITECTURE=\"amd64\"\nVARIANT=\"container\"\n", null);
        var image = ApplianceImage.Read(container.Path);
        Assert.Equal(new ApplianceImage("0.1.0+20261203.abc12345", null, "container"), image);
        Assert.False(image!.IsAppliance);
        Assert.Equal("image 0.1.0+20261203.abc12345", image.ToString());

        using var appliance = Box(Release, "rauc.slot=A\n");
        Assert.True(ApplianceImage.Read(appliance.Path)!.IsAppliance);
    }

    [Fact]
    public void Off_the_image_there_is_nothing_to_report()
    {
        using var noRelease = Box(null, "rauc.slot=A\n");
        Assert.Null(ApplianceImage.Read(noRelease.Path));
        using var noVersion = Box("NAME=\"SmartCam\"\n", "rauc.slot=A\n");
        Assert.Null(ApplianceImage.Read(noVersion.Path));
        Assert.Equal("smartcam " + Program.Version, Program.VersionLine(null));
    }

    [Fact]
    public void Status_messages_carry_the_image_and_slot_and_leave_them_out_off_the_image()
    {
        var stats = new PipelineStats { PeriodUs = 100_000 };
        var onImage = new MessageWriter("gate", "yolox_nano", ["person"]) { Image = new ApplianceImage("0.2.0+x", "A") };
        onImage.WriteStatus(stats, "0123456789abcdef", "running", 1, 10);
        using (var status = JsonDocument.Parse(onImage.Buffer.WrittenSpan.ToArray()))
        {
            Assert.Equal("0.2.0+x", status.RootElement.GetProperty("image").GetProperty("version").GetString());
            Assert.Equal("A", status.RootElement.GetProperty("image").GetProperty("slot").GetString());
        }
        var box = new MessageWriter("box", "yolox_nano", ["person"]) { Image = new ApplianceImage("0.2.0+x", null) };
        box.WriteBoxStatus("0123456789abcdef", "running", 1, [(0.5, 10)], 1, 1, 10, 0, null, default);
        using (var status = JsonDocument.Parse(box.Buffer.WrittenSpan.ToArray()))
        {
            Assert.Equal("0.2.0+x", status.RootElement.GetProperty("image").GetProperty("version").GetString());
            Assert.False(status.RootElement.GetProperty("image").TryGetProperty("slot", out _));
        }
        var offImage = new MessageWriter("gate", "yolox_nano", ["person"]) { Image = null };
        offImage.WriteStatus(stats, "0123456789abcdef", "running", 1, 10);
        using (var status = JsonDocument.Parse(offImage.Buffer.WrittenSpan.ToArray()))
            Assert.False(status.RootElement.TryGetProperty("image", out _));
    }

    [Fact]
    public void Doctor_reports_the_image_and_the_booted_slot()
    {
        using var root = Box(Release, "root=PARTUUID=x rauc.slot=A\n");
        var check = Assert.Single(new HostDoctor(root.Path, null).Run(), c => c.Name == "appliance image");
        Assert.Equal("0.1.0+20261203.abc12345, booted slot A", check.Found);
        using var plain = Box(null, "root=/dev/sda1\n");
        Assert.StartsWith("none (no /etc/smartcam-release", Assert.Single(new HostDoctor(plain.Path, null).Run(), c => c.Name == "appliance image").Found);
    }
}
