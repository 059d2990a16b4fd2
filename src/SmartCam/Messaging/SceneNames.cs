using System.Text.Json;
using SmartCam.Configuration;

namespace SmartCam.Messaging;

/// <summary>
/// What the publish thread needs to name one version of a camera's scene: its zones, lines and rules as JSON strings,
/// room for the lines' crossing counts, and, for a version applied by a live reload, the <c>config</c> event's summary
/// and hash. Made off the loop (it allocates); a result carries the version it was made under, so the publish thread
/// names each frame's events with the scene that produced them and switches without allocating
/// (<see cref="MessageWriter.Switch"/>).
/// </summary>
public sealed class SceneNames
{
    /// <param name="reload">Made by a live reload (with its <paramref name="summary"/> and <paramref name="hash"/>): the switch to it publishes a <c>config</c> event.</param>
    public SceneNames(SceneConfig? scene, bool reload = false, string summary = "", string hash = "")
    {
        Zones = (scene?.Zones ?? []).Select(z => JsonEncodedText.Encode(z.Name)).ToArray();
        Lines = (scene?.Lines ?? []).Select(l => JsonEncodedText.Encode(l.Name)).ToArray();
        Rules = (scene?.Rules ?? []).Select(r => JsonEncodedText.Encode(r.Name)).ToArray();
        Crossings = new long[2 * Lines.Length];
        // Relaxed: "+door ~middle" reads as written (the bus is JSON for programs, never pasted into HTML).
        Summary = JsonEncodedText.Encode(summary, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        Hash = JsonEncodedText.Encode(hash);
        IsReload = reload;
    }

    public JsonEncodedText[] Zones { get; }
    public JsonEncodedText[] Lines { get; }
    public JsonEncodedText[] Rules { get; }

    /// <summary>Per line, in then out, since start; the publish thread's alone once switched to.</summary>
    internal long[] Crossings { get; }

    public JsonEncodedText Summary { get; }
    public JsonEncodedText Hash { get; }

    /// <summary>Made by a live reload: the switch to it publishes a <c>config</c> event.</summary>
    public bool IsReload { get; }
}
