using System.Globalization;
using System.Text.Json;

namespace SmartCam.Commands.Bench;

/// <summary>
/// The bench's output, for both benches: the table for people (left out with --json), then the report as one JSON line,
/// last, for tools. The JSON rounds each figure to what it can be measured to; the table formats the unrounded figure.
/// </summary>
public static class BenchReportWriter
{
    public static void Write(SingleCameraReport report, bool jsonOnly, TextWriter output)
    {
        if (!jsonOnly) WriteTable(report, output);
        output.WriteLine(ToJson(report));
    }

    public static void Write(MultiCameraReport report, bool jsonOnly, TextWriter output)
    {
        if (!jsonOnly) WriteTable(report, output);
        output.WriteLine(ToJson(report));
    }

    public static string ToJson(SingleCameraReport r)
    {
        var latency = r.Stages.ToDictionary(s => s.Stage, s => new PercentilesJson(s.P50, s.P99, s.Max, s.Count));
        latency.Add("bare_session_run", new PercentilesJson(r.BareP50, r.BareP99));
        var json = new SingleCameraJson(r.Model, r.Provider, r.Providers, r.Source, r.Pace, r.Frames, Math.Round(r.Fps, 2),
            latency, Math.Round(r.LatencyP50Ratio, 4), Math.Round(r.LatencyP99Ratio, 4), Math.Round(r.ThroughputRatio, 4),
            Math.Round(r.BytesPerFramePipeline, 3), Math.Round(r.BytesPerFrameProcess, 3),
            new(r.ThreadBytes.Capture, r.ThreadBytes.Infer, r.ThreadBytes.Publish), new(r.Gcs.Gen0, r.Gcs.Gen1, r.Gcs.Gen2),
            r.PeakRssBytes, double.IsNaN(r.StartupSeconds) ? -1 : Math.Round(r.StartupSeconds, 4), r.Dropped, r.Burst,
            new(r.PeriodUs, r.DeadlineMisses),
            r.Lateness.ToDictionary(l => l.Loop, l => new SingleCameraJson.LatenessJson(l.P50, l.P99, l.P999, l.Max)),
            new(r.ProcessFaults.Minor, r.ProcessFaults.Major, r.LoopFaults.Minor, r.LoopFaults.Major), r.ViewerPictures,
            r.Reloads is { } reloads ? new SingleCameraJson.ReloadsJson(reloads.Applied, reloads.Switched) : null,
            r.Snapshots is { } snapshots ? new SingleCameraJson.SnapshotsJson(snapshots.Written, snapshots.Dropped, snapshots.Failed, snapshots.Deleted) : null);
        return JsonSerializer.Serialize(json, ReportJsonContext.Default.SingleCameraJson);
    }

    public static string ToJson(MultiCameraReport r)
    {
        var json = new MultiCameraJson(r.Model, r.Provider, r.Source, r.Instances, new(r.BareP50, r.BareP99), Math.Round(r.NominalFps, 3),
            r.WarmupSeconds, r.ConfiguredPeakRssBytes, r.PeakRssBytes, ToJson(r.Configured),
            new(r.Capacity, r.CapacityLimited, Math.Round(r.CapacityTarget, 3), r.CapacityMet, r.ProbeSeconds,
                r.Probes.Select(p => new MultiCameraJson.ProbeJson(p.Cameras, Math.Round(p.MinFps, 3), p.Kept)).ToArray()),
            new(r.OverloadCameras, Math.Round(r.Overload.MinFps, 3), Math.Round(r.Overload.MaxFps, 3), Math.Round(r.Fairness, 4), r.FairnessMet,
                ToJson(r.Overload)),
            new(r.DyingCameras, r.DyingCamera, r.DyingBefore.Others.P99, r.DyingAfter.Others.P99, Math.Round(r.DyingP99Change, 4), r.DyingMet,
                r.DyingBefore.Others.P50, r.DyingAfter.Others.P50, r.DyingBefore.Others.Max, r.DyingAfter.Others.Max,
                Math.Round(r.DyingBefore.MinFpsOfOthers, 3), Math.Round(r.DyingAfter.MinFpsOfOthers, 3), r.DyingAfter.Cameras[^1].State));
        return JsonSerializer.Serialize(json, ReportJsonContext.Default.MultiCameraJson);
    }

