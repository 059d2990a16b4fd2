using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SmartCam.Tests.Integration;

/// <summary>
/// A real headless browser on one page, driven through one WebSocket (Chromium: DevTools protocol; Firefox: WebDriver BiDi):
/// enough to load the live page, read what it drew and take a screenshot. Every wait is bounded, and disposal kills and
/// reaps the browser's process tree: nothing else reaps children here.
/// </summary>
public abstract class HeadlessBrowser : IAsyncDisposable
{
    protected static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60), CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _stderr;
    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _oneCommand = new(1, 1); // one command in flight: its reply is the next message with its id
    private int _lastId;

    protected HeadlessBrowser(Process process, StringBuilder stderr, ClientWebSocket socket) => (_process, _stderr, _socket) = (process, stderr, socket);

    public abstract string Binary { get; }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>The browser for a test's parameter: "chromium" or "firefox".</summary>
    public static async Task<HeadlessBrowser> Start(string name, string url, string profileDir) => name switch
    {
        "chromium" => await Chromium.Start(url, profileDir),
        "firefox" => await Firefox.Start(url, profileDir),
        _ => throw new ArgumentException($"no browser '{name}'", nameof(name)),
    };

    /// <summary>
    /// Evaluates a JavaScript expression (promises awaited): a string result as it is, a number or boolean as JSON text, null for
    /// undefined or null. Throws <see cref="ScriptException"/> when the expression throws.
    /// </summary>
    public abstract Task<string?> Evaluate(string expression);

    public abstract Task Screenshot(string path);

    /// <summary>Asks the browser to close itself (it then reaps its own helpers).</summary>
    protected abstract Task Close();

    /// <summary>Polls <paramref name="expression"/> every 100 ms until it is a non-empty string other than "false" (an expression that throws counts as not yet).</summary>
    public async Task<string> WaitFor(string expression, TimeSpan timeout)
    {
        string? last = null;
        if (await Eventually.WithinAsync(async () =>
            {
                bool threw = false;
                try { last = await Evaluate(expression); }
                catch (ScriptException e) { (last, threw) = (e.Message, true); }
                if (!threw && !string.IsNullOrEmpty(last) && last != "false") return true;
                if (_process.HasExited) throw new InvalidOperationException($"{Binary} exited ({_process.ExitCode}):\n{Stderr}");
                return false;
            }, timeout, BrowserPause))
            return last!;
        throw new TimeoutException($"{expression} was still {(last is null ? "null" : $"\"{last}\"")} after {timeout.TotalSeconds} s");
    }

    /// <summary>Between two questions to the browser: each is a round trip over its debugging protocol.</summary>
    protected static readonly TimeSpan BrowserPause = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Sends one command ({"id":…,"method":…,"params":{…}}, the shape both protocols share) and returns the message that answers
    /// it (the next with its id); events in between are dropped. <paramref name="failure"/> names the reply's error, or null.
    /// </summary>
    protected async Task<JsonDocument> Send(string method, Action<Utf8JsonWriter> writeParams, Func<JsonElement, string?> failure, TimeSpan? timeLimit = null)
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
                    if (part.MessageType == WebSocketMessageType.Close) throw new WebSocketException($"{Binary} closed its control socket:\n{Stderr}");
                    message.Advance(part.Count);
                } while (!part.EndOfMessage);
                var reply = JsonDocument.Parse(message.WrittenMemory);
                if (reply.RootElement.TryGetProperty("id", out var replyId) && replyId.ValueKind == JsonValueKind.Number && replyId.GetInt32() == id)
                {
                    if (failure(reply.RootElement) is not { } error) return reply;
                    reply.Dispose();
                    throw new InvalidOperationException($"{Binary} {method}: {error}");
                }
                reply.Dispose(); // an event (no id): not asked for
            }
        }
        finally { _oneCommand.Release(); }
    }

    public async ValueTask DisposeAsync()
    {
        // Asked to close, the browser ends and reaps its helper processes itself; killed, it would leave their zombies to init.
        try
        {
            if (_socket.State == WebSocketState.Open) await Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or InvalidOperationException) { } // killed below
        _socket.Dispose();
        await KillAndReap(_process, Binary);
        _process.Dispose();
        _oneCommand.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts <paramref name="binary"/> with its output read (stderr kept, stdout dropped so a full pipe never blocks it).</summary>
    protected static (Process Process, StringBuilder Stderr) Launch(string binary, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info };
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return (process, stderr);
    }

    protected static async Task<ClientWebSocket> Connect(string url)
    {
        var socket = new ClientWebSocket();
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            await socket.ConnectAsync(new Uri(url), timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    protected static async Task KillAndReap(Process process, string binary)
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // already exited
        if (!process.WaitForExit(TimeSpan.FromSeconds(30))) throw new TimeoutException($"{binary} (pid {process.Id}) did not exit after SIGKILL");
        // Its output readers end too, unless a helper it daemonized (crashpad) still holds the pipe: not waited for long.
        using var outputEnd = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await process.WaitForExitAsync(outputEnd.Token); }
        catch (OperationCanceledException) { }
    }

    protected static string StderrOf(Process process, StringBuilder stderr)
    {
        if (process.HasExited) process.WaitForExit(TimeSpan.FromSeconds(5)); // its last lines may still be being read
        lock (stderr) return stderr.ToString();
    }

    public sealed class ScriptException(string message) : Exception(message);
}
