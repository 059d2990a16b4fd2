using System.Buffers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SmartCam.Core;
using SmartCam.Messaging;

namespace SmartCam.Viewing;

/// <summary>
/// The embedded HTTP server (docs/http.md): Kestrel from ASP.NET Core's empty builder, which publishes as Native AOT,
/// with the routes declared as minimal APIs (their parameter binding written at compile time by the request-delegate
/// generator: no reflection) and JSON from source-generated serializers or a <see cref="Utf8JsonWriter"/>. One
/// middleware admits requests before any route runs: GET and HEAD only, and the token on every route but /healthz
/// when <c>http.auth</c> is set. With <c>http.tls</c> the port speaks HTTPS only, with the certificate the loader
/// read. Requests run on the thread pool, on the housekeeping CPUs; they read the
/// <see cref="LiveHub"/>, never the loop.
/// </summary>
public sealed class HttpFrontEnd : IAsyncDisposable
{
    private static readonly string[] GetOrHead = [HttpMethods.Get, HttpMethods.Head];
    private static readonly string[] Put = [HttpMethods.Put];
    private const string JsonType = "application/json";
    private const string TextType = "text/plain; charset=utf-8";
    private const string HtmlType = "text/html; charset=utf-8";

    private readonly LiveHub _hub;
    private readonly ILogger _log;
    private readonly byte[]? _token;
    private WebApplication? _app;

    public HttpFrontEnd(LiveHub hub, ILogger log)
    {
        _hub = hub;
        _log = log;
        _token = hub.Http.Token is { } t ? Encoding.UTF8.GetBytes(t) : null;
    }

    /// <summary>Where it listens once started (the real port when the config said 0).</summary>
    public Uri? Address { get; private set; }

