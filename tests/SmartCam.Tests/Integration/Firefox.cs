using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SmartCam.Tests.Integration;

/// <summary>
/// Headless Firefox (Debian's firefox-esr), driven over WebDriver BiDi, the W3C protocol Firefox speaks natively on
/// --remote-debugging-port (no geckodriver).
/// </summary>
public sealed partial class Firefox : HeadlessBrowser
{
    public const string Path = "/usr/bin/firefox-esr";

    private string _context = ""; // the tab's browsing context id, set once the session is made

    private Firefox(Process process, StringBuilder stderr, ClientWebSocket socket) : base(process, stderr, socket) { }

    public override string Binary => Path;

    // Port 0: Firefox picks a free port and says which on stderr.
    [GeneratedRegex(@"WebDriver BiDi listening on (ws://[0-9.]+:[0-9]+)")]
    private static partial Regex Listening();

    public static async Task<Firefox> Start(string url, string profileDir)
    {
        Directory.CreateDirectory(profileDir);
        var (process, stderr) = Launch(Path, ["--headless", "--no-remote", "--profile", profileDir, "--remote-debugging-port", "0",
            "--width", "1280", "--height", "900", "about:blank"]);
        ClientWebSocket? socket = null;
        try
        {
            Match listening = Match.Empty;
            if (!await Eventually.WithinAsync(() =>
                {
                    if ((listening = Listening().Match(StderrOf(process, stderr))).Success) return Task.FromResult(true);
                    if (process.HasExited) throw new InvalidOperationException($"{Path} exited ({process.ExitCode}) before it listened:\n{StderrOf(process, stderr)}");
                    return Task.FromResult(false);
                }, StartTimeout, BrowserPause))
                throw new TimeoutException($"{Path}: not listening after {StartTimeout.TotalSeconds} s:\n{StderrOf(process, stderr)}");
            socket = await Connect(listening.Groups[1].Value + "/session");
            var browser = new Firefox(process, stderr, socket);
            (await browser.Send("session.new", p => { p.WriteStartObject("capabilities"); p.WriteEndObject(); }, Error)).Dispose();
            using (var tree = await browser.Send("browsingContext.getTree", _ => { }, Error))
                browser._context = tree.RootElement.GetProperty("result").GetProperty("contexts")[0].GetProperty("context").GetString()!;
            (await browser.Send("browsingContext.navigate", p => { p.WriteString("context", browser._context); p.WriteString("url", url); p.WriteString("wait", "complete"); }, Error)).Dispose();
            return browser;
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
        using var reply = await Send("script.evaluate", p =>
        {
            p.WriteString("expression", expression);
            p.WriteStartObject("target");
            p.WriteString("context", _context);
            p.WriteEndObject();
            p.WriteBoolean("awaitPromise", true);
        }, Error);
        var result = reply.RootElement.GetProperty("result");
        if (result.GetProperty("type").GetString() == "exception")
            throw new ScriptException($"{expression}: {result.GetProperty("exceptionDetails").GetProperty("text").GetString()}");
        // A BiDi remote value: {"type":"string","value":"…"}, {"type":"number","value":3}, {"type":"undefined"}, …
        var value = result.GetProperty("result");
        return value.GetProperty("type").GetString() switch
        {
            "string" => value.GetProperty("value").GetString(),
            "undefined" or "null" => null,
            "number" or "boolean" => value.GetProperty("value").GetRawText(),
            var other => throw new ScriptException($"{expression}: a {other}; return a string, number or boolean"),
        };
    }

    public override async Task Screenshot(string path)
    {
        using var reply = await Send("browsingContext.captureScreenshot", p => p.WriteString("context", _context), Error);
        await File.WriteAllBytesAsync(path, reply.RootElement.GetProperty("result").GetProperty("data").GetBytesFromBase64());
    }

    protected override async Task Close() => (await Send("browser.close", _ => { }, Error, TimeSpan.FromSeconds(10))).Dispose();

    // {"type":"error","id":…,"error":"no such frame","message":"…"}
    private static string? Error(JsonElement reply) =>
        reply.TryGetProperty("type", out var type) && type.GetString() == "error" ? reply.GetRawText() : null;
}
