using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace SmartCam.Tests.Integration;

/// <summary>Headless Chromium (Debian's /usr/bin/chromium), driven over the DevTools protocol (CDP).</summary>
public sealed class Chromium : HeadlessBrowser
{
    public const string Path = "/usr/bin/chromium";

    private Chromium(Process process, StringBuilder stderr, ClientWebSocket socket) : base(process, stderr, socket) { }

    public override string Binary => Path;

    public static async Task<Chromium> Start(string url, string userDataDir)
    {
        Directory.CreateDirectory(userDataDir);
        var portFile = System.IO.Path.Combine(userDataDir, "DevToolsActivePort");
        File.Delete(portFile); // one left by an earlier run names a port nobody listens on
        var (process, stderr) = Launch(Path, ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            $"--user-data-dir={userDataDir}", "--remote-debugging-port=0", "--window-size=1280,900", url]);
        ClientWebSocket? socket = null;
        try
        {
            // Port 0: Chromium picks a free port and writes it (first line) to DevToolsActivePort once it listens.
            int port = 0;
            if (!await Eventually.WithinAsync(async () =>
                {
                    if (File.Exists(portFile) && int.TryParse((await File.ReadAllTextAsync(portFile)).Split('\n')[0].Trim(), out port) && port > 0) return true;
                    if (process.HasExited) throw new InvalidOperationException($"{Path} exited ({process.ExitCode}) before it listened:\n{StderrOf(process, stderr)}");
                    return false;
                }, StartTimeout, BrowserPause))
                throw new TimeoutException($"{Path}: no {portFile} after {StartTimeout.TotalSeconds} s:\n{StderrOf(process, stderr)}");
            using var http = new HttpClient { Timeout = StartTimeout };
            string? pageSocketUrl = null;
            var targets = "";
            // The page target can show up a moment after the port.
            if (!await Eventually.WithinAsync(async () =>
                {
                    using var list = JsonDocument.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"));
                    targets = list.RootElement.ToString();
                    pageSocketUrl = list.RootElement.EnumerateArray()
                        .Where(t => t.GetProperty("type").GetString() == "page" && t.TryGetProperty("webSocketDebuggerUrl", out _))
                        .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString()).FirstOrDefault();
                    return pageSocketUrl is not null;
                }, StartTimeout, BrowserPause))
                throw new TimeoutException($"{Path}: no page target:\n{targets}");
            socket = await Connect(pageSocketUrl!);
            return new Chromium(process, stderr, socket);
        }
        catch
        {
            socket?.Dispose();
            await KillAndReap(process, Path);
            throw;
        }
    }

    public override async Task<string?> Evaluate(string expression)
    {
        using var reply = await Send("Runtime.evaluate", p =>
        {
            p.WriteString("expression", expression);
            p.WriteBoolean("returnByValue", true);
            p.WriteBoolean("awaitPromise", true);
        }, Error);
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

    public override async Task Screenshot(string path)
    {
        using var reply = await Send("Page.captureScreenshot", p => p.WriteString("format", "png"), Error);
        await File.WriteAllBytesAsync(path, reply.RootElement.GetProperty("result").GetProperty("data").GetBytesFromBase64());
    }

    protected override async Task Close() => (await Send("Browser.close", _ => { }, Error, TimeSpan.FromSeconds(10))).Dispose();

    private static string? Error(JsonElement reply) => reply.TryGetProperty("error", out var error) ? error.GetRawText() : null;
}
