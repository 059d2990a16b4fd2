using System.Text;
using SmartCam.Capture;

namespace SmartCam.Commands;

/// <summary>
/// The mode <c>smartcam cameras</c> suggests for a V4L2 camera and the <c>camera:</c> YAML that asks for it: a pure
/// function of what the device offers, so it is tested without a device.
/// </summary>
public static class CameraSnippet
{
    /// <summary>Below this rate motion is choppy for tracking and rules, so a faster mode wins over a bigger one.</summary>
    public const double SmoothFps = 15;

    /// <summary>
    /// The largest size worth asking for: the detector sees 416-640 px, so a bigger frame only costs decoding and
    /// conversion (and USB bandwidth) on the capture side.
    /// </summary>
    public const int MaxWidth = 1920, MaxHeight = 1080;

    /// <summary>Sizes picked inside a range are multiples of this (drivers with stepwise sizes step by 8 or 16 at most in practice).</summary>
    private const int SizeStep = 8;

    /// <summary>
    /// Among the formats SmartCam reads, the mode at <see cref="SmoothFps"/> or faster, then the largest size up to
    /// <see cref="MaxWidth"/>x<see cref="MaxHeight"/> (the smallest above it where nothing fits), then the fastest, then
    /// NV12, YUYV, MJPG (<see cref="V4l2Negotiation.Supported"/>'s order). Null where SmartCam reads none of the formats
    /// or they list no size. Fps 0: the device lists no rate for that size (it keeps its own).
    /// </summary>
    public static V4l2Mode? BestMode(IReadOnlyList<V4l2Format> offered)
    {
        V4l2Mode? best = null;
        foreach (var format in offered)
        {
            var preference = IndexOfSupported(format.FourCc);
            if (preference < 0) continue;
            foreach (var size in format.Sizes)
            {
                var (width, height) = SizeIn(size);
                var mode = new V4l2Mode(format.FourCc, width, height, size.Rates.Count > 0 ? size.Rates.Max() : 0);
                if (best is null || Better(mode, best)) best = mode;
            }
        }
        return best;
    }

    /// <summary>Whether <paramref name="a"/> is the better of two modes, by <see cref="BestMode"/>'s order.</summary>
    private static bool Better(V4l2Mode a, V4l2Mode b)
    {
        if (Smooth(a) != Smooth(b)) return Smooth(a);
        if (Fits(a) != Fits(b)) return Fits(a);
        long areaA = (long)a.Width * a.Height, areaB = (long)b.Width * b.Height;
        if (areaA != areaB) return Fits(a) ? areaA > areaB : areaA < areaB;
        if (a.Fps != b.Fps) return a.Fps > b.Fps;
        return IndexOfSupported(a.FourCc) < IndexOfSupported(b.FourCc);
    }

    private static bool Smooth(V4l2Mode mode) => mode.Fps >= SmoothFps;

    private static bool Fits(V4l2Mode mode) => mode.Width <= MaxWidth && mode.Height <= MaxHeight;

    /// <summary>
    /// The size to ask for from <paramref name="size"/>: itself when it is one size; from a range, its largest scaled
    /// down (same aspect) to fit <see cref="MaxWidth"/>x<see cref="MaxHeight"/>, on the <see cref="SizeStep"/> grid,
    /// never below the range's smallest.
    /// </summary>
    private static (int Width, int Height) SizeIn(V4l2Size size)
    {
        if (!size.IsRange || (size.MaxWidth <= MaxWidth && size.MaxHeight <= MaxHeight)) return (size.MaxWidth, size.MaxHeight);
        var scale = Math.Min((double)MaxWidth / size.MaxWidth, (double)MaxHeight / size.MaxHeight);
        var width = (int)Math.Round(size.MaxWidth * scale) / SizeStep * SizeStep;
        var height = (int)Math.Round(size.MaxHeight * scale) / SizeStep * SizeStep;
        return (Math.Max(width, size.MinWidth), Math.Max(height, size.MinHeight));
    }

    private static int IndexOfSupported(string fourcc)
    {
        for (var i = 0; i < V4l2Negotiation.Supported.Count; i++)
            if (V4l2Negotiation.Supported[i] == fourcc) return i;
        return -1;
    }

    /// <summary>
    /// The device to name in a config: its <c>/dev/v4l/by-id/</c> name where it has one (the same camera after an
    /// unplug or a reboot, whichever /dev/videoN it comes back as), else its node.
    /// </summary>
    public static string SourcePath(string node, IReadOnlyList<string> byId) => byId.Count > 0 ? byId[0] : node;

    /// <summary>The <c>camera:</c> block that asks <paramref name="device"/> for <paramref name="mode"/> (fps 0: no <c>fps</c> key, the device's own).</summary>
    public static string Yaml(string device, V4l2Mode mode)
    {
        var yaml = new StringBuilder();
        yaml.Append("camera:\n");
        yaml.Append("  source: ").Append(Scalar("v4l2://" + device)).Append('\n');
        yaml.Append("  pixel_format: ").Append(mode.FourCc).Append('\n');
        yaml.Append("  width: ").Append(mode.Width).Append('\n');
        yaml.Append("  height: ").Append(mode.Height).Append('\n');
        if (mode.Fps > 0) yaml.Append("  fps: ").Append(V4l2Negotiation.Rate(mode.Fps)).Append('\n');
        return yaml.ToString();
    }

    /// <summary>
    /// <paramref name="text"/> as a YAML scalar: plain where udev's names keep to safe characters (they do), double-quoted
    /// otherwise, so an odd name still reads back as itself.
    /// </summary>
    private static string Scalar(string text)
    {
        if (text.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or ':' or '.' or '_' or '-' or '+')) return text;
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is '"' or '\\') quoted.Append('\\').Append(c);
            else if (char.IsControl(c)) quoted.Append($"\\u{(int)c:x4}");
            else quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }
}
