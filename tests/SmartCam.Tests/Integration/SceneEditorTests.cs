using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace SmartCam.Tests.Integration;

/// <summary>
/// configs/actuation.yaml itself (its camera, zone, line, rules and outputs) with the repository's paths, the file looped
/// at its own 10 fps (people keep walking), and <c>http:</c> with a token: the live page's scene editor is driven on it.
/// Shared by both browsers' runs, one after the other; each adds a zone of its own to the file.
/// </summary>
public sealed class SceneEditorFixture : IDisposable
{
    public const string Token = "a81c5e0f93d24b7e8c6a1f0d2b4e9c73";
    private readonly TempDir _dir = new();

    public SceneEditorFixture()
    {
        var yaml = ActuationConfig.Text(
            ("loop: false", "loop: true"),
            ("endpoint: tcp://127.0.0.1:5558", $"endpoint: tcp://127.0.0.1:{ChildProcess.FreePort()}"));
        var tokenFile = _dir.Write("http.token", Token + "\n");
        ConfigFile = _dir.Write("smartcam.yaml", yaml + $$"""

            http:
              listen: 127.0.0.1:0
              live_fps: 5
              auth: { token_file: {{tokenFile}} }

            """);
        Service = ChildProcess.SmartCam("run", "--config", ConfigFile);
        string? address = null;
        Assert.True(Service.WaitFor(p => (address = BoundAddress(p.Stderr)) is not null, TimeSpan.FromSeconds(120)),
            "the service did not say where HTTP listens\n" + Service.Stderr);
        Address = new Uri(address!);
    }

    private static string? BoundAddress(string log)
    {
        const string marker = "metrics on ";
        var at = log.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var end = log.IndexOfAny([' ', '\n', '\r'], at + marker.Length);
        return end < 0 ? null : log[(at + marker.Length)..end];
    }

    public ChildProcess Service { get; }
    public string ConfigFile { get; }
    public Uri Address { get; }
    public string Artifacts { get; } = Directory.CreateDirectory(Repo.Path("out", "test-artifacts")).FullName;

    public void Dispose()
    {
        Service.Signal(ChildProcess.SIGTERM);
        Service.WaitForExit(TimeSpan.FromSeconds(30));
        Service.Dispose(); // kills and reaps it if SIGTERM was not enough
        _dir.Dispose();
    }
}

