using System.Xml.Linq;
using SmartCam.Commands.Bench;

namespace SmartCam.Tests.Integration;

/// <summary>
/// The real <c>smartcam bench</c>, briefly, with <c>--plot</c>: the SVG is written, renders and has one curve per camera;
/// progress shows on a terminal (a pseudo-terminal made by util-linux <c>script</c>) and nowhere else. No timing asserted.
/// </summary>
public sealed class BenchPlotTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Short = ["--frames", "60", "--warmup", "10", "--bare", "10"];

    private string OneCamera() => ServiceConfig.Write(_dir, "file://" + Repo.Video, ChildProcess.FreePort(), waitForSubscribers: 0);

    private static XDocument RendersWithCurves(string svgPath, params string[] labels)
    {
        Assert.True(File.Exists(svgPath), $"{svgPath} was not written");
        var svg = XDocument.Load(svgPath);
        Assert.Equal(labels, SvgPlot.OfClass(svg, "curve").Select(c => (string)c.Attribute("data-label")!));
        foreach (var curve in SvgPlot.OfClass(svg, "curve"))
            Assert.True(SvgPlot.Points(curve).Length >= 2, $"{curve.Attribute("data-label")}: no distribution drawn");
        Assert.Single(SvgPlot.OfClass(svg, "bare-p50"));
        Assert.Single(SvgPlot.OfClass(svg, "bare-p99"));
        var png = SvgPlot.Render(svgPath, 800);
        for (var i = 0; i < labels.Length; i++)
            Assert.True(SvgPlot.PixelsOf(png, BenchPlot.Colours[i]) > 0, $"no pixel of {labels[i]}'s colour {BenchPlot.Colours[i]}");
        return svg;
    }

    [Fact]
    public void Bench_of_one_camera_draws_its_distribution_and_with_stderr_redirected_prints_no_progress()
    {
        var plot = _dir.File("one camera.svg");
        var stderr = _dir.File("stderr.txt");
        // stderr to a file, read back whole: a carriage return would survive there (a line reader takes it for a line end).
        using var bench = ChildProcess.Start("sh", ["-c", "f=$1; shift; exec \"$@\" 2>\"$f\"", "sh", stderr, ChildProcess.SmartCamBinary,
            "bench", "--config", OneCamera(), .. Short, "--json", "--plot", plot]);
        Assert.True(bench.WaitForExit(TimeSpan.FromSeconds(180)) == 0, File.ReadAllText(stderr));

        var svg = RendersWithCurves(plot, "cam0 768x576");
        Assert.Contains("smartcam.yaml, 60 frames", Assert.Single(SvgPlot.OfClass(svg, "title")).Value);
        var errors = File.ReadAllText(stderr);
        Assert.DoesNotContain('\r', errors);
        Assert.DoesNotContain("fps", errors);
        Assert.DoesNotContain('\r', bench.Stdout);
        Assert.Single(bench.Stdout.Trim().Split('\n')); // --json: the JSON line alone
    }

    [Fact]
    public void Bench_on_a_terminal_shows_each_phase_with_its_fps()
    {
        // script gives the bench a pseudo-terminal for stdout and stderr (its own stdin from /dev/null: the test's is no terminal).
        string[] words = [ChildProcess.SmartCamBinary, "bench", "--config", OneCamera(), .. Short, "--json"];
        var command = string.Join(' ', words.Select(Quoted));
        using var bench = ChildProcess.Start("sh", "-c", "exec script -qfec \"$0\" /dev/null </dev/null", command);
        Assert.True(bench.WaitForExit(TimeSpan.FromSeconds(180)) == 0, bench.Stdout + bench.Stderr);

        // Each redraw starts with a carriage return, which the line reader splits on: one line per drawing.
        var lines = bench.Stdout.Split('\n', '\r');
        foreach (var phase in new[] { "warm-up: ", "pipeline: ", "bare model: " })
            Assert.True(lines.Any(l => l.StartsWith(phase, StringComparison.Ordinal) && l.Contains(" fps")), $"no progress line of {phase.TrimEnd()} in:\n{bench.Stdout}");
        Assert.Contains(lines, l => l.StartsWith("pipeline: 60/60 frames, ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("{\"model\":", StringComparison.Ordinal));

        static string Quoted(string s) => "'" + s.Replace("'", "'\\''") + "'";
    }

    [Fact]
    public void Bench_of_two_cameras_draws_one_curve_per_camera()
    {
        var config = _dir.Write("two.yaml", $"""
            cameras:
              - id: left
                source: file://{Repo.Video}
                pace: realtime
              - id: right
                source: file://{Repo.Video}
                pace: realtime
            model:
              path: {Repo.Model}
              family: yolox
              labels: {Repo.Labels}
            publish:
              endpoint: tcp://127.0.0.1:{ChildProcess.FreePort()}
            """);
        var plot = _dir.File("two.svg");
        using var bench = ChildProcess.SmartCam("bench", "--config", config, "--seconds", "2", "--warmup-seconds", "1", "--probe-seconds", "1",
            "--max-cameras", "2", "--bare", "10", "--json", "--plot", plot);
        Assert.True(bench.WaitForExit(TimeSpan.FromSeconds(180)) == 0, bench.Stderr);

        // Copying each camera's latencies for the plot, on the publish thread between messages, allocates nothing there.
        using var report = System.Text.Json.JsonDocument.Parse(bench.Stdout.Trim().Split('\n')[^1]);
        var allocated = report.RootElement.GetProperty("configured").GetProperty("bytes_allocated");
        Assert.True(allocated.EnumerateObject().All(t => t.Value.GetInt64() == 0), allocated.ToString());
        var svg = RendersWithCurves(plot, "left 768x576", "right 768x576");
        Assert.Contains("two.yaml, 2 cameras", Assert.Single(SvgPlot.OfClass(svg, "title")).Value);
    }

    [Fact]
    public void A_plot_that_cannot_be_written_is_one_line_naming_the_option_and_path_before_the_bench_runs()
    {
        var missing = Path.Combine(_dir.Path, "no such dir", "plot.svg");
        using var bench = ChildProcess.SmartCam(["bench", "--config", OneCamera(), .. Short, "--plot", missing]);
        Assert.Equal(2, bench.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Equal($"smartcam bench: --plot {missing}: directory {Path.GetDirectoryName(missing)} does not exist", bench.Stderr.Trim());
        Assert.Equal("", bench.Stdout);
    }
}
