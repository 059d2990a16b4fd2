using System.Net.WebSockets;

namespace SmartCam.Viewing;

/// <summary>
/// Live viewers for <c>smartcam view</c> (and so <c>smartcam bench --viewers</c>): real HTTP clients that read what the
/// server sends as fast as it comes, like a browser tab or VLC would, and count the pictures.
/// </summary>
public static class LiveViewerClients
{
    /// <summary>An MJPEG client: reads the multipart stream and counts its parts.</summary>
    public static Task<long> Mjpeg(Uri server, string camera, string? token, CancellationToken stop) => Task.Run(async () =>
    {
        using var client = new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };
        if (token is not null) client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        long parts = 0;
        try
        {
            using var response = await client.GetAsync($"{Routes.CameraPrefix}{camera}/mjpeg", HttpCompletionOption.ResponseHeadersRead, stop);
            await using var body = await response.Content.ReadAsStreamAsync(stop);
            var buffer = new byte[64 * 1024];
            var boundary = "--" + HttpFrontEnd.MjpegBoundary;
            var matched = 0;
            while (true)
            {
                var n = await body.ReadAsync(buffer, stop);
                if (n == 0) break;
                // Count boundaries across reads.
                for (var i = 0; i < n; i++)
                {
                    matched = buffer[i] == boundary[matched] ? matched + 1 : buffer[i] == boundary[0] ? 1 : 0;
                    if (matched == boundary.Length)
                    {
                        parts++;
                        matched = 0;
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException)
        {
        }
        return parts;
    });

    /// <summary>A live page's connection: one WebSocket; counts the pictures (binary messages).</summary>
    public static Task<long> Page(Uri server, string camera, string? token, CancellationToken stop) => Task.Run(async () =>
    {
        using var socket = new ClientWebSocket();
        if (token is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        long pictures = 0;
        try
        {
            var ws = new UriBuilder(server) { Scheme = "ws", Path = Routes.Live, Query = "camera=" + Uri.EscapeDataString(camera) }.Uri;
            await socket.ConnectAsync(ws, stop);
            var buffer = new byte[256 * 1024];
            while (true)
            {
                var r = await socket.ReceiveAsync(buffer.AsMemory(), stop);
                if (r.MessageType == WebSocketMessageType.Close) break;
                if (r.EndOfMessage && r.MessageType == WebSocketMessageType.Binary) pictures++;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        return pictures;
    });
}
