using System.Text.Json;
using SmartCam.Viewing;

namespace SmartCam.Commands;

/// <summary>
/// <c>smartcam view</c>: connects to a SmartCam HTTP server as live viewers (MJPEG clients and live pages over
/// WebSocket) until its standard input closes, then prints the pictures each received as one JSON line. A check of a
/// box from another machine, and the viewers of <c>smartcam bench --viewers</c>, which runs it as a separate process so
/// that the box's figures hold only the server's side, as they would with real browsers.
/// </summary>
public static class ViewCommand
{
    public static int Run(string url, string camera, int mjpeg, int pages, string? token, TextWriter output)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var server) || server.Scheme != "http")
        {
            Console.Error.WriteLine($"smartcam view: --url '{url}' is not an http:// URL; expected e.g. http://127.0.0.1:8080/");
            return RunCommand.ExitBadInput;
        }
        using var stop = new CancellationTokenSource();
        var viewers = Enumerable.Range(0, mjpeg).Select(_ => LiveViewerClients.Mjpeg(server, camera, token, stop.Token))
            .Concat(Enumerable.Range(0, pages).Select(_ => LiveViewerClients.Page(server, camera, token, stop.Token))).ToArray();
        // Until the standard input ends (the bench closes it; at a terminal: Ctrl-D).
        using (var stdin = Console.OpenStandardInput())
        {
            var buffer = new byte[256];
            while (stdin.Read(buffer) > 0) { }
        }
        stop.Cancel();
        var counts = viewers.Select(v => v.GetAwaiter().GetResult()).ToArray();
        using var json = new MemoryStream();
        using (var j = new Utf8JsonWriter(json))
        {
            j.WriteStartObject();
            j.WriteStartArray("pictures");
            foreach (var n in counts) j.WriteNumberValue(n);
            j.WriteEndArray();
            j.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(json.ToArray()));
        return 0;
    }
}
