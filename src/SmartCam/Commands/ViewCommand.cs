using System.CommandLine;
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
    public static Command Create(TextWriter output, TextWriter error)
    {
        var url = new Option<string>("--url") { Description = "The box's HTTP address, e.g. http://127.0.0.1:8080/", Required = true };
        var camera = new Option<string>("--camera") { Description = "The camera to watch", DefaultValueFactory = _ => "cam0" };
        var mjpeg = new Option<int>("--mjpeg") { Description = "MJPEG clients", DefaultValueFactory = _ => 1 };
        var pages = new Option<int>("--pages") { Description = "Live pages (one WebSocket each)", DefaultValueFactory = _ => 2 };
        var token = new Option<string?>("--token") { Description = "The box's http.auth token, if it has one" };
        var view = new Command("view", "Connect to a box's HTTP server as live viewers until standard input ends, then print the pictures each received (JSON). The viewers of smartcam bench --viewers.")
        {
            url, camera, mjpeg, pages, token,
        };
        view.SetAction(r =>
        {
            var (m, p) = (r.GetValue(mjpeg), r.GetValue(pages));
            if (m is < 0 or > 64 || p is < 0 or > 64)
            {
                error.WriteLine("smartcam view: --mjpeg and --pages must be 0-64");
                return RunCommand.ExitBadInput;
            }
            return Run(r.GetValue(url)!, r.GetValue(camera)!, m, p, r.GetValue(token), output);
        });
        return view;
    }

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
        output.WriteLine(JsonSerializer.Serialize(new PicturesJson(counts), ReportJsonContext.Default.PicturesJson));
        return 0;
    }

    /// <summary>What <c>smartcam view</c> prints, and <c>smartcam bench --viewers</c> reads: the pictures each viewer received, MJPEG clients first.</summary>
    internal sealed record PicturesJson(long[] Pictures);
}
