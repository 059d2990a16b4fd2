using System.Text.Json;
using SmartCam.Tests.Unit;

namespace SmartCam.Tests.Integration;

/// <summary>
/// Model files that cannot be used, through the real binary's <c>validate</c> and <c>run</c>: exit 2 and one line
/// naming the model file and what was expected. And a model whose output holds NaN and infinity, run end to end:
/// no det. message carries a non-finite value, and status.detections_nonfinite counts what was dropped.
/// </summary>
public sealed class BadModelTests(TestModelsFixture models) : IClassFixture<TestModelsFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The tiny models have three classes.</summary>
    private string Labels => _dir.Write("three.names", "a\nb\nc\n");

    private string Config(string model, int port, string modelExtra = "", string camera = "loop: false\n  pace: max", int waitForSubscribers = 0,
        int sendHighWatermark = 64) =>
        _dir.Write("smartcam.yaml", $"""
            camera:
              id: cam0
              source: file://{Repo.Video}
              {camera}
            model:
              path: {model}
              labels: {Labels}
              {modelExtra}
            publish:
              endpoint: tcp://127.0.0.1:{port}
              wait_for_subscribers: {waitForSubscribers}
              send_hwm: {sendHighWatermark}
              wait_timeout_ms: 20000
              status_interval_ms: 200
            """);

    private static (int Exit, string Stdout, string Stderr) Smartcam(params string[] args)
    {
        using var process = ChildProcess.SmartCam(args);
        var exit = process.WaitForExit(Timeout);
        return (exit, process.Stdout, process.Stderr);
    }

    public static TheoryData<string, string, string> UnusableModels => new()
    {
        // command, model file, what the line says was expected
        { "validate", "truncated.onnx", "ONNX Runtime cannot load this file as a model: Protobuf parsing failed; expected an ONNX model file" },
        { "run", "truncated.onnx", "ONNX Runtime cannot load this file as a model: Protobuf parsing failed; expected an ONNX model file" },
        { "validate", "text.onnx", "ONNX Runtime cannot load this file as a model: Protobuf parsing failed; expected an ONNX model file" },
        { "run", "text.onnx", "ONNX Runtime cannot load this file as a model: Protobuf parsing failed; expected an ONNX model file" },
        { "validate", "empty.onnx", "the file is empty (0 bytes); expected an ONNX model file" },
        { "run", "empty.onnx", "the file is empty (0 bytes); expected an ONNX model file" },
        { "validate", "wrong_rank.onnx", "input 'images' is Float [1, 3, 64]; expected float [1, 3, height, width]" },
        { "run", "wrong_rank.onnx", "input 'images' is Float [1, 3, 64]; expected float [1, 3, height, width]" },
        // Dynamic height and width with no input_size: it runs at the default 640x640, which this model's fixed output does not fit.
        { "validate", "dynamic_input.onnx", "(the model's input size is dynamic, so it ran at model.input_size, 640x640; the default is 640x640: set input_size to the size the model was exported for)" },
        { "run", "dynamic_input.onnx", "(the model's input size is dynamic, so it ran at model.input_size, 640x640; the default is 640x640: set input_size to the size the model was exported for)" },
    };

    [Theory]
    [MemberData(nameof(UnusableModels))]
    public void Unusable_model_exits_2_with_one_line_naming_the_file(string command, string model, string expected)
    {
        var path = models.File(model);
        var config = Config(path, ChildProcess.FreePort());

        var (exit, stdout, stderr) = Smartcam(command, "--config", config);

        Assert.True(exit == 2, $"exit {exit}\n{stdout}{stderr}");
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"smartcam: {config}: model: {path}: ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("Exception", line);
    }

    [Fact]
    public void Dynamic_input_runs_at_the_configured_input_size()
    {
        var config = Config(models.File("dynamic_input.onnx"), ChildProcess.FreePort(), modelExtra: "input_size: [64, 64]");

        var (exit, stdout, stderr) = Smartcam("validate", "--config", config);

        Assert.True(exit == 0, stderr);
        Assert.Contains("family yolov8, input 64x64", stdout);
        Assert.Contains("output [1, 7, 84], 3 classes", stdout);
    }

    [Fact]
    public void Nan_and_infinite_outputs_are_never_published_and_are_counted_in_status()
    {
        // nonfinite_yolov8.onnx gives the same output for every frame: one good detection (class b, 0.6) and four
        // candidates with a NaN or infinite score or box (make_test_models.py), so 4 are dropped per frame.
        const int DroppedPerFrame = 4, Frames = 795;
        var port = ChildProcess.FreePort();
        // det. and status.: both see the whole run. The 64x64 model publishes 795 frames in a few seconds, faster than python
        // validates them on a loaded machine: hold them all rather than drop past the default high-water mark.
        var config = Config(models.File("nonfinite_yolov8.onnx"), port, waitForSubscribers: 2, sendHighWatermark: 4000);
        var detFile = _dir.File("det.jsonl");
        var statusFile = _dir.File("status.jsonl");
        using var det = Collect(port, "det.cam0", "det.v1.schema.json", detFile, Frames);
        using var status = Collect(port, "status.cam0", "status.v1.schema.json", statusFile, 100_000, untilEnded: true);
        using var service = ChildProcess.SmartCam("run", "--config", config);

        Assert.True(service.WaitForExit(TimeSpan.FromSeconds(120)) == 0, service.Stderr);
        Assert.True(det.WaitForExit(Timeout) == 0, det.Stdout + det.Stderr);
        // Ends at the run's final status; if it never comes, say what did.
        Assert.True(status.WaitFor(p => p.HasExited, Timeout), $"the status. collector saw no final status within {Timeout.TotalSeconds} s; "
            + $"it received {File.ReadLines(statusFile).Count()} statuses, the last: {File.ReadLines(statusFile).LastOrDefault()}\nservice stderr:\n{service.Stderr}");
        Assert.True(status.WaitForExit(Timeout) == 0, status.Stdout + status.Stderr);

        // The raw text: JSON has no NaN or Infinity, so a writer that let one through would fail or write a token.
        var detText = File.ReadAllText(detFile);
        foreach (var token in (string[])["NaN", "Infinity"]) Assert.DoesNotContain(token, detText);
        var frames = Messages.ReadJsonLines(detFile, wrapped: true).Select(Messages.ToFrame).ToList();
        Assert.Equal(Frames, frames.Count);
        Assert.All(frames, f =>
        {
            var d = Assert.Single(f.Detections);
            Assert.Equal("b", d.Label);
            Assert.Equal(0.6, d.Score, 5);
            Assert.All(d.Box, v => Assert.True(double.IsFinite(v)));
        });

        var statuses = Messages.ReadJsonLines(statusFile, wrapped: true);
        var final = statuses.Last();
        Assert.Equal("ended", final.GetProperty("state").GetString());
        var processed = final.GetProperty("processed").GetInt64();
        Assert.Equal(Frames, processed);
        Assert.Equal(DroppedPerFrame * processed, final.GetProperty("detections_nonfinite").GetInt64());
        // Every status on the way counted 4 per frame published so far.
        Assert.All(statuses, s => Assert.Equal(DroppedPerFrame * s.GetProperty("processed").GetInt64(), s.GetProperty("detections_nonfinite").GetInt64()));
        Assert.Contains($"{DroppedPerFrame * Frames} detections were dropped because the model gave a NaN or infinite score or box", service.Stderr);
    }

    private ChildProcess Collect(int port, string topic, string schema, string output, int count, bool untilEnded = false)
    {
        var ready = output + ".ready";
        var collector = ChildProcess.Python([Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{port}",
            "--topic", topic, "--count", count.ToString(), "--timeout", "120", "--schema", Repo.Path("docs", "schema", schema),
            "--out", output, "--ready-file", ready, .. untilEnded ? new[] { "--until-ended" } : []]);
        Assert.True(collector.WaitFor(_ => File.Exists(ready), Timeout), "the collector did not connect: " + collector.Stderr);
        return collector;
    }
}
