using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SmartCam.Tests.Integration;

/// <summary>
/// Headless Chromium (Debian's /usr/bin/chromium) on one page, driven over the DevTools protocol (CDP) through one WebSocket:
/// enough to load the live page, read what it drew and take a screenshot. Every wait is bounded, and disposal kills and
/// reaps the browser's process tree: nothing else reaps children here.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    public const string Binary = "/usr/bin/chromium";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60), CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stderr;
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _oneCommand = new(1, 1); // one command in flight: its reply is the next message with its id
    private int _lastId;

    private Chromium(Process process, StringBuilder stderr, ClientWebSocket socket) => (_process, _stderr, _socket) = (process, stderr, socket);

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static async Task<Chromium> Start(string url, string userDataDir)
    {
        Directory.CreateDirectory(userDataDir);
        var portFile = Path.Combine(userDataDir, "DevToolsActivePort");
        File.Delete(portFile); // one left by an earlier run names a port nobody listens on
        var info = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                     $"--user-data-dir={userDataDir}", "--remote-debugging-port=0", "--window-size=1280,900", url })
            info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.OutputDataReceived += (_, _) => { }; // read and dropped, so a full pipe never blocks the browser
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        ClientWebSocket? socket = null;
        try
        {
            // Port 0: Chromium picks a free port and writes it (first line) to DevToolsActivePort once it listens.
            var clock = Stopwatch.StartNew();
            int port = 0;
            while (!(File.Exists(portFile) && int.TryParse((await File.ReadAllTextAsync(portFile)).Split('\n')[0].Trim(), out port) && port > 0))
            {
                if (process.HasExited) throw new InvalidOperationException($"{Binary} exited ({process.ExitCode}) before it listened:\n{StderrOf(process, stderr)}");
                if (clock.Elapsed > StartTimeout) throw new TimeoutException($"{Binary}: no {portFile} after {StartTimeout.TotalSeconds} s:\n{StderrOf(process, stderr)}");
                await Task.Delay(100);
            }
            using var http = new HttpClient { Timeout = StartTimeout };
            string? pageSocketUrl = null;
            while (pageSocketUrl is null) // the page target can show up a moment after the port
            {
                using var list = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"));
                pageSocketUrl = list.RootElement.EnumerateArray()
                    .Where(t => t.GetProperty("type").GetString() == "page" && t.TryGetProperty("webSocketDebuggerUrl", out _))
                    .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()).FirstOrDefault();
                if (pageSocketUrl is null && clock.Elapsed > StartTimeout) throw new TimeoutException($"{Binary}: no page target:\n{list.RootElement}");
                if (pageSocketUrl is null) await Task.Delay(100);
            }
            socket = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(StartTimeout);
            await socket.ConnectAsync(new Uri(pageSocketUrl), timeout.Token);
            return new Chromium(process, stderr, socket);
        }
        catch
        {
            socket?.Dispose();
            await KillAndReap(process);
            throw;
        }
    }

    /// <summary>
    /// Runtime.evaluate (promises awaited): a string result as it is, any other value as JSON text, null for undefined or null.
    /// Throws <see cref="ScriptException"/> when the expression throws.
    /// </summary>
    public async Task<string?> Evaluate(string expression)
    {
        using var reply = await Send("Runtime.evaluate", p =>
        {
            p.WriteString("expression", expression);
            p.WriteBoolean("returnByValue", true);
            p.WriteBoolean("awaitPromise", true);
        });
        var result = reply.RootElement.GetProperty("result");
        if (result.TryGetProperty("exceptionDetails", out var exception))
            throw new ScriptException($"{expression}: {exception.GetProperty("exception").GetProperty("description")}");
        if (!result.GetProperty("result").TryGetProperty("value", out var value)) return null; // undefined
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null => null,
            _ => value.GetRawText(),
        };
    }

    /// <summary>Polls <paramref name="expression"/> every 100 ms until it is a non-empty string other than "false" (an expression that throws counts as not yet).</summary>
    public async Task<string> WaitFor(string expression, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            string? last;
            bool threw = false;
            try { last = await Evaluate(expression); }
            catch (ScriptException e) { (last, threw) = (e.Message, true); }
            if (!threw && !string.IsNullOrEmpty(last) && last != "false") return last;
            if (_process.HasExited) throw new InvalidOperationException($"{Binary} exited ({_process.ExitCode}):\n{Stderr}");
            if (clock.Elapsed > timeout) throw new TimeoutException($"{expression} was still {(last is null ? "null" : $"\"{last}\"")} after {timeout.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    public async Task Screenshot(string path)
    {
        using var reply = await Send("Page.captureScreenshot", p => p.WriteString("format", "png"));
        await File.WriteAllBytesAsync(path, reply.RootElement.GetProperty("result").GetProperty("data").GetBytesFromBase64());
    }

    private async Task<JsonDocument> Send(string method, Action<Utf8JsonWriter> writeParams, TimeSpan? timeLimit = null)
    {
        await _oneCommand.WaitAsync();
        try
        {
            int id = ++_lastId;
            var request = new ArrayBufferWriter<byte>();
            using (var w = new Utf8JsonWriter(request))
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteString("method", method);
                w.WriteStartObject("params");
                writeParams(w);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            using var timeout = new CancellationTokenSource(timeLimit ?? CommandTimeout);
            await _socket.SendAsync(request.WrittenMemory, WebSocketMessageType.Text, true, timeout.Token);
            var message = new ArrayBufferWriter<byte>();
            while (true)
            {
                message.ResetWrittenCount();
                ValueWebSocketReceiveResult part;
                do
                {
                    part = await _socket.ReceiveAsync(message.GetMemory(64 * 1024), timeout.Token);
                    if (part.MessageType == WebSocketMessageType.Close) throw new WebSocketException($"{Binary} closed the DevTools socket:\n{Stderr}");
                    message.Advance(part.Count);
                } while (!part.EndOfMessage);
                var reply = JsonDocument.Parse(message.WrittenMemory);
                if (reply.RootElement.TryGetProperty("id", out var replyId) && replyId.GetInt32() == id)
                {
                    if (!reply.RootElement.TryGetProperty("error", out var error)) return reply;
                    var text = error.GetRawText();
                    reply.Dispose();
                    throw new InvalidOperationException($"{method}: {text}");
                }
                reply.Dispose(); // an event (no id): not asked for
            }
        }
        finally { _oneCommand.Release(); }
    }

    public async ValueTask DisposeAsync()
    {
        // Asked to close, Chromium ends and reaps its helper processes itself; killed, it would leave their zombies to init.
        try
        {
            if (_socket.State == WebSocketState.Open) await Send("Browser.close", _ => { }, TimeSpan.FromSeconds(10));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException) { } // killed below
        _socket.Dispose();
        await KillAndReap(_process);
        _process.Dispose();
        _oneCommand.Dispose();
    }

    private static async Task KillAndReap(Process process)
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // already exited
        if (!process.WaitForExit(TimeSpan.FromSeconds(30))) throw new TimeoutException($"{Binary} (pid {process.Id}) did not exit after SIGKILL");
        // Its output readers end too, unless a helper it daemonized (crashpad) still holds the pipe: not waited for long.
        using var outputEnd = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await process.WaitForExitAsync(outputEnd.Token); }
        catch (OperationCanceledException) { }
    }

    private static string StderrOf(Process process, StringBuilder stderr)
    {
        if (process.HasExited) process.WaitForExit(TimeSpan.FromSeconds(5)); // its last lines may still be being read
        lock (stderr) return stderr.ToString();
    }

    public sealed class ScriptException(string message) : Exception(message);
}