public sealed class SceneEditorTests(SceneEditorFixture service, ITestOutputHelper output) : IClassFixture<SceneEditorFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(240);

    /// <summary>A big rectangle over the walkway, where people walk all through vtest.avi.</summary>
    private static readonly double[][] Corners = [[0.05, 0.35], [0.95, 0.35], [0.95, 0.95], [0.05, 0.95]];

    /// <summary>
    /// Moves to, and with <paramref name="tap"/> taps (pointerdown, pointerup) at, scene points on the editor's layer, as a
    /// mouse would: the client position of a normalised point is found as the page finds the point of a position, from the
    /// letterboxed picture in the layer's box. Browsers may round client positions to whole pixels: a point comes back
    /// within a pixel (about 0.0015 here), not always to the digit.
    /// </summary>
    private static string Pointer(IEnumerable<double[]> points, bool tap = true) => $$"""
        (() => {
          const layer = document.getElementById('editor-layer');
          const r = layer.getBoundingClientRect();
          const scale = Math.min(r.width / layer.width, r.height / layer.height);
          const left = r.left + (r.width - layer.width * scale) / 2, top = r.top + (r.height - layer.height * scale) / 2;
          for (const [x, y] of [{{string.Join(", ", points.Select(p => string.Create(CultureInfo.InvariantCulture, $"[{p[0]}, {p[1]}]")))}}]) {
            const at = { clientX: left + x * layer.width * scale, clientY: top + y * layer.height * scale, pointerId: 1, pointerType: 'mouse', isPrimary: true, bubbles: true, cancelable: true };
            layer.dispatchEvent(new PointerEvent('pointermove', { ...at, buttons: 0 }));
            if (!{{(tap ? "true" : "false")}}) continue;
            layer.dispatchEvent(new PointerEvent('pointerdown', { ...at, button: 0, buttons: 1 }));
            layer.dispatchEvent(new PointerEvent('pointerup', { ...at, button: 0, buttons: 0 }));
          }
          return 'tapped';
        })()
        """;

    [Theory]
    [InlineData("chromium")]
    [InlineData("firefox")]
    public async Task A_zone_drawn_in_the_editor_and_applied_gives_a_config_event_then_an_enter_in_it(string browserName)
    {
        var zone = "walkway_" + browserName;
        var before = File.ReadAllText(service.ConfigFile);
        var profile = Directory.CreateTempSubdirectory($"smartcam-{browserName}-").FullName;
        try
        {
            await using var browser = await HeadlessBrowser.Start(browserName, $"{service.Address}?token={SceneEditorFixture.Token}", profile);
            await browser.WaitFor("document.body.dataset.framesDrawn || ''", Patience);

            // Edit mode reads the scene (GET with its ETag), then the Zone tool: three corners, a screenshot of the zone being drawn.
            await browser.Evaluate("document.getElementById('edit-toggle').click(), 'clicked'");
            await browser.WaitFor("document.body.dataset.editor || ''", Patience);
            await browser.Evaluate("document.querySelector('#ed-tools [data-tool=zone]').click(), 'clicked'");
            await browser.Evaluate(Pointer(Corners[..3]));
            // The pointer on its way to the fourth corner: the next side follows it, its coordinates beside the editor's title.
            await browser.Evaluate(Pointer([[0.2, 0.85]], tap: false));
            var drawing = Path.Combine(service.Artifacts, $"editor-{browserName}.png");
            await browser.Screenshot(drawing);

            // The fourth corner, then the first again: the zone closes, is named zone1 (or the next free name), and renamed.
            await browser.Evaluate(Pointer([Corners[3], Corners[0]]));
            var drawn = await browser.WaitFor("document.querySelector('#ed-zones .ed-row:last-child input')?.value || ''", TimeSpan.FromSeconds(10));
            Assert.Matches("^zone[0-9]+$", drawn);
            await browser.Evaluate($$"""
                (() => {
                  const input = document.querySelector('#ed-zones .ed-row[data-zone="{{drawn}}"] input');
                  input.value = '{{zone}}';
                  input.dispatchEvent(new Event('change', { bubbles: true }));
                  return 'renamed';
                })()
                """);
            var yaml = (await browser.Evaluate("document.getElementById('ed-yaml').textContent"))!;
            output.WriteLine($"{browserName}: the editor's YAML:\n{yaml}");
            var yamlLine = yaml.Split('\n').Single(l => l.StartsWith($"  {zone}: {{ polygon: [[", StringComparison.Ordinal));

            // Apply: the PUT's answer, then the config event of the first frame under the new scene, shown as "applied: <summary>".
            await browser.Evaluate("document.getElementById('ed-apply').click(), 'clicked'");
            var message = await browser.WaitFor("(() => { const m = document.getElementById('ed-message'); return m.textContent.startsWith('applied: ') || m.className === 'error' ? m.className + ' ' + m.textContent : ''; })()", Patience);
            Assert.StartsWith("ok applied: ", message);
            Assert.Contains("+" + zone, message);

            // The page's events: the config event, and after it an enter in the new zone (someone walks in).
            var seen = await browser.WaitFor($$"""
                (() => {
                  const events = JSON.parse(document.getElementById('events').textContent || '[]');
                  const config = events.findIndex((e) => e.type === 'config' && String(e.summary).includes('+{{zone}}'));
                  const enter = events.findIndex((e, i) => i > config && e.type === 'enter' && e.zone === '{{zone}}');
                  return config >= 0 && enter > config ? JSON.stringify([events[config], events[enter]]) : '';
                })()
                """, Patience);
            using var pair = JsonDocument.Parse(seen);
            var config = pair.RootElement[0];
            Assert.Equal("config", config.GetProperty("type").GetString());
            Assert.Equal(16, config.GetProperty("hash").GetString()!.Length);
            Assert.Equal(zone, pair.RootElement[1].GetProperty("zone").GetString());

            // The picture is drawn with the new zone at once (the page's scene refreshed on the answer and the event).
            await browser.WaitFor($"JSON.parse(document.getElementById('drawn').textContent || '{{}}').zones?.includes('{zone}') || false", Patience);

            // The file has the zone as the editor showed it, where it was drawn; the previous file is the .bak; the rest is kept.
            var after = File.ReadAllText(service.ConfigFile);
            Assert.Contains(yamlLine, after.Split('\n'));
            using var client = new HttpClient { BaseAddress = service.Address };
            client.DefaultRequestHeaders.Authorization = new("Bearer", SceneEditorFixture.Token);
            using var scene = JsonDocument.Parse(await client.GetStringAsync("/api/cameras/cam0/scene"));
            var polygon = scene.RootElement.GetProperty("zones").GetProperty(zone).GetProperty("polygon").EnumerateArray()
                .Select(p => p.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            Assert.Equal(Corners.Length, polygon.Length);
            for (var i = 0; i < Corners.Length; i++)
                for (var k = 0; k < 2; k++)
                    Assert.True(Math.Abs(polygon[i][k] - Corners[i][k]) <= 0.002, $"corner {i}: {string.Join(", ", polygon[i])}, drawn at {string.Join(", ", Corners[i])}");
            Assert.Equal(before, File.ReadAllText(service.ConfigFile + ".bak"));
            Assert.Contains("# Rules on the sample footage", after);
            Assert.Contains("auth: { token_file:", after);
            Assert.Equal(config.GetProperty("hash").GetString(), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(service.ConfigFile)))[..16]);
            Assert.False(service.Service.HasExited, "the service exited\n" + service.Service.Stderr);
            output.WriteLine($"{browserName}: {message}; enter: {pair.RootElement[1]}; screenshot {drawing}");
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
