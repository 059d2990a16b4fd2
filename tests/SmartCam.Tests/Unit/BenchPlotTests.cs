using System.Globalization;
using System.Xml.Linq;
using SmartCam.Commands.Bench;
using SmartCam.Core;

namespace SmartCam.Tests.Unit;

/// <summary>
/// <c>smartcam bench --plot</c>'s SVG on made-up distributions, read back as XML and as pixels: the axis is log10 of the
/// latency (the expected positions computed here from the drawn ticks), the curves rise, the bare model's marks sit at
/// their latencies, labels survive escaping, and rsvg-convert renders it.
/// </summary>
public sealed class BenchPlotTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private const string Awkward = "cam <1> & \"2\" 'x'";

    private static readonly LatencyCurve Steady = new("cam0 1920x1080", [(3_000, 0), (4_000, 0.2), (6_500, 0.5), (9_000, 0.9), (38_000, 1)]);
    private static readonly LatencyCurve Awkwardly = new(Awkward, [(5_000, 0), (7_000, 0.4), (12_000, 0.99), (20_000, 1)]);

    [Theory]
    [InlineData(new long[] { 3_000, 38_000 }, new long[] { 2_000, 5_000, 10_000, 20_000, 50_000 })]
    [InlineData(new long[] { 8_300, 9_100 }, new long[] { 5_000, 10_000 })]
    [InlineData(new long[] { 1_000 }, new long[] { 1_000, 2_000 })]
    [InlineData(new long[] { 700, 120_000 }, new long[] { 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000 })]
    public void Ticks_are_the_1_2_5_sequence_from_below_the_least_to_above_the_most(long[] values, long[] ticks) =>
        Assert.Equal(ticks, BenchPlot.TicksUs(values));

    [Fact]
    public void Curves_follow_log10_of_the_latency_and_their_fraction_and_the_bare_model_is_marked_at_its_p50_and_p99()
    {
        var svg = XDocument.Parse(BenchPlot.Svg("capture→publish latency: a&b.yaml, 1000 frames", [Steady, Awkwardly], 8_300, 9_100));

        // The axes as drawn: the first and last x ticks span the log scale, the 0 and 1 lines the fraction.
        var xTicks = SvgPlot.OfClass(svg, "x-tick").Select(t => (Ms: double.Parse((string)t.Attribute("data-ms")!, CultureInfo.InvariantCulture), X: SvgPlot.Number(t, "x1"))).ToArray();
        Assert.Equal([2.0, 5, 10, 20, 50], xTicks.Select(t => t.Ms));
        Assert.Equal(["2", "5", "10", "20", "50"], SvgPlot.OfClass(svg, "x-tick-label").Select(t => t.Value));
        var (first, last) = (xTicks[0], xTicks[^1]);
        double X(double us) => first.X + (Math.Log10(us / 1000) - Math.Log10(first.Ms)) / (Math.Log10(last.Ms) - Math.Log10(first.Ms)) * (last.X - first.X);
        var yTicks = SvgPlot.OfClass(svg, "y-tick").ToDictionary(t => (string)t.Attribute("data-fraction")!, t => SvgPlot.Number(t, "y1"));
        double Y(double fraction) => yTicks["0"] + fraction * (yTicks["1"] - yTicks["0"]);

        var curves = SvgPlot.OfClass(svg, "curve").ToArray();
        Assert.Equal(["cam0 1920x1080", Awkward], curves.Select(c => (string)c.Attribute("data-label")!));
        Assert.Equal(["cam0 1920x1080", Awkward], SvgPlot.OfClass(svg, "legend").Select(t => t.Value));
        foreach (var (curve, data) in curves.Zip([Steady, Awkwardly]))
        {
            var points = SvgPlot.Points(curve);
            Assert.Equal(data.Points.Length, points.Length);
            for (var i = 0; i < points.Length; i++)
            {
                Assert.Equal(X(data.Points[i].Us), points[i].X, 0.02);
                Assert.Equal(Y(data.Points[i].Fraction), points[i].Y, 0.02);
                // Up the screen is a smaller y: the fraction never falls.
                if (i > 0) Assert.True(points[i].Y <= points[i - 1].Y, $"point {i} of {data.Label} falls");
            }
        }
        Assert.NotEqual((string?)curves[0].Attribute("stroke"), (string?)curves[1].Attribute("stroke"));

        var p50 = Assert.Single(SvgPlot.OfClass(svg, "bare-p50"));
        var p99 = Assert.Single(SvgPlot.OfClass(svg, "bare-p99"));
        Assert.Equal(X(8_300), SvgPlot.Number(p50, "x1"), 0.02);
        Assert.Equal(X(9_100), SvgPlot.Number(p99, "x1"), 0.02);
        Assert.Equal("bare model p50 8.3 ms", Assert.Single(SvgPlot.OfClass(svg, "bare-p50-label")).Value);
        Assert.Equal("bare model p99 9.1 ms", Assert.Single(SvgPlot.OfClass(svg, "bare-p99-label")).Value);
        Assert.Equal("capture→publish latency: a&b.yaml, 1000 frames", Assert.Single(SvgPlot.OfClass(svg, "title")).Value);
    }

    [Fact]
    public void The_same_figures_make_the_same_file_with_the_labels_escaped()
    {
        var svg = BenchPlot.Svg("a < b", [Awkwardly], 8_300, 9_100);
        Assert.Equal(svg, BenchPlot.Svg("a < b", [Awkwardly], 8_300, 9_100));
        Assert.Contains("a &lt; b", svg);
        Assert.DoesNotContain("<1>", svg);
    }

    [Fact]
    public void A_curve_from_a_histogram_is_at_each_point_the_share_of_samples_at_most_that_latency()
    {
        var random = new Random(28);
        var samples = Enumerable.Range(0, 5000).Select(_ => (long)(8_000 * Math.Exp(random.NextDouble() * random.NextDouble() * 2.5))).ToArray();
        var histogram = new LatencyHistogram();
        foreach (var s in samples) histogram.Record(s);

        var curve = LatencyCurve.From("cam0", histogram);

        // It rises from the axis where the samples start.
        Assert.Equal((curve.Points[1].Us, 0.0), curve.Points[0]);
        foreach (var (us, fraction) in curve.Points.Skip(1))
            Assert.Equal((double)samples.Count(s => s <= us) / samples.Length, fraction, 12);
        Assert.Equal(1.0, curve.Points[^1].Fraction);
        Assert.Equal(samples.Max(), curve.Points[^1].Us);
        for (var i = 1; i < curve.Points.Length; i++)
            Assert.True(curve.Points[i].Us > curve.Points[i - 1].Us || i == 1, $"point {i} does not move right");
        // 0.8 % buckets: the sample count is far above the points drawn, and every point is within a bucket of a sample.
        Assert.True(curve.Points.Length < samples.Length / 4, $"{curve.Points.Length} points");
        Assert.All(curve.Points.Skip(1), p => Assert.Contains(samples, s => s <= p.Us && s >= p.Us * 0.99));
    }

    [Fact]
    public void An_empty_histogram_is_an_empty_curve()
    {
        Assert.Empty(LatencyCurve.From("cam0", new LatencyHistogram()).Points);
        Assert.NotNull(XDocument.Parse(BenchPlot.Svg("nothing", [LatencyCurve.From("cam0", new LatencyHistogram())], 8_300, 9_100)));
    }

    [Fact]
    public void It_renders_with_rsvg_convert_at_the_asked_width_with_pixels_of_each_curve_colour()
    {
        var path = _dir.Write("plot.svg", BenchPlot.Svg("capture→publish latency", [Steady, Awkwardly], 8_300, 9_100));

        var png = SvgPlot.Render(path, 800);

        Assert.True(SvgPlot.PixelsOf(png, BenchPlot.Colours[0]) > 100, "the first curve's colour is missing");
        Assert.True(SvgPlot.PixelsOf(png, BenchPlot.Colours[1]) > 100, "the second curve's colour is missing");
        Assert.Equal(0, SvgPlot.PixelsOf(png, BenchPlot.Colours[2])); // no third curve
    }

    [Fact]
    public void A_plot_path_in_a_missing_directory_or_on_a_directory_is_refused_and_a_writable_one_is_left_as_it_was()
    {
        var missing = Path.Combine(_dir.Path, "nowhere", "plot.svg");
        Assert.Equal($"smartcam bench: --plot {missing}: directory {Path.GetDirectoryName(missing)} does not exist", BenchPlot.Unwritable(missing));
        Assert.Equal($"smartcam bench: --plot {_dir.Path}: is a directory", BenchPlot.Unwritable(_dir.Path));

        var fresh = _dir.File("fresh.svg");
        Assert.Null(BenchPlot.Unwritable(fresh));
        Assert.False(File.Exists(fresh));
        var kept = _dir.Write("kept.svg", "before");
        Assert.Null(BenchPlot.Unwritable(kept));
        Assert.Equal("before", File.ReadAllText(kept));
    }
}