    private static MultiCameraJson.WindowJson ToJson(Window w) => new(Math.Round(w.Seconds, 3),
        w.Cameras.Select(x => new MultiCameraJson.CameraJson(x.Id, x.State, Math.Round(x.Fps, 3), Math.Round(x.NominalFps, 3), x.Processed, x.Dropped,
            new PercentilesJson(x.P50, x.P99, x.Max))).ToArray(),
        Math.Round(w.MinFps, 3), Math.Round(w.MaxFps, 3), w.DetectorLoad.Select(l => Math.Round(l, 4)).ToArray(),
        w.Threads.ToDictionary(t => t.Thread, t => Math.Round(t.BytesPerFrame, 3)), w.Threads.ToDictionary(t => t.Thread, t => t.Bytes),
        new(w.Gcs.Gen0, w.Gcs.Gen1, w.Gcs.Gen2));

    private static void WriteTable(SingleCameraReport r, TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"model {r.Model}, source {r.Source}, pace {r.Pace}: {r.Frames} frames measured after warm-up"));
        o.WriteLine($"provider {r.Provider}: session on {ValidateCommand.DescribeProviders(r.Providers)}");
        o.WriteLine();
        o.WriteLine("stage                    p50 µs     p99 µs     max µs    samples");
        foreach (var (stage, p50, p99, max, count) in r.Stages)
            o.WriteLine(string.Create(c, $"{stage,-20} {p50,10} {p99,10} {max,10} {count,10}"));
        o.WriteLine(string.Create(c, $"{"bare session.Run",-20} {r.BareP50,10} {r.BareP99,10}"));
        o.WriteLine();
        o.WriteLine(string.Create(c, $"throughput             {r.Fps:0.0} fps = {r.ThroughputRatio:0.000} × the bare model's 1/p50 ({1e6 / r.BareP50:0.0} fps)"));
        o.WriteLine(string.Create(c, $"capture→publish p50    {r.LatencyP50Ratio:0.000} × bare p50;  p99 {r.LatencyP99Ratio:0.000} × bare p99"));
        o.WriteLine(string.Create(c, $"allocated per frame    {r.BytesPerFramePipeline:0.###} B on the pipeline threads, {r.BytesPerFrameProcess:0.###} B process-wide"));
        o.WriteLine(string.Create(c, $"allocated in total     capture {r.ThreadBytes.Capture} B, infer {r.ThreadBytes.Infer} B, publish {r.ThreadBytes.Publish} B"));
        o.WriteLine(string.Create(c, $"GCs during the run     gen0 {r.Gcs.Gen0}, gen1 {r.Gcs.Gen1}, gen2 {r.Gcs.Gen2}"));
        o.WriteLine(string.Create(c, $"peak RSS               {r.PeakRssBytes / 1048576.0:0.0} MB"));
        o.WriteLine(string.Create(c, $"start-up to first det. {r.StartupSeconds:0.000} s"));
        o.WriteLine(string.Create(c, $"frames dropped         {r.Dropped} (and {r.Burst} replaced in a burst from a live source)"));
        o.WriteLine(string.Create(c, $"deadline               period {r.PeriodUs} µs, {r.DeadlineMisses} frames published later than one period after capture"));
        o.WriteLine(string.Create(c, $"page faults            process {r.ProcessFaults.Minor} minor, {r.ProcessFaults.Major} major; loop threads {r.LoopFaults.Minor} minor, {r.LoopFaults.Major} major"));
        if (r.Snapshots is { } snapshots)
            o.WriteLine(string.Create(c, $"snapshots              {snapshots.Written} written, {snapshots.Dropped} dropped (no free buffer), {snapshots.Failed} failed, {snapshots.Deleted} deleted (the whole run)"));
        if (r.Reloads is { } reloads)
            o.WriteLine(string.Create(c, $"scene reloads          {reloads.Applied} applied, {reloads.Switched} switched to by the camera"));
        if (r.ViewerPictures.Length > 0)
            o.WriteLine(string.Create(c, $"live viewers           {r.ViewerPictures.Length} (MJPEG, then pages): pictures received {string.Join(", ", r.ViewerPictures)}"));
        o.WriteLine();
        o.WriteLine("loop lateness            p50 µs     p99 µs   p99.9 µs     max µs");
        foreach (var (loop, p50, p99, p999, max) in r.Lateness)
            o.WriteLine(string.Create(c, $"{loop,-20} {p50,10} {p99,10} {p999,10} {max,10}"));
        o.WriteLine();
    }

    private static void WriteTable(MultiCameraReport r, TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"model {r.Model}, provider {r.Provider}, {r.Instances} detector instance(s); bare session.Run p50 {Ms(r.BareP50)} ms, p99 {Ms(r.BareP99)} ms ({1e6 / r.BareP50:0.0} fps)"));
        o.WriteLine(string.Create(c, $"{r.ConfiguredCameras} configured cameras, {r.Configured.Seconds:0.0} s measured after {r.WarmupSeconds} s warm-up:"));
        o.WriteLine();
        WriteCameras(r.Configured, o);
        o.WriteLine(string.Create(c, $"detector load          {string.Join(", ", r.Configured.DetectorLoad.Select(l => (l * 100).ToString("0.0", c) + " %"))}"));
        o.WriteLine(string.Create(c, $"bytes per frame        {string.Join(", ", r.Configured.Threads.Select(t => $"{t.Thread} {t.BytesPerFrame.ToString("0.###", c)}"))}"));
        o.WriteLine(string.Create(c, $"GCs in the window      gen0 {r.Configured.Gcs.Gen0}, gen1 {r.Configured.Gcs.Gen1}, gen2 {r.Configured.Gcs.Gen2}"));
        o.WriteLine(string.Create(c, $"peak RSS               {r.ConfiguredPeakRssBytes / 1048576.0:0.0} MB with the configured cameras ({r.PeakRssBytes / 1048576.0:0.0} MB over the whole bench)"));
        o.WriteLine("dropped: files lose no frame, they play late: nominal fps × window − processed; live cameras: frames replaced unread");
        o.WriteLine();
        o.WriteLine(string.Create(c, $"capacity               {(r.CapacityLimited ? "at least " : "")}{r.Capacity} cameras like the first keep ≥ {Window.KeepShare * 100:0} % of their {r.NominalFps:0.##} fps ({r.ProbeSeconds} s probes: {string.Join(", ", r.Probes.Select(p => $"{p.Cameras} {(p.Kept ? "kept" : "not")} min {p.MinFps.ToString("0.00", c)}"))})"));
        o.WriteLine(string.Create(c, $"  target               ≥ 0.9 × {1e6 / r.BareP50:0.0} fps / {r.NominalFps:0.##} fps = {r.CapacityTarget:0.00}: {Met(r.CapacityMet)}"));
        o.WriteLine(string.Create(c, $"fairness at 2×         {r.OverloadCameras} cameras, {r.Overload.Seconds:0.0} s: min {r.Overload.MinFps:0.00} fps, max {r.Overload.MaxFps:0.00} fps, min/max {r.Fairness:0.000} (target ≥ 0.9: {Met(r.FairnessMet)}); detector load {r.Overload.DetectorLoad.Sum() * 100:0.0} %"));
        o.WriteLine(string.Create(c, $"one camera dying       {r.DyingCameras} cameras, {r.DyingCamera}'s file removed: the others' capture→publish p99 {Ms(r.DyingBefore.Others.P99)} → {Ms(r.DyingAfter.Others.P99)} ms ({r.DyingP99Change * 100:+0.0;-0.0;0.0} %, target within ±10 %: {Met(r.DyingMet)}), p50 {Ms(r.DyingBefore.Others.P50)} → {Ms(r.DyingAfter.Others.P50)} ms, max {Ms(r.DyingBefore.Others.Max)} → {Ms(r.DyingAfter.Others.Max)} ms; {r.DyingCamera} {r.DyingAfter.Cameras[^1].State}"));
        o.WriteLine(string.Create(c, $"  others' fps          before min {r.DyingBefore.MinFpsOfOthers:0.00}, after min {r.DyingAfter.MinFpsOfOthers:0.00}"));
        o.WriteLine();
    }

    private static void WriteCameras(Window w, TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine("camera           fps  processed  dropped   c→p p50 ms   p99 ms   max ms  state");
        foreach (var x in w.Cameras)
            o.WriteLine(string.Create(c, $"{x.Id,-12} {x.Fps,7:0.00} {x.Processed,10} {x.Dropped,8} {Ms(x.P50),12} {Ms(x.P99),8} {Ms(x.Max),8}  {x.State}"));
    }

    private static string Met(bool met) => met ? "met" : "not met";

    private static string Ms(long us) => (us / 1000.0).ToString("0.0", CultureInfo.InvariantCulture);
}
