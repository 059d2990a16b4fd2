namespace SmartCam.Tests.Integration;

/// <summary>
/// Three real runs, shared by the tests below: vtest.avi at its own 768x576, the same footage upscaled to 1920x1080
/// (scripts/make-hd-sources.sh: stretched, 300 frames), and the 1080p file as the camera with vtest.avi as its
/// detect_source. The 1080p frames go straight from YUV to the model's size (camera.convert: auto).
/// </summary>
public sealed class HdRunsFixture : IDisposable
{
    public const int Frames = 300; // the upscaled files' length
    private readonly TempDir _dir = new();

    public HdRunsFixture()
    {
        Small = Run("small", "file://" + Repo.Video);
        Hd = Run("hd", "file://" + Repo.Video1080);
        Uhd = Run("uhd", "file://" + Repo.Video2160);
        Detect = Run("detect", "file://" + Repo.Video1080, $"detect_source: file://{Repo.Video}");
    }

    public List<FrameDets> Small { get; }
    public List<FrameDets> Hd { get; }
    public List<FrameDets> Uhd { get; }
    public List<FrameDets> Detect { get; }

    private List<FrameDets> Run(string name, string source, string camera = "")
    {
        var port = ChildProcess.FreePort();
        var config = ServiceConfig.Write(_dir, source, port, camera: "loop: false\n  pace: max\n  " + camera, waitForSubscribers: 2, sendHighWatermark: 4000);
        File.Move(config, _dir.File(name + ".yaml"));
        var output = _dir.File(name + ".jsonl");
        var ready = output + ".ready";
        using var collector = ChildProcess.Python(Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{port}",
            "--topic", "det.cam0", "--count", "1000000", "--timeout", "300", "--until-ended",
            "--schema", Repo.Path("docs", "schema", "det.v1.schema.json"), "--out", output, "--ready-file", ready);
        Eventually.Until(() => File.Exists(ready) || collector.HasExited, TimeSpan.FromSeconds(60), $"{name}: the collector connecting");
        using var service = ChildProcess.SmartCam("run", "--config", _dir.File(name + ".yaml"));
        Assert.True(service.WaitForExit(TimeSpan.FromMinutes(5)) == 0, $"{name}: {service.Stderr}");
        Assert.True(collector.WaitForExit(TimeSpan.FromSeconds(60)) == 0, $"{name}: {collector.Stdout}{collector.Stderr}");
        return Messages.ReadJsonLines(output, wrapped: true).Select(Messages.ToFrame).Take(Frames).ToList();
    }

    public void Dispose() => _dir.Dispose();
}

public sealed class HdSourceTests(HdRunsFixture runs, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<HdRunsFixture>
{
    private static double IoU(double[] a, double[] b)
    {
        var w = Math.Min(a[2], b[2]) - Math.Max(a[0], b[0]);
        var h = Math.Min(a[3], b[3]) - Math.Max(a[1], b[1]);
        if (w <= 0 || h <= 0) return 0;
        var inter = w * h;
        return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
    }

    /// <summary>Of <paramref name="expected"/>'s detections scoring at least <paramref name="minScore"/>, scaled by (sx, sy), the share that <paramref name="actual"/> has with the same class at IoU ≥ <paramref name="minIoU"/>.</summary>
    private (double Share, int Count, double MeanIoU) Found(List<FrameDets> expected, List<FrameDets> actual, double sx, double sy, double minScore, double minIoU)
    {
        int count = 0, found = 0;
        var iouSum = 0.0;
        for (var i = 0; i < expected.Count; i++)
            foreach (var e in expected[i].Detections.Where(d => d.Score >= minScore))
            {
                var box = new[] { e.Box[0] * sx, e.Box[1] * sy, e.Box[2] * sx, e.Box[3] * sy };
                var best = actual[i].Detections.Where(a => a.Cls == e.Cls).Select(a => IoU(box, a.Box)).DefaultIfEmpty(0).Max();
                count++;
                if (best >= minIoU) { found++; iouSum += best; }
            }
        return ((double)found / Math.Max(1, count), count, found == 0 ? 0 : iouSum / found);
    }

    [Fact]
    public void Every_run_has_every_frame_in_the_cameras_size()
    {
        Assert.Equal(HdRunsFixture.Frames, runs.Small.Count);
        Assert.Equal(HdRunsFixture.Frames, runs.Hd.Count);
        Assert.Equal(HdRunsFixture.Frames, runs.Detect.Count);
        Assert.Equal(HdRunsFixture.Frames, runs.Uhd.Count);
        Assert.All(runs.Uhd, f => Assert.Equal((3840, 2160), (f.Width, f.Height)));
        Assert.All(runs.Small, f => Assert.Equal((768, 576), (f.Width, f.Height)));
        Assert.All(runs.Hd, f => Assert.Equal((1920, 1080), (f.Width, f.Height)));
        // detect_source: the detector read the 768x576 stream, and the boxes are in the main stream's pixels.
        Assert.All(runs.Detect, f => Assert.Equal((1920, 1080), (f.Width, f.Height)));
        Assert.All(runs.Detect.Concat(runs.Hd).SelectMany(f => f.Detections), d => Assert.True(d.Box[2] <= 1920 && d.Box[3] <= 1080));
    }

    [Fact]
    public void The_1080p_run_finds_the_people_the_768x576_run_finds_in_the_same_places()
    {
        // The upscaled file is stretched (4:3 to 16:9), so the model sees the people narrower: the same people, not the same scores.
        var (share, count, meanIoU) = Found(runs.Small, runs.Hd, 1920 / 768.0, 1080 / 576.0, 0.5, 0.5);
        output.WriteLine($"768x576 detections ≥ 0.5: {count}; found in the 1080p run at IoU ≥ 0.5: {share:P1} (mean IoU {meanIoU:0.000})");
        Assert.True(count > 1000, $"{count} confident detections");
        // Measured: 87.1 % at a mean IoU of 0.880; a wrong scale or offset of the boxes would find next to none.
        Assert.True(share >= 0.82, $"{share:P1} of {count}");
        Assert.True(meanIoU >= 0.75, $"mean IoU {meanIoU:0.000}");
    }

    [Fact]
    public void With_a_detect_source_the_boxes_are_the_main_streams_own_runs()
    {
        // Both runs give the model the same 416x234 picture of the same scene, one made from 768x576, one from 1920x1080.
        var (share, count, meanIoU) = Found(runs.Hd, runs.Detect, 1, 1, 0.5, 0.7);
        output.WriteLine($"1080p run detections ≥ 0.5: {count}; found in the detect_source run at IoU ≥ 0.7: {share:P1} (mean IoU {meanIoU:0.000})");
        Assert.True(count > 1000, $"{count} confident detections");
        Assert.True(share >= 0.9, $"{share:P1} of {count}");
        Assert.True(meanIoU >= 0.85, $"mean IoU {meanIoU:0.000}");
    }

    [Fact]
    public void The_4K_run_finds_what_the_1080p_run_finds()
    {
        // Both files are the same stretched footage, so the model gets nearly the same 416x234 picture from each.
        var (share, count, meanIoU) = Found(runs.Hd, runs.Uhd, 2, 2, 0.5, 0.7);
        output.WriteLine($"1080p run detections ≥ 0.5: {count}; found in the 4K run at IoU ≥ 0.7: {share:P1} (mean IoU {meanIoU:0.000})");
        Assert.True(count > 1000, $"{count} confident detections");
        Assert.True(share >= 0.9, $"{share:P1} of {count}");
        Assert.True(meanIoU >= 0.85, $"mean IoU {meanIoU:0.000}");
    }
}
