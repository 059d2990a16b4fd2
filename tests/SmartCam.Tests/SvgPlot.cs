using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using OpenCvSharp;

namespace SmartCam.Tests;

/// <summary>
/// Reads a <c>smartcam bench --plot</c> SVG back: its elements by class, the curves' points as numbers, and what Debian's
/// <c>rsvg-convert</c> (package librsvg2-bin, scripts/setup.sh) makes of it.
/// </summary>
public static class SvgPlot
{
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static IEnumerable<XElement> OfClass(XDocument svg, string name) => svg.Descendants().Where(e => (string?)e.Attribute("class") == name);

    public static double Number(XElement e, string attribute) => double.Parse((string)e.Attribute(attribute)!, CultureInfo.InvariantCulture);

    /// <summary>A polyline's points, in order.</summary>
    public static (double X, double Y)[] Points(XElement polyline) =>
        ((string)polyline.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split(','))
            .Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))
            .ToArray();

    /// <summary>Renders <paramref name="svgPath"/> to a PNG <paramref name="width"/> pixels wide; asserts rsvg-convert succeeds and the PNG has that width.</summary>
    public static string Render(string svgPath, int width)
    {
        var png = Path.ChangeExtension(svgPath, ".png");
        var info = new ProcessStartInfo("rsvg-convert") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-w", width.ToString(CultureInfo.InvariantCulture), svgPath, "-o", png }) info.ArgumentList.Add(a);
        using var rsvg = Process.Start(info)!;
        var stderr = rsvg.StandardError.ReadToEnd();
        Assert.True(rsvg.WaitForExit(60_000), "rsvg-convert did not finish within 60 s");
        Assert.True(rsvg.ExitCode == 0, $"rsvg-convert exited with {rsvg.ExitCode}: {stderr}");
        // The PNG signature (8 bytes), the IHDR chunk's length and type (8), then its width, big-endian.
        var header = File.ReadAllBytes(png).AsSpan(0, 24);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(header[12..16]));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(header[16..20]));
        return png;
    }

    /// <summary>Pixels within a few levels of <paramref name="hexColour"/> (#rrggbb): a drawn curve, anti-aliasing aside.</summary>
    public static int PixelsOf(string png, string hexColour)
    {
        var (r, g, b) = (Convert.ToInt32(hexColour[1..3], 16), Convert.ToInt32(hexColour[3..5], 16), Convert.ToInt32(hexColour[5..7], 16));
        using var image = Cv2.ImRead(png, ImreadModes.Color);
        Assert.False(image.Empty(), $"OpenCV could not read {png}");
        using var mask = new Mat();
        Cv2.InRange(image, new Scalar(b - 8, g - 8, r - 8), new Scalar(b + 8, g + 8, r + 8), mask);
        return Cv2.CountNonZero(mask);
    }
}
