using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SmartCam.Capture;

namespace SmartCam.Commands;

/// <summary>
/// <c>smartcam cameras [--json] [--dev DIR]</c>: the V4L2 capture devices on this box, what each offers, and a ready
/// <c>camera:</c> block for the best mode. Reading the devices is <see cref="Scan"/>; the rest is a function of the
/// plain records it returns, so it is tested without a device.
/// </summary>
public static class CamerasCommand
{
    public const string DefaultDev = "/dev";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var json = new Option<bool>("--json") { Description = "Print the list as JSON" };
        var dev = new Option<string>("--dev") { Description = "Look for video* nodes (and v4l/by-id, v4l/by-path) in this folder instead of /dev", DefaultValueFactory = _ => DefaultDev };
        var cameras = new Command("cameras", "List the V4L2 capture devices (path, by-id name, driver, card, bus), the formats, sizes and rates each offers, and a camera: snippet for the best mode.")
        {
            json, dev,
        };
        cameras.SetAction(r => Run(r.GetValue(dev)!, r.GetValue(json), output, error));
        return cameras;
    }

    public static int Run(string dev, bool json, TextWriter output, TextWriter error)
    {
        if (!Directory.Exists(dev))
        {
            error.WriteLine($"smartcam cameras: --dev '{dev}' is not a folder; expected the folder holding the video nodes (default {DefaultDev})");
            return RunCommand.ExitBadInput;
        }
        CameraListing listing;
        try
        {
            listing = Scan(dev);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"smartcam cameras: --dev '{dev}' cannot be listed: {e.Message}");
            return RunCommand.ExitBadInput;
        }
        output.Write(json ? Json(listing) : Text(listing));
        return RunCommand.ExitOk;
    }

    /// <summary>
    /// Opens every <c>DIR/videoN</c> in numeric order: capture nodes are listed with what they offer, a node that cannot
    /// be read with why, and the others (a UVC camera's metadata node, codecs, outputs) are skipped.
    /// </summary>
    public static CameraListing Scan(string dev)
    {
        var cameras = new List<CameraNode>();
        var skipped = new List<string>();
        foreach (var node in VideoNodes(dev))
        {
            var byId = StableNames(dev, "by-id", node);
            var byPath = StableNames(dev, "by-path", node);
            try
            {
                using var device = V4l2Device.Open(node);
                var capability = device.Capability();
                if (!capability.IsVideoCapture)
                {
                    skipped.Add(node);
                    continue;
                }
                cameras.Add(new CameraNode(node, byId, byPath, capability, device.Formats(), device.Current()));
            }
            catch (Exception e) when (e is SourceException or V4l2GoneException)
            {
                // The device's messages start with its path; the listing names it already.
                var reason = e.Message.StartsWith(node + ": ", StringComparison.Ordinal) ? e.Message[(node.Length + 2)..] : e.Message;
                cameras.Add(new CameraNode(node, byId, byPath, null, [], null, reason));
            }
        }
        return new CameraListing(dev, cameras, skipped);
    }

    /// <summary>The <c>videoN</c> entries of <paramref name="dev"/> (N digits only), video2 before video10.</summary>
    public static List<string> VideoNodes(string dev) =>
        Directory.EnumerateFileSystemEntries(dev, "video*")
            .Select(path => (Path: path, Number: NodeNumber(Path.GetFileName(path))))
            .Where(node => node.Number >= 0)
            .OrderBy(node => node.Number)
            .Select(node => node.Path)
            .ToList();

    /// <summary>N of <c>videoN</c>; -1 for any other name.</summary>
    private static long NodeNumber(string name)
    {
        var digits = name.AsSpan("video".Length);
        return digits.Length is > 0 and < 10 && !digits.ContainsAnyExceptInRange('0', '9') ? long.Parse(digits) : -1;
    }

    /// <summary>The udev links in <c>DIR/v4l/<paramref name="kind"/></c> that resolve to <paramref name="node"/>.</summary>
    public static List<string> StableNames(string dev, string kind, string node)
    {
        var folder = Path.Combine(dev, "v4l", kind);
        if (!Directory.Exists(folder)) return [];
        var target = Path.GetFullPath(node);
        var names = new List<string>();
        try
        {
            foreach (var link in Directory.EnumerateFileSystemEntries(folder))
                if (Resolve(link) == target) names.Add(link);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A folder we may not list names nothing; the node itself is still listed.
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>Where the link <paramref name="link"/> finally points (relative links from their folder); null where it cannot be followed (a loop).</summary>
    private static string? Resolve(string link)
    {
        try
        {
            return new FileInfo(link).ResolveLinkTarget(returnFinalTarget: true) is { } resolved ? Path.GetFullPath(resolved.FullName) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The line for a box without a capture device (<c>smartcam cameras</c> still exits 0).</summary>
    public static string NoDevices(string dev) => $"no V4L2 capture devices in {dev} (plug a camera in; USB cameras need the uvcvideo module)";

    public static string Text(CameraListing listing)
    {
        var text = new StringBuilder();
        if (listing.Cameras.Count == 0) text.Append(NoDevices(listing.Dev)).Append('\n');
        for (var i = 0; i < listing.Cameras.Count; i++)
        {
            if (i > 0) text.Append('\n');
            AppendCamera(text, listing.Cameras[i]);
        }
        if (listing.Skipped.Count > 0)
            text.Append($"{listing.Skipped.Count} video node(s) skipped, not video capture (a camera's metadata node, a codec, an output): {string.Join(", ", listing.Skipped)}\n");
        return text.ToString();
    }

    private static void AppendCamera(StringBuilder text, CameraNode camera)
    {
        if (camera.Capability is not { } c)
        {
            text.Append($"{camera.Path}: {camera.Error}\n");
            foreach (var name in camera.ById.Concat(camera.ByPath)) text.Append($"  also {name}\n");
            return;
        }
        text.Append($"{camera.Path}: {c.Card} (driver {c.Driver}, bus {c.Bus})\n");
        foreach (var name in camera.ById) text.Append($"  by-id:   {name}\n");
        foreach (var name in camera.ByPath) text.Append($"  by-path: {name}\n");
        if (camera.Current is { } now) text.Append($"  now:     {now}\n");
        foreach (var format in camera.Formats)
        {
            text.Append($"  {format.FourCc,-4}  {format.Description}  [{string.Join(", ", Traits(format))}]\n");
            foreach (var size in format.Sizes) text.Append($"        {Size(size),-11}  {Rates(size)}\n");
        }
        if (camera.Best is { } best)
        {
            text.Append($"  best for SmartCam: {best}\n");
            foreach (var line in CameraSnippet.Yaml(camera.SourcePath, best).Split('\n', StringSplitOptions.RemoveEmptyEntries))
                text.Append("    ").Append(line).Append('\n');
        }
        else text.Append($"  no camera: snippet: {WhyNoSnippet(camera.Formats)}\n");
    }

    private static IEnumerable<string> Traits(V4l2Format format)
    {
        if (format.Compressed) yield return "compressed";
        if (format.Emulated) yield return "emulated";
        yield return ReadBySmartCam(format) ? "SmartCam reads it" : "SmartCam does not read it";
    }

    private static bool ReadBySmartCam(V4l2Format format) => V4l2Negotiation.Supported.Contains(format.FourCc);

    private static string WhyNoSnippet(IReadOnlyList<V4l2Format> formats) =>
        formats.Any(ReadBySmartCam)
            ? $"it lists no frame size for {string.Join(", ", formats.Where(ReadBySmartCam).Select(f => f.FourCc))}; set pixel_format and leave width, height and fps 0 (the camera's current)"
            : $"SmartCam reads none of its formats (it offers {(formats.Count > 0 ? string.Join(", ", formats.Select(f => f.FourCc)) : "none")}; SmartCam reads {string.Join(", ", V4l2Negotiation.Supported)})";

    private static string Size(V4l2Size size) =>
        size.IsRange ? $"{size.MinWidth}x{size.MinHeight} to {size.MaxWidth}x{size.MaxHeight}" : $"{size.MaxWidth}x{size.MaxHeight}";

    private static string Rates(V4l2Size size) => size.Rates.Count switch
    {
        0 => "(rate not listed)",
        _ when size.RateRange => $"any rate from {V4l2Negotiation.Rate(size.Rates[^1])} to {V4l2Negotiation.Rate(size.Rates[0])} fps",
        _ => string.Join(", ", size.Rates.Select(V4l2Negotiation.Rate)) + " fps",
    };

    /// <summary>The listing as one JSON document (written field by field: no reflection, Native AOT clean).</summary>
    public static string Json(CameraListing listing)
    {
        using var buffer = new MemoryStream();
        using (var j = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            j.WriteStartObject();
            j.WriteString("dev", listing.Dev);
            j.WriteStartArray("cameras");
            foreach (var camera in listing.Cameras) WriteCamera(j, camera);
            j.WriteEndArray();
            WriteStrings(j, "skipped", listing.Skipped);
            j.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteCamera(Utf8JsonWriter j, CameraNode camera)
    {
        j.WriteStartObject();
        j.WriteString("path", camera.Path);
        WriteStrings(j, "by_id", camera.ById);
        WriteStrings(j, "by_path", camera.ByPath);
        if (camera.Capability is not { } c)
        {
            j.WriteString("error", camera.Error);
            j.WriteEndObject();
            return;
        }
        j.WriteString("driver", c.Driver);
        j.WriteString("card", c.Card);
        j.WriteString("bus", c.Bus);
        if (camera.Current is { } now)
        {
            j.WritePropertyName("current");
            WriteMode(j, now);
        }
        j.WriteStartArray("formats");
        foreach (var format in camera.Formats) WriteFormat(j, format);
        j.WriteEndArray();
        if (camera.Best is { } best)
        {
            j.WritePropertyName("best");
            j.WriteStartObject();
            j.WriteString("source", "v4l2://" + camera.SourcePath);
            WriteModeFields(j, best);
            j.WriteString("snippet", CameraSnippet.Yaml(camera.SourcePath, best));
            j.WriteEndObject();
        }
        else j.WriteString("no_snippet", WhyNoSnippet(camera.Formats));
        j.WriteEndObject();
    }

    private static void WriteFormat(Utf8JsonWriter j, V4l2Format format)
    {
        j.WriteStartObject();
        j.WriteString("fourcc", format.FourCc);
        j.WriteString("description", format.Description);
        j.WriteBoolean("compressed", format.Compressed);
        j.WriteBoolean("emulated", format.Emulated);
        j.WriteBoolean("read_by_smartcam", ReadBySmartCam(format));
        j.WriteStartArray("sizes");
        foreach (var size in format.Sizes)
        {
            j.WriteStartObject();
            if (size.IsRange)
            {
                j.WriteNumber("min_width", size.MinWidth);
                j.WriteNumber("min_height", size.MinHeight);
                j.WriteNumber("max_width", size.MaxWidth);
                j.WriteNumber("max_height", size.MaxHeight);
            }
            else
            {
                j.WriteNumber("width", size.MaxWidth);
                j.WriteNumber("height", size.MaxHeight);
            }
            j.WriteStartArray("fps");
            foreach (var rate in size.Rates) j.WriteNumberValue(rate);
            j.WriteEndArray();
            j.WriteBoolean("fps_range", size.RateRange);
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteEndObject();
    }

    private static void WriteMode(Utf8JsonWriter j, V4l2Mode mode)
    {
        j.WriteStartObject();
        WriteModeFields(j, mode);
        j.WriteEndObject();
    }

    /// <summary>A mode by the config's key names.</summary>
    private static void WriteModeFields(Utf8JsonWriter j, V4l2Mode mode)
    {
        j.WriteString("pixel_format", mode.FourCc);
        j.WriteNumber("width", mode.Width);
        j.WriteNumber("height", mode.Height);
        j.WriteNumber("fps", mode.Fps);
    }

    private static void WriteStrings(Utf8JsonWriter j, string name, IReadOnlyList<string> values)
    {
        j.WriteStartArray(name);
        foreach (var value in values) j.WriteStringValue(value);
        j.WriteEndArray();
    }
}

/// <summary>What <c>smartcam cameras</c> found in <see cref="Dev"/>: capture nodes, and the video nodes that are not capture.</summary>
public sealed record CameraListing(string Dev, IReadOnlyList<CameraNode> Cameras, IReadOnlyList<string> Skipped);

/// <summary>
/// A capture node: its udev names, what it is, offers and is set to now; or, where it could not be read
/// (<see cref="Capability"/> null), why (<see cref="Error"/>).
/// </summary>
public sealed record CameraNode(string Path, IReadOnlyList<string> ById, IReadOnlyList<string> ByPath, V4l2Capability? Capability,
    IReadOnlyList<V4l2Format> Formats, V4l2Mode? Current, string? Error = null)
{
    /// <summary>The mode to suggest (null where SmartCam reads none of its formats).</summary>
    public V4l2Mode? Best => CameraSnippet.BestMode(Formats);

    /// <summary>The device name for a config: the by-id name where there is one.</summary>
    public string SourcePath => CameraSnippet.SourcePath(Path, ById);
}
