using System.Globalization;
using System.Text;
using System.Xml;

namespace SmartCam.Commands.Bench;

/// <summary>
/// <c>smartcam bench --plot FILE.svg</c>: the capture→publish latency distribution as a CDF, one curve per camera, the
/// fraction of frames (0..1) against the latency on a log axis with 1-2-5 ticks, and the bare model's p50 and p99 as
/// vertical lines. Plain SVG written here (no library, no reflection); the same figures make the same file.
/// Elements carry classes and data-* attributes (tick values) so a test can read the figure back.
/// </summary>
public static class BenchPlot
{
    public const int Width = 800, Height = 500;
    private const double PlotLeft = 70, PlotRight = 780, PlotTop = 50, PlotBottom = 430;

    /// <summary>Curves take these in turn (Tableau 10: told apart also by most colour-blind readers).</summary>
    public static readonly string[] Colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private const string MarkColour = "#444444", GridColour = "#dddddd";
    private static readonly double[] FractionTicks = [0, 0.25, 0.5, 0.75, 1];
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The one-line reason <paramref name="path"/> cannot be written (null when it can): checked before the bench runs, which is long.</summary>
    public static string? Unwritable(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return $"smartcam bench: --plot {path}: is a directory";
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory)) return $"smartcam bench: --plot {path}: directory {directory} does not exist";
        var existed = File.Exists(full);
        try
        {
            // Opened as it will be written, without truncating what is there; a file made only to try is removed.
            using (new FileStream(full, FileMode.OpenOrCreate, FileAccess.Write)) { }
            if (!existed) File.Delete(full);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"smartcam bench: --plot {path}: cannot be written ({e.Message})";
        }
    }

    /// <summary>Writes the plot to <paramref name="path"/>; false with one line on <paramref name="error"/> when it cannot.</summary>
    public static bool TryWrite(string path, string title, IReadOnlyList<LatencyCurve> curves, long bareP50Us, long bareP99Us, TextWriter error)
    {
        try
        {
            File.WriteAllText(path, Svg(title, curves, bareP50Us, bareP99Us), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"smartcam bench: --plot {path}: cannot be written ({e.Message})");
            return false;
        }
    }

    public static string Svg(string title, IReadOnlyList<LatencyCurve> curves, long bareP50Us, long bareP99Us)
    {
        var ticks = TicksUs(curves.SelectMany(c => c.Points).Select(p => p.Us).Append(bareP50Us).Append(bareP99Us).Where(us => us > 0));
        var axis = new LogAxis(ticks[0], ticks[^1]);
        var text = new StringBuilder();
        using (var w = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = true }))
        {
            w.WriteStartElement("svg", "http://www.w3.org/2000/svg");
            Attr(w, "width", Width);
            Attr(w, "height", Height);
            w.WriteAttributeString("viewBox", $"0 0 {Width} {Height}");
            w.WriteAttributeString("font-family", "sans-serif");
            w.WriteAttributeString("font-size", "12");
            Rect(w, 0, 0, Width, Height, "#ffffff");
            Text(w, "title", Width / 2.0, 24, title, "middle", 15);

            foreach (var us in ticks)
            {
                var x = axis.X(us);
                Line(w, "x-tick", x, PlotTop, x, PlotBottom, GridColour, ("data-ms", Ms(us)));
                Text(w, "x-tick-label", x, PlotBottom + 18, Ms(us), "middle");
            }
            foreach (var f in FractionTicks)
            {
                var y = Y(f);
                Line(w, "y-tick", PlotLeft, y, PlotRight, y, GridColour, ("data-fraction", f.ToString("0.##", C)));
                Text(w, "y-tick-label", PlotLeft - 8, y + 4, f.ToString("0.##", C), "end");
            }
            Rect(w, PlotLeft, PlotTop, PlotRight - PlotLeft, PlotBottom - PlotTop, "none", "#000000");
            Text(w, "x-label", (PlotLeft + PlotRight) / 2, PlotBottom + 42, "capture→publish latency, ms (log scale)", "middle");
            w.WriteStartElement("text");
            w.WriteAttributeString("class", "y-label");
            w.WriteAttributeString("transform", $"translate(20 {Num((PlotTop + PlotBottom) / 2)}) rotate(-90)");
            w.WriteAttributeString("text-anchor", "middle");
            w.WriteString("fraction of frames at most this latency");
            w.WriteEndElement();

            // The limit: the model alone on a fixed input; labels staggered, as p50 and p99 are often close.
            Mark(w, "bare-p50", axis.X(bareP50Us), PlotTop + 16, $"bare model p50 {Ms(bareP50Us, "0.0")} ms");
            Mark(w, "bare-p99", axis.X(bareP99Us), PlotTop + 32, $"bare model p99 {Ms(bareP99Us, "0.0")} ms");

            for (var i = 0; i < curves.Count; i++)
            {
                var colour = Colours[i % Colours.Length];
                var points = new StringBuilder();
                foreach (var (us, fraction) in curves[i].Points)
                    points.Append(C, $"{Num(axis.X(us))},{Num(Y(fraction))} ");
                w.WriteStartElement("polyline");
                w.WriteAttributeString("class", "curve");
                w.WriteAttributeString("data-label", curves[i].Label);
                w.WriteAttributeString("points", points.ToString().TrimEnd());
                w.WriteAttributeString("fill", "none");
                w.WriteAttributeString("stroke", colour);
                w.WriteAttributeString("stroke-width", "2");
                w.WriteEndElement();
                // The legend, top left, where a CDF leaves the plot empty.
                var y = PlotTop + 56 + 18 * i;
                Line(w, "legend-swatch", PlotLeft + 10, y - 4, PlotLeft + 34, y - 4, colour, width: 3);
                Text(w, "legend", PlotLeft + 40, y, curves[i].Label, "start");
            }
            w.WriteEndElement();
        }
        return text.Append('\n').ToString();
    }

    /// <summary>
    /// The x ticks, in µs: the 1-2-5 sequence (1, 2, 5, 10, 20, 50 … µs) from the largest at or below the smallest value to
    /// the smallest at or above the largest; at least two.
    /// </summary>
    public static long[] TicksUs(IEnumerable<long> valuesUs)
    {
        var values = valuesUs.DefaultIfEmpty(1000).ToArray();
        var (low, high) = (Math.Max(1, values.Min()), Math.Max(1, values.Max()));
        var sequence = new List<long>();
        for (long decade = 1; decade <= 1_000_000_000_000; decade *= 10) sequence.AddRange([decade, 2 * decade, 5 * decade]);
        var first = sequence.FindLastIndex(t => t <= low);
        var last = sequence.FindIndex(t => t >= high);
        if (last < 0) last = sequence.Count - 1;
        last = Math.Max(last, first + 1);
        return sequence.GetRange(first, last - first + 1).ToArray();
    }

    /// <summary>Latency to x: log10, the first tick at the plot's left edge and the last at its right.</summary>
    private readonly record struct LogAxis(long FirstUs, long LastUs)
    {
        public double X(long us) => PlotLeft + (Math.Log10(Math.Clamp(us, FirstUs, LastUs)) - Math.Log10(FirstUs)) / (Math.Log10(LastUs) - Math.Log10(FirstUs)) * (PlotRight - PlotLeft);
    }

    private static double Y(double fraction) => PlotBottom - fraction * (PlotBottom - PlotTop);

    private static void Mark(XmlWriter w, string name, double x, double labelY, string label)
    {
        Line(w, name, x, PlotTop, x, PlotBottom, MarkColour, dashed: true);
        Text(w, name + "-label", x + 4, labelY, label, "start", colour: MarkColour, halo: true);
    }

    private static void Line(XmlWriter w, string name, double x1, double y1, double x2, double y2, string colour,
        (string Name, string Value) data = default, double width = 1, bool dashed = false)
    {
        w.WriteStartElement("line");
        w.WriteAttributeString("class", name);
        if (data.Name is not null) w.WriteAttributeString(data.Name, data.Value);
        w.WriteAttributeString("x1", Num(x1));
        w.WriteAttributeString("y1", Num(y1));
        w.WriteAttributeString("x2", Num(x2));
        w.WriteAttributeString("y2", Num(y2));
        w.WriteAttributeString("stroke", colour);
        w.WriteAttributeString("stroke-width", Num(width));
        if (dashed) w.WriteAttributeString("stroke-dasharray", "6 4");
        w.WriteEndElement();
    }

    /// <param name="halo">A white outline under the letters: readable across the curves and grid lines it crosses.</param>
    private static void Text(XmlWriter w, string name, double x, double y, string text, string anchor, int size = 12, string colour = "#000000", bool halo = false)
    {
        w.WriteStartElement("text");
        w.WriteAttributeString("class", name);
        w.WriteAttributeString("x", Num(x));
        w.WriteAttributeString("y", Num(y));
        w.WriteAttributeString("text-anchor", anchor);
        if (size != 12) Attr(w, "font-size", size);
        w.WriteAttributeString("fill", colour);
        if (halo)
        {
            w.WriteAttributeString("stroke", "#ffffff");
            w.WriteAttributeString("stroke-width", "3");
            w.WriteAttributeString("paint-order", "stroke");
        }
        w.WriteString(text);
        w.WriteEndElement();
    }

    private static void Rect(XmlWriter w, double x, double y, double width, double height, string fill, string? stroke = null)
    {
        w.WriteStartElement("rect");
        w.WriteAttributeString("x", Num(x));
        w.WriteAttributeString("y", Num(y));
        w.WriteAttributeString("width", Num(width));
        w.WriteAttributeString("height", Num(height));
        w.WriteAttributeString("fill", fill);
        if (stroke is not null) w.WriteAttributeString("stroke", stroke);
        w.WriteEndElement();
    }

    private static void Attr(XmlWriter w, string name, int value) => w.WriteAttributeString(name, value.ToString(C));

    private static string Num(double v) => v.ToString("0.##", C);

    /// <summary>µs as ms for labels: 1500 → "1.5", 20 → "0.02".</summary>
    private static string Ms(long us, string format = "0.###") => (us / 1000.0).ToString(format, C);
}
