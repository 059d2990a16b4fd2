using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Hosting;
using SmartCam.Inference;
using SmartCam.Messaging;

namespace SmartCam.Tests.Integration;

/// <summary>
/// The steady state allocates nothing: the real pipeline, in this process, on the real footage and model,
/// publishing to a real python3-zmq subscriber. Counted by each pipeline thread itself
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) and by the GC's own collection counts.
/// </summary>
public sealed class AllocationTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Five_hundred_frames_after_warm_up_allocate_nothing_on_the_pipeline_threads_and_trigger_no_gc()
    {
        const int warmup = 150, measured = 500;
        var port = ChildProcess.FreePort();
        // With the whole scene on the inference thread: tracking, a zone, a line, two rules and their outputs.
        var config = ConfigLoader.Load(ServiceConfig.Write(_dir, "file://" + Repo.Video, port, camera: "loop: false\n  pace: max", extra: """
            zones:
              middle: { polygon: [[0.40, 0.30], [0.60, 0.30], [0.60, 0.60], [0.40, 0.60]], loiter_s: 2 }
            lines:
              gate: { points: [[0.50, 0.25], [0.50, 0.75]] }
            outputs:
              lamp:   { driver: gpio, chip: 0, line: 17 }
              beacon: { driver: gpio, chip: 0, line: 27 }
            rules:
              - name: someone-in-the-middle
                when: { labels: [person], zone: middle, min_frames: 3 }
                then: { output: lamp, hold_ms: 200 }
              - name: walked-through-the-gate
                when: { labels: [person], line: gate }
                then: { output: beacon, pulse_ms: 100 }
            """));
        var driver = new RecordingGpioDriver();
        using var outputs = SmartCam.Actuation.OutputBank.Open(config.Outputs, _ => driver, NullLogger.Instance, TimeSpan.FromSeconds(2));
        var received = _dir.File("det.jsonl");
        var ready = _dir.File("ready");
        using var subscriber = ChildProcess.Python(Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{port}",
            "--topic", "det.cam0", "--count", (warmup + measured).ToString(), "--timeout", "120",
            "--schema", Repo.Path("docs", "schema", "det.v1.schema.json"), "--out", received, "--ready-file", ready);
        Eventually.Until(() => File.Exists(ready), TimeSpan.FromSeconds(60), "the subscriber connecting (its ready file)");

        using var detector = OnnxDetector.Load(config.Model);
        using var publisher = new DetectionPublisher(config.Publish.Endpoint, config.Publish.SendHighWatermark, 1000);
        using var pipeline = new DetectionPipeline(config, detector, publisher, FrameSources.Create(config.Camera), NullLogger.Instance,
            new PipelineOptions(warmup, warmup + measured, outputs));
        var exit = -1;
        Exception? failure = null; // rethrown on the test thread: an exception here would otherwise end the test host
        var thread = new Thread(() =>
        {
            try { exit = pipeline.Run(CancellationToken.None); }
            catch (Exception e) { failure = e; }
        }) { Name = "sc-infer" };
        thread.Start();

        Assert.True(pipeline.Publishing.WarmedUp.Wait(TimeSpan.FromSeconds(60)) || !thread.IsAlive, "no warm-up within 60 s");
        // This test process ran other tests first; start the window with an empty gen0 budget, so a GC
        // inside it would take megabytes of new allocation, which only a leak in the loop would make.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = pipeline.AllocatedBytes;
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        Assert.True(thread.Join(TimeSpan.FromSeconds(120)), "the pipeline did not finish");
        var after = pipeline.AllocatedBytes;
        var end = pipeline.EndSnapshot;

        Assert.Null(failure);
        Assert.Equal(0, exit);
        Assert.Equal(warmup + measured, pipeline.Stats.Processed);
        Assert.Equal((0L, 0L, 0L), (after.Capture - before.Capture, after.Infer - before.Infer, after.Publish - before.Publish));
        Assert.Equal((0, 0, 0), (end.Gen0 - gen0, end.Gen1 - gen1, end.Gen2 - gen2));
        // The scene was really exercised in the window: outputs were switched by the rules.
        Assert.True(pipeline.Stats.CaptureToOutput.Count > 0, "no rule fired");
        // And the messages really went out, whole and valid, to the subscriber.
        Assert.True(subscriber.WaitForExit(TimeSpan.FromSeconds(30)) == 0, subscriber.Stdout);
    }
}
