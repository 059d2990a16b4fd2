using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Configuration;
using SmartCam.Snapshots;

namespace SmartCam.Tests.Unit;

/// <summary>The <c>snapshots:</c> section and <c>rules[].snapshot</c> on real YAML files: defaults, and one clear line for each mistake.</summary>
public class SnapshotConfigTests
{
    private static string Write(TempDir dir, string snapshots, string rule = "") =>
        dir.Write("smartcam.yaml", $"""
            camera:
              source: file://clip.avi
            model:
              path: {Repo.Model}
            lines:
              gate: {"{"} points: [[0.5, 0], [0.5, 1]] {"}"}
            outputs:
              beacon: {"{"} driver: log {"}"}
            rules:
              - name: gate
                when: {"{"} line: gate {"}"}
                then: {"{"} output: beacon, pulse_ms: 300 {"}"}
                {rule}
            {snapshots}

            """);

    [Fact]
    public void Off_without_the_section_on_with_the_documented_defaults_when_it_is_there()
    {
        using var dir = new TempDir();
        var off = ConfigLoader.Load(Write(dir, ""));
        Assert.Null(off.Snapshots);
        Assert.False(off.Scene.Rules[0].Snapshot);
        foreach (var empty in new[] { "snapshots:", "snapshots: {}" })
            Assert.Equal(new SnapshotsConfig("/var/lib/smartcam/snapshots", 256, 30), ConfigLoader.Load(Write(dir, empty)).Snapshots);
        var set = ConfigLoader.Load(Write(dir, "snapshots: { path: pictures, max_mb: 0.5, max_days: 2 }", "snapshot: true"));
        Assert.Equal(new SnapshotsConfig(dir.File("pictures"), 0.5f, 2), set.Snapshots);
        Assert.Equal(512 * 1024, set.Snapshots!.MaxBytes);
        Assert.True(set.Scene.Rules[0].Snapshot);
    }

    [Fact]
    public void Mistakes_are_one_line_naming_the_file_and_the_key()
    {
        using var dir = new TempDir();
        ConfigErrors.AssertError(Write(dir, "snapshots: { max_mb: 0 }"), "snapshots.max_mb", "out of range");
        ConfigErrors.AssertError(Write(dir, "snapshots: { max_days: 0 }"), "snapshots.max_days", "out of range");
        ConfigErrors.AssertError(Write(dir, "snapshots: { pth: x }"), "snapshots.pth");
        ConfigErrors.AssertError(Write(dir, "snapshots: [1]"), "snapshots");
        ConfigErrors.AssertError(Write(dir, "", "snapshot: sometimes"), "rules[0].snapshot");
    }

    [Fact]
    public void A_folder_that_cannot_be_made_is_one_line_naming_snapshots_path()
    {
        using var dir = new TempDir();
        var file = dir.Write("not-a-folder", "");
        var config = ConfigLoader.Load(Write(dir, $"snapshots: {{ path: {file}/snapshots }}"));
        var e = Assert.Throws<SnapshotStartException>(() => SnapshotWriter.Start(config, ["person"], NullLogger.Instance));
        Assert.StartsWith("snapshots.path: cannot use '" + file + "/snapshots'", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void The_image_has_snapshots_on_in_a_folder_the_service_owns_and_may_write()
    {
        var path = Repo.Path("rootfs", "etc", "smartcam", "smartcam.yaml");
        var yaml = File.ReadAllText(path).Replace("/var/lib/smartcam/models/yolox_nano.onnx", Repo.Model).Replace("/var/lib/smartcam/models/coco80.names", Repo.Labels);
        var shipped = ConfigLoader.Parse(yaml, path);
        Assert.Equal(new SnapshotsConfig("/var/lib/smartcam/snapshots", 256, 30), shipped.Snapshots);
        var unit = File.ReadAllLines(Repo.Path("rootfs", "etc", "systemd", "system", "smartcam.service"));
        Assert.Contains("smartcam/snapshots", unit.Single(l => l.StartsWith("StateDirectory=")).Split('=', ' '));
        Assert.Contains("/var/lib/smartcam/snapshots/** rw,", File.ReadAllText(Repo.Path("rootfs", "etc", "apparmor.d", "opt.smartcam.smartcam")));
    }
}