    /// <summary>Binds and starts serving; a port in use or an address not on this machine throws <see cref="HttpBindException"/>.</summary>
    public async Task Start()
    {
        var http = _hub.Http;
        // The empty builder: no appsettings.json, no ASPNETCORE_ variables, no logging providers. The slim one reads
        // appsettings.json from the working directory and watches that directory, recursively, for changes: every
        // file written anywhere under it allocated (FileSystemWatcher events) and could reconfigure the server.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(http.Address, http.Port, listen =>
            {
                // The certificate and key the loader read and matched (http.tls); the chain goes out with it.
                if (http.TlsCertificate is { } certificate)
                    listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate, ServerCertificateChain = http.TlsChain });
            });
            // A page, an MJPEG stream and a few scrapers; not a public web server.
            k.Limits.MaxConcurrentConnections = 256;
        });
        builder.Services.AddRoutingCore();
        _app = builder.Build();
        _app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        _app.UseRouting(); // before Admit, which reads the matched route's metadata
        _app.Use(Admit);
        MapRoutes(_app);
        try
        {
            await _app.StartAsync();
        }
        catch (IOException e)
        {
            await _app.DisposeAsync();
            _app = null;
            var why = e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse }
                || e.Message.Contains("already in use", StringComparison.OrdinalIgnoreCase)
                ? "is already in use (another SmartCam, or another service on that port); expected a free port"
                : $"cannot be bound ({UserError.OneLine(e.Message)}); expected an address of this machine and a free port";
            throw new HttpBindException($"http.listen: '{http.Listen}' {why}");
        }
        var bound = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        Address = bound is null ? null : new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        _log.LogInformation("HTTP: live view, status and metrics on {Address}{Auth}{Certificate}", bound, _token is null ? "" : " (token required)",
            http.TlsCertificate is { } served ? $" (certificate {served.Subject}, valid until {served.NotAfter.ToUniversalTime():yyyy-MM-dd})" : "");
    }

    /// <summary>Every route (docs/http.md), for GET and HEAD; anything else is <see cref="NoSuchRoute"/>.</summary>
    private void MapRoutes(IEndpointRouteBuilder app)
    {
        app.MapMethods(Routes.Health, GetOrHead, Health).WithMetadata(OpenToAll.Instance);
        app.MapMethods("/", GetOrHead, context => Resource(context.Response, "index.html", HtmlType));
        app.MapMethods("/index.html", GetOrHead, context => Resource(context.Response, "index.html", HtmlType));
        app.MapMethods("/live.js", GetOrHead, context => Resource(context.Response, "live.js", "text/javascript; charset=utf-8"));
        app.MapMethods("/live.css", GetOrHead, context => Resource(context.Response, "live.css", "text/css; charset=utf-8"));
        app.MapMethods(Routes.Metrics, GetOrHead, Metrics);
        app.MapMethods(Routes.Status, GetOrHead, context => Json(context.Response, StatusDocument()));
        app.MapMethods(Routes.Config, GetOrHead, context => Json(context.Response, ConfigDocument.Write(_hub.Config)));
        app.MapMethods(Routes.Cameras, GetOrHead, context => Json(context.Response,
            JsonSerializer.SerializeToUtf8Bytes(new CameraListDocument(_hub.CameraIds.ToArray()), HttpJson.Default.CameraListDocument)));
        app.MapMethods(Routes.Live, GetOrHead, (HttpContext context, string? camera) => Live(context, camera));
        app.MapMethods(Routes.Snapshot, GetOrHead, (HttpContext context, string id) => Snapshot(context, id));
        app.MapMethods(Routes.Events, GetOrHead, Events);
        app.MapMethods(Routes.EventSnapshotRoute, GetOrHead, (HttpContext context, string id, string name) => EventSnapshot(context, id, name));
        app.MapMethods(Routes.Mjpeg, GetOrHead, (HttpContext context, string id) => Mjpeg(context, id));
        app.MapMethods(Routes.Scene, GetOrHead, (HttpContext context, string id) => Scene(context, id));
        app.MapMethods(Routes.Scene, Put, (HttpContext context, string id) => Scene(context, id)).WithMetadata(Writes.Instance);
        app.MapFallback("{**path}", NoSuchRoute);
    }

    /// <summary>
    /// Before any route runs: GET and HEAD only, but PUT on the routes that write (405), then the token on every route
    /// not <see cref="OpenToAll"/> (401, even where no route matches). A write takes the token from the Authorization
    /// header only: no cookie and no URL can carry it, so another site's page cannot make a browser write (no CSRF).
    /// </summary>
    private async Task Admit(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var response = context.Response;
        var endpoint = context.GetEndpoint();
        var write = HttpMethods.IsPut(request.Method) && endpoint?.Metadata.GetMetadata<Writes>() is not null;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !write)
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = request.Path.StartsWithSegments(Routes.CameraPrefix.TrimEnd('/')) && request.Path.Value!.EndsWith("/scene", StringComparison.Ordinal)
                ? "GET, HEAD, PUT" : "GET, HEAD";
            return;
        }
        if (endpoint?.Metadata.GetMetadata<OpenToAll>() is null)
        {
            if (!Authorised(request, headerOnly: write))
            {
                response.StatusCode = StatusCodes.Status401Unauthorized;
                response.Headers.WWWAuthenticate = "Bearer realm=\"smartcam\"";
                await Text(response, write
                    ? "a write needs the token in a header: Authorization: Bearer <token>\n"
                    : "a token is required: Authorization: Bearer <token>, or ?token=<token>\n");
                return;
            }
            response.Headers.CacheControl = "no-store";
        }
        await next(context);
    }

    /// <summary>A route that changes something (PUT): the token only from a header.</summary>
    private sealed class Writes
    {
        public static readonly Writes Instance = new();
    }

    /// <summary>A route anyone may read, token or not (the probes').</summary>
    private sealed class OpenToAll
    {
        public static readonly OpenToAll Instance = new();
    }

    private static async Task NoSuchRoute(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        await Text(context.Response, $"no such route: {context.Request.Path.Value}; see /, /api/status, /api/config, /api/cameras, /api/cameras/<id>/snapshot.jpg, /api/cameras/<id>/mjpeg, /api/cameras/<id>/scene, /api/events, /api/cameras/<id>/events/<name>.jpg, /metrics, /healthz\n");
    }

    /// <summary>The token from an Authorization: Bearer header or a token= query parameter (browsers cannot set headers on a WebSocket or an img), compared in constant time.</summary>
    private bool Authorised(HttpRequest request, bool headerOnly = false)
    {
        if (_token is null) return true;
        string? given = null;
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) given = header[7..].Trim();
        else if (!headerOnly && request.Query.TryGetValue("token", out var q)) given = q.ToString();
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _token);
    }

    private async Task Health(HttpContext context)
    {
        var (healthy, cameras) = _hub.Health();
        var states = new OrderedDictionary<string, string>();
        foreach (var (id, state) in cameras) states[id] = state;
        context.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        await Json(context.Response, JsonSerializer.SerializeToUtf8Bytes(new HealthDocument(healthy, states), HttpJson.Default.HealthDocument));
    }

    private async Task Metrics(HttpContext context)
    {
        context.Response.ContentType = MetricsExposition.ContentType;
        await context.Response.Body.WriteAsync(MetricsExposition.Render(_hub));
    }

    /// <summary>{"box": status.box, "cameras": {"id": status.id}}: the latest messages as the bus carried them, byte for byte.</summary>
    private byte[] StatusDocument()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var j = new Utf8JsonWriter(buffer))
        {
            j.WriteStartObject();
            j.WritePropertyName("box");
            j.WriteRawValue(_hub.BoxStatus ?? NullJson, skipInputValidation: true);
            j.WriteStartObject("cameras");
            foreach (var (id, status) in _hub.Statuses)
            {
                j.WritePropertyName(id);
                j.WriteRawValue(status ?? NullJson, skipInputValidation: true);
            }
            j.WriteEndObject();
            j.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static readonly byte[] NullJson = "null"u8.ToArray();

    /// <summary>GET: the camera's scene as JSON with the file's ETag; PUT: a change of it, applied at the next frame and written to the file (docs/http.md#scene).</summary>
    private async Task Scene(HttpContext context, string id)
    {
        if (_hub.Editor is not { } editor)
        {
            await NoSuchRoute(context);
            return;
        }
        SceneReply reply;
        if (HttpMethods.IsPut(context.Request.Method))
        {
            // A scene is a few kilobytes; the config file's own limit bounds what is read.
            using var body = new StreamReader(context.Request.Body, Encoding.UTF8);
            var text = await ReadAtMost(body, MaxSceneChars);
            reply = text is null
                ? new SceneReply(StatusCodes.Status413PayloadTooLarge, Encoding.UTF8.GetBytes($"a scene is at most {MaxSceneChars} characters\n"))
                : editor.Put(id, text, context.Request.Headers.IfMatch.ToString());
        }
        else
        {
            reply = editor.Get(id);
        }
        var response = context.Response;
        response.StatusCode = reply.Status;
        if (reply.ETag is not null) response.Headers.ETag = reply.ETag;
        response.ContentType = reply.IsJson ? JsonType : TextType;
        response.ContentLength = reply.Body.Length;
        await response.Body.WriteAsync(reply.Body);
    }

    private const int MaxSceneChars = 256 * 1024;

    private static async Task<string?> ReadAtMost(StreamReader reader, int limit)
    {
        var buffer = new char[limit + 1];
        var n = 0;
        int read;
        while (n <= limit && (read = await reader.ReadAsync(buffer.AsMemory(n, limit + 1 - n))) > 0) n += read;
        return n > limit ? null : new string(buffer, 0, n);
    }

    private async Task Snapshot(HttpContext context, string id)
    {
        if (_hub.Camera(id) is not { } camera)
        {
            await NoSuchRoute(context);
            return;
        }
        var jpeg = await _hub.Snapshot(camera, TimeSpan.FromSeconds(5), context.RequestAborted);
        if (jpeg is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await Text(context.Response, $"camera {camera.Config.Id} delivered no frame within 5 s\n");
            return;
        }
        context.Response.ContentType = "image/jpeg";
        context.Response.ContentLength = jpeg.Length;
        await context.Response.Body.WriteAsync(jpeg, context.RequestAborted);
    }

    /// <summary>GET /api/events?camera=&amp;since=&amp;limit=: recent events newest first, each with its snapshot's URL or null (<see cref="EventList"/>).</summary>
    private async Task Events(HttpContext context)
    {
        var query = context.Request.Query;
        var cameras = _hub.CameraIds.Select(id => _hub.Camera(id)!).ToList();
        if (query.TryGetValue("camera", out var c) && !string.IsNullOrEmpty(c))
        {
            if (_hub.Camera(c.ToString()) is not { } camera)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                await Text(context.Response, $"no camera '{c}'\n");
                return;
            }
            cameras = [camera];
        }
        var limit = EventList.DefaultLimit;
        if (query.TryGetValue("limit", out var l) && !(int.TryParse(l, out limit) && limit is >= 1 and <= EventList.MaxLimit))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await Text(context.Response, $"limit must be 1-{EventList.MaxLimit}\n");
            return;
        }
        var since = query.TryGetValue("since", out var s) && !string.IsNullOrEmpty(s) ? s.ToString() : null;
        await Json(context.Response, EventList.Write(_hub, cameras, since, limit));
    }

    /// <summary>An event's snapshot, from the snapshots folder; the name must be one the writer makes (no path climbs out of it).</summary>
    private async Task EventSnapshot(HttpContext context, string id, string name)
    {
        var root = _hub.Config.Snapshots?.Path;
        if (root is null || _hub.Camera(id) is null || !SnapshotFiles.IsName(name))
        {
            await NoSuchRoute(context);
            return;
        }
        var file = new FileInfo(Path.Combine(root, id, name + ".jpg"));
        if (!file.Exists || !file.FullName.StartsWith(Path.Combine(root, id) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            await NoSuchRoute(context);
            return;
        }
        context.Response.ContentType = "image/jpeg";
        await context.Response.SendFileAsync(file.FullName, context.RequestAborted);
    }

    /// <summary>multipart/x-mixed-replace JPEGs with the boxes drawn in, for VLC, Home Assistant and other URL-only viewers.</summary>
    private async Task Mjpeg(HttpContext context, string id)
    {
        if (_hub.Camera(id) is not { } camera)
        {
            await NoSuchRoute(context);
            return;
        }
        var response = context.Response;
        response.ContentType = "multipart/x-mixed-replace; boundary=" + MjpegBoundary;
        var viewer = _hub.Join(camera, burnBoxes: true);
        try
        {
            await response.StartAsync(context.RequestAborted);
            // Each part goes into the response's pipe in one piece and is sent with one flush: the part head is formatted
            // straight into the pipe's memory (no string), and Kestrel's per-write flush machinery runs once per picture.
            var body = response.BodyWriter;
            await foreach (var item in viewer.Queue.Reader.ReadAllAsync(context.RequestAborted))
            {
                if (item.Picture is not { } picture) continue;
                try
                {
                    var head = body.GetSpan(MjpegPartHeadMax);
                    if (!System.Text.Unicode.Utf8.TryWrite(head, $"--{MjpegBoundary}\r\nContent-Type: image/jpeg\r\nContent-Length: {picture.Jpeg.Length}\r\nX-Seq: {picture.Seq}\r\n\r\n", out var n))
                        throw new InvalidOperationException("MJPEG part head longer than " + MjpegPartHeadMax);
                    body.Advance(n);
                    body.Write(picture.Jpeg.Span);
                    body.Write(CrLf);
                }
                finally
                {
                    picture.Release(); // copied into the pipe
                }
                var flushed = await body.FlushAsync(context.RequestAborted);
                if (flushed.IsCompleted || flushed.IsCanceled) break;
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away.
        }
        finally
        {
            _hub.Leave(viewer);
        }
    }

    public const string MjpegBoundary = "smartcamframe";
    private const int MjpegPartHeadMax = 160; // boundary, two headers with 20-digit numbers at most
    private static readonly byte[] CrLf = "\r\n"u8.ToArray();

    /// <summary>The page's one connection: a WebSocket carrying hello, frame (+ JPEG), evt and status messages (docs/http.md).</summary>
    private async Task Live(HttpContext context, string? id)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await Text(context.Response, "expected a WebSocket upgrade\n");
            return;
        }
        var camera = string.IsNullOrEmpty(id) ? _hub.Camera(_hub.CameraIds.First()) : _hub.Camera(id);
        if (camera is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await Text(context.Response, $"no camera '{id}'\n");
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var viewer = _hub.Join(camera, burnBoxes: false);
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        // Reads only to see the page go away; the page sends nothing.
        var reading = Task.Run(async () =>
        {
            var buffer = new byte[1024];
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var r = await socket.ReceiveAsync(buffer.AsMemory(), closed.Token);
                    if (r.MessageType == WebSocketMessageType.Close) break;
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
            finally
            {
                closed.Cancel();
            }
        });
        try
        {
            await socket.SendAsync(ConfigDocument.Hello(camera, viewer.Backlog, _hub.OutputsOf(camera), _hub.Labels), WebSocketMessageType.Text, true, closed.Token);
            await foreach (var item in viewer.Queue.Reader.ReadAllAsync(closed.Token))
            {
                if (item.Message is not null) await socket.SendAsync(item.Message, WebSocketMessageType.Text, true, closed.Token);
                if (item.Picture is not { } picture) continue;
                try
                {
                    await socket.SendAsync(picture.Head, WebSocketMessageType.Text, true, closed.Token);
                    await socket.SendAsync(picture.Jpeg, WebSocketMessageType.Binary, true, closed.Token);
                }
                finally
                {
                    picture.Release();
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The page went away.
        }
        finally
        {
            _hub.Leave(viewer);
            closed.Cancel();
            await reading;
        }
    }

    private static async Task Resource(HttpResponse response, string name, string contentType)
    {
        await using var stream = typeof(HttpFrontEnd).Assembly.GetManifestResourceStream("SmartCam.LivePage." + name);
        if (stream is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        response.ContentType = contentType;
        response.ContentLength = stream.Length;
        await stream.CopyToAsync(response.Body);
    }

    private static async Task Json(HttpResponse response, byte[] body)
    {
        response.ContentType = JsonType;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body);
    }

    private static async Task Text(HttpResponse response, string text)
    {
        response.ContentType = TextType;
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is null) return;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await _app.StopAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await _app.DisposeAsync();
    }
}

/// <summary>The HTTP routes (docs/http.md), named once for the server, the docs' tests and the image's probes.</summary>
public static class Routes
{
    public const string Health = "/healthz";
    public const string Metrics = "/metrics";
    public const string Status = "/api/status";
    public const string Config = "/api/config";
    public const string Cameras = "/api/cameras";
    public const string CameraPrefix = "/api/cameras/";
    public const string Snapshot = CameraPrefix + "{id}/snapshot.jpg";
    public const string Mjpeg = CameraPrefix + "{id}/mjpeg";
    public const string Scene = CameraPrefix + "{id}/scene";
    public const string Live = "/api/live";
    public const string Events = "/api/events";
    public const string EventSnapshotRoute = CameraPrefix + "{id}/events/{name}.jpg";

    /// <summary>The URL of an event's snapshot (<see cref="SnapshotFiles"/>).</summary>
    public static string EventSnapshot(string camera, string name) => $"{CameraPrefix}{camera}/events/{name}.jpg";
}

/// <summary>The HTTP server could not listen where <c>http.listen</c> says: a user error (exit 2).</summary>
public sealed class HttpBindException(string message) : Exception(message);
