using System.Globalization;
using SmartCam.Configuration;

namespace SmartCam.Capture;

/// <summary>
/// What a V4L2 camera is asked for, from the config and what the device offers (no device here: this is testable on
/// its own), and whether what the driver then set is what was asked. A camera that cannot do what the config says is
/// one line naming the camera's device, the key and what the device offers, never a silent other size or rate.
/// </summary>
public static class V4l2Negotiation
{
    /// <summary>The pixel formats SmartCam reads, in the order <c>pixel_format: auto</c> prefers them when each can do what is asked.</summary>
    public static readonly IReadOnlyList<string> Supported = [FourCc.Nv12, FourCc.Yuyv, FourCc.Mjpg];

    /// <summary><c>pixel_format</c>'s value that lets SmartCam choose.</summary>
    public const string Auto = "auto";

    /// <summary>Two rates within this fraction of each other are the same (29.97 for 30).</summary>
    private const double RateTolerance = 0.02;

    /// <summary>
    /// The mode to ask <paramref name="device"/> for. With <c>pixel_format: auto</c>: of the formats SmartCam reads that
    /// offer the size and rate asked for, the fastest at that size, raw before MJPG (raw needs no decoding and has no
    /// compression artefacts; a USB camera whose raw formats are slow at large sizes offers MJPG faster, which then wins).
    /// </summary>
    /// <exception cref="CameraModeException">Nothing the device offers fits the config.</exception>
    public static V4l2Mode Choose(CameraConfig camera, string device, IReadOnlyList<V4l2Format> offered)
    {
        var readable = offered.Where(f => Supported.Contains(f.FourCc)).ToList();
        if (readable.Count == 0)
            throw new CameraModeException($"{device} offers no pixel format SmartCam reads (it offers {List(offered.Select(f => f.FourCc))}; SmartCam reads {List(Supported)})");
        var auto = camera.PixelFormat == Auto;
        var candidates = auto ? readable.OrderBy(f => IndexOf(f.FourCc)).ToList() : readable.Where(f => f.FourCc == camera.PixelFormat).ToList();
        if (candidates.Count == 0)
            throw new CameraModeException($"{CameraSection.PixelFormat.Path}: {device} does not offer {camera.PixelFormat}; it offers {List(readable.Select(f => f.FourCc))}");

        if (camera.Width > 0)
        {
            var sized = candidates.Where(f => f.Sizes.Count == 0 || f.Sizes.Any(s => Fits(s, camera.Width, camera.Height))).ToList();
            if (sized.Count == 0)
                throw new CameraModeException($"{CameraSection.Width.Path}/height: {device} does not offer {camera.Width}x{camera.Height} in {List(candidates.Select(f => f.FourCc))}; it offers {SizesOf(candidates)}");
            candidates = sized;
        }

        if (camera.Fps > 0)
        {
            var timed = candidates.Where(f => OffersRate(f, camera.Width, camera.Height, camera.Fps)).ToList();
            if (timed.Count == 0)
                throw new CameraModeException($"{CameraSection.Fps.Path}: {device} does not offer {Rate(camera.Fps)} fps for {List(candidates.Select(f => f.FourCc))}{At(camera)}; it offers {List(candidates.SelectMany(f => SizeAt(f, camera.Width, camera.Height)?.Rates ?? []).Distinct().OrderByDescending(r => r).Select(Rate))} fps");
            candidates = timed;
        }
        else if (auto)
        {
            // Fastest first; the order of preference breaks ties (a stable sort keeps it).
            candidates = candidates.OrderByDescending(f => SizeAt(f, camera.Width, camera.Height)?.Rates is { Count: > 0 } r ? r.Max() : 0).ToList();
        }
        return new V4l2Mode(candidates[0].FourCc, camera.Width, camera.Height, camera.Fps);
    }

    /// <summary>What the driver set against what was asked: the error if it is not what the config says, else null.</summary>
    public static string? Mismatch(string device, V4l2Mode asked, V4l2Mode set)
    {
        if (set.FourCc != asked.FourCc)
            return $"{CameraSection.PixelFormat.Path}: {device} was asked for {asked.FourCc} and set {set.FourCc}";
        if (asked.Width > 0 && (set.Width != asked.Width || set.Height != asked.Height))
            return $"{CameraSection.Width.Path}/height: {device} was asked for {asked.Width}x{asked.Height} in {asked.FourCc} and set {set.Width}x{set.Height}";
        if (asked.Fps > 0 && set.Fps > 0 && !SameRate(set.Fps, asked.Fps))
            return $"{CameraSection.Fps.Path}: {device} was asked for {Rate(asked.Fps)} fps in {asked.FourCc} {set.Width}x{set.Height} and runs at {Rate(set.Fps)} fps";
        return null;
    }

    private static int IndexOf(string fourcc)
    {
        for (var i = 0; i < Supported.Count; i++)
            if (Supported[i] == fourcc) return i;
        return Supported.Count;
    }

    private static bool Fits(V4l2Size s, int width, int height) =>
        width >= s.MinWidth && width <= s.MaxWidth && height >= s.MinHeight && height <= s.MaxHeight;

    /// <summary>The size of <paramref name="format"/> that fits the size asked (its largest when none is asked); null where it lists none.</summary>
    private static V4l2Size? SizeAt(V4l2Format format, int width, int height) =>
        width > 0 ? format.Sizes.FirstOrDefault(s => Fits(s, width, height)) : format.Sizes.MaxBy(s => (long)s.MaxWidth * s.MaxHeight);

    /// <summary>Whether <paramref name="format"/> offers <paramref name="fps"/> at the size asked; true where it lists no rates (the driver is asked, and its answer checked).</summary>
    private static bool OffersRate(V4l2Format format, int width, int height, double fps)
    {
        if (SizeAt(format, width, height) is not { Rates.Count: > 0 } size) return true;
        if (size.RateRange) return fps <= size.Rates[0] * (1 + RateTolerance) && fps >= size.Rates[^1] * (1 - RateTolerance);
        return size.Rates.Any(r => SameRate(r, fps));
    }

    private static bool SameRate(double a, double b) => Math.Abs(a - b) <= RateTolerance * Math.Max(a, b);

    private static string At(CameraConfig camera) => camera.Width > 0 ? $" {camera.Width}x{camera.Height}" : "";

    private static string SizesOf(IEnumerable<V4l2Format> formats) =>
        List(formats.SelectMany(f => f.Sizes.Select(s => s.IsRange ? $"{s.MinWidth}x{s.MinHeight} to {s.MaxWidth}x{s.MaxHeight}" : $"{s.MaxWidth}x{s.MaxHeight}")).Distinct());

    public static string Rate(double fps) => fps.ToString("0.###", CultureInfo.InvariantCulture);

    private static string List(IEnumerable<string> items) => string.Join(", ", items);
}

/// <summary>A camera that is there but cannot do what the config asks: a config mistake, not a reason to reconnect.</summary>
public sealed class CameraModeException(string message) : SourceException(message);
