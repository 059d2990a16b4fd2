using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.HandOver;
using SmartCam.Messaging;
using SmartCam.Snapshots;
using SmartCam.Tracking;

namespace SmartCam.Tests.Unit;

/// <summary>
/// The inference thread's side of the snapshots (<see cref="SnapshotTap"/>): a frame whose rule fired is copied into a
/// buffer of the pool, and with every buffer taken the snapshot is dropped and counted, never waited for; and the
/// snapshots folder's bounds (<see cref="Retention"/>).
/// </summary>
public sealed class SnapshotTapTests
{
    private static RuleStage GateRule() =>
        new([new RuleConfig("gate", [], 0, -1, 0, null, 0, new RuleTiming(1, 0, 100, 0))], ["person"], outputs: null, outputCount: 1, onFrameClock: true);

    /// <summary>Frame <paramref name="n"/>: a crossing of the gate on even frames (a rising edge each time), nothing on odd ones.</summary>
    private static void Step(RuleStage rules, SnapshotTap tap, Frame frame, DetectionResult result, SceneMonitor monitor, int n)
    {
        frame.Seq = n;
        frame.CaptureNs = 1_000_000_000L + n;
        result.Count = 1;
        result.Detections[0] = new SmartCam.Inference.Detection(4, 4, 20, 30, 0.9f, 0);
        result.EventCount = n % 2 == 0 ? 1 : 0;
        result.Events[0] = new SceneEvent(SceneEventType.Cross, 1, 0, -1, 0, LineDirection.In, n);
        var ns = n * 1_000_000_000L; // a second apart: every pulse has ended by the next crossing
        rules.Run([], monitor, result.Events.AsSpan(0, result.EventCount), ns, frame.CaptureNs, ns);
        tap.Offer(frame, result, rules);
    }

    [Fact]
    public void A_full_pool_drops_and_counts_instead_of_waiting()
    {
        using var wake = new Wakeup();
        using var tap = new SnapshotTap(maxDetections: 4, wake);
        var rules = GateRule();
        var monitor = new SceneMonitor([], [new LineDefinition("gate", (0.5f, 0f), (0.5f, 1f), margin: 0)]);
        using var frame = new Frame { Width = 64, Height = 48 };
        frame.Image.Create(48, 64, MatType.CV_8UC3);
        frame.Image.SetTo(new Scalar(1, 2, 3));
        var result = new DetectionResult(4, 4);

        // Nobody reads: the queue takes Depth frames, the rest are dropped and counted.
        var n = 0;
        for (var i = 0; i < 2 * (SnapshotTap.Depth + 3); i++) Step(rules, tap, frame, result, monitor, n++);
        Assert.Equal(SnapshotTap.Depth, tap.Frames.Count);
        Assert.Equal(3, tap.Dropped);

        // The reader takes one: its picture and boxes are the frame's, and the next firing gets a buffer again.
        Assert.True(tap.Frames.TryRead(out var taken));
        Assert.Equal(1, taken.Fired);
        Assert.Equal(0, taken.Seq);
        Assert.Equal((64, 48), (taken.Image.Cols, taken.Image.Rows));
        Assert.Equal(new Vec3b(1, 2, 3), taken.Image.At<Vec3b>(10, 10));
        Assert.Equal(1, taken.BoxCount);
        tap.Frames.Release(taken);
        Step(rules, tap, frame, result, monitor, n++);
        Step(rules, tap, frame, result, monitor, n++);
        Assert.Equal(SnapshotTap.Depth, tap.Frames.Count);
        Assert.Equal(3, tap.Dropped);

        // Full again: a firing costs the inference thread no allocation and no wait, only a count.
        var allocated = Allocations.OnThisThread(() =>
        {
            for (var i = 0; i < 20; i++) Step(rules, tap, frame, result, monitor, n++);
        });
        Assert.Equal(0, allocated);
        Assert.Equal(3 + 10, tap.Dropped);
    }

    [Fact]
    public void Frames_without_a_firing_are_not_copied()
    {
        using var wake = new Wakeup();
        using var tap = new SnapshotTap(maxDetections: 4, wake);
        var rules = GateRule();
        var monitor = new SceneMonitor([], [new LineDefinition("gate", (0.5f, 0f), (0.5f, 1f), margin: 0)]);
        using var frame = new Frame { Width = 64, Height = 48 };
        frame.Image.Create(48, 64, MatType.CV_8UC3);
        var result = new DetectionResult(4, 4);
        for (var n = 1; n < 20; n += 2) Step(rules, tap, frame, result, monitor, n); // odd frames: no crossing
        Assert.Equal(0, tap.Frames.Written);
        Assert.Equal(0, tap.Dropped);
    }

    private static void Snapshot(string folder, string name, int bytes, DateTime writtenUtc)
    {
        var jpg = Path.Combine(folder, name + ".jpg");
        File.WriteAllBytes(jpg, new byte[bytes]);
        File.WriteAllText(Path.ChangeExtension(jpg, ".json"), "{}");
        File.SetLastWriteTimeUtc(jpg, writtenUtc);
    }

    [Fact]
    public void Retention_keeps_the_newest_within_max_mb_and_deletes_what_is_older_than_max_days()
    {
        using var dir = new TempDir();
        var cam0 = Directory.CreateDirectory(dir.File("cam0")).FullName;
        var cam1 = Directory.CreateDirectory(dir.File("cam1")).FullName;
        var now = DateTime.UtcNow;
        Snapshot(cam0, "old-1-0", 1000, now.AddDays(-40)); // past max_days
        Snapshot(cam0, "r-1-0", 10_000, now.AddMinutes(-5));
        Snapshot(cam1, "r-2-0", 10_000, now.AddMinutes(-4));
        Snapshot(cam0, "r-3-0", 10_000, now.AddMinutes(-3));
        const long bound = 25_000; // two snapshots (10 002 bytes each)
        var retention = new Retention(dir.Path, bound, TimeSpan.FromDays(30), NullLogger.Instance);

        retention.Load();
        Assert.False(File.Exists(Path.Combine(cam0, "old-1-0.jpg")));
        Assert.False(File.Exists(Path.Combine(cam0, "old-1-0.json")));
        Assert.False(File.Exists(Path.Combine(cam0, "r-1-0.jpg"))); // the oldest, across both cameras' folders
        Assert.True(File.Exists(Path.Combine(cam1, "r-2-0.jpg")));
        Assert.True(File.Exists(Path.Combine(cam0, "r-3-0.jpg")));
        Assert.Equal(2, retention.Deleted);
        Assert.True(retention.Bytes <= bound);

        Snapshot(cam1, "r-4-0", 10_000, now);
        retention.Added(Path.Combine(cam1, "r-4-0.jpg"), Path.Combine(cam1, "r-4-0.json"), 10_002, now);
        Assert.False(File.Exists(Path.Combine(cam1, "r-2-0.jpg")));
        Assert.True(File.Exists(Path.Combine(cam0, "r-3-0.jpg")));
        Assert.True(File.Exists(Path.Combine(cam1, "r-4-0.jpg")));
        Assert.Equal(3, retention.Deleted);
        var onDisk = Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.Equal(retention.Bytes, onDisk);
        Assert.True(onDisk <= bound);

        retention.DeleteOld(now.AddDays(31));
        Assert.Empty(Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories));
        Assert.Equal(5, retention.Deleted);
    }
}
