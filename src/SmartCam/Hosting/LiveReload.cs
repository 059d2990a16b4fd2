using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Messaging;
using SmartCam.Viewing;

namespace SmartCam.Hosting;

/// <summary>
/// Changes the running scenes without a restart (docs/configuration.md#reload): re-reads the file on SIGHUP
/// (<c>systemctl reload smartcam</c>), or takes one camera's scene from PUT /api/cameras/ID/scene and writes it into the
/// file. Either way the new file is read by the same loader with the same checks; a change that needs a restart is
/// refused naming its key, and anything refused leaves the running scene as it was. Applying builds each changed
/// camera's next scene here, off the loop, and posts it; the camera's inference thread switches at its next frame
/// (<see cref="Scene.TrackingAndRules"/>), and the publish thread announces it with a <c>config</c> event.
/// </summary>
public sealed class LiveReload : ISceneEditor
{
    /// <summary>What a reload did.</summary>
    private enum Outcome { Applied, Unchanged, Invalid, NeedsRestart }

    // Reloads one at a time; taken by SIGHUP's and the HTTP requests' threads, never by a loop thread.
    private readonly Lock _gate = new();
    private readonly Appliance _appliance;
    private readonly string _path;
    private readonly ILogger _log;
    private string _text;
    private SmartCamConfig _config;

    public LiveReload(Appliance appliance, ILogger log)
    {
        _appliance = appliance;
        _config = appliance.Config;
        _path = _config.FilePath;
        _log = log;
        _text = ConfigLoader.ReadText(_path);
        Counters = new ConfigReloads(SceneDocument.Hash(_text));
    }

    /// <summary>For status.box and /metrics.</summary>
    public ConfigReloads Counters { get; }

    /// <summary>The config as running.</summary>
    public SmartCamConfig Config => _config;

    /// <summary>SIGHUP: the file again. On any error the running scene stays, with one log line; never an exit.</summary>
    public void ReloadFile()
    {
        lock (_gate)
        {
            string text;
            try
            {
                text = ConfigLoader.ReadText(_path);
            }
            catch (ConfigException e)
            {
                Refused("SIGHUP", e.Message);
                return;
            }
            ApplyText(text, "SIGHUP");
        }
    }

    /// <summary>Applies <paramref name="text"/> as the file's (nothing is written): SIGHUP's re-read file, the bench's reloads. False when refused or unchanged.</summary>
    public bool ApplyText(string text, string trigger)
    {
        lock (_gate)
        {
            var (outcome, message) = Check(text, out var next);
            if (outcome == Outcome.Applied) Apply(text, next!, trigger);
            else if (outcome == Outcome.Unchanged) _log.LogInformation("Reload ({Trigger}): {Path} has no change a reload applies; still running {Hash}", trigger, _path, Counters.Hash);
            else Refused(trigger, message);
            return outcome == Outcome.Applied;
        }
    }

    public SceneReply Get(string camera)
    {
        lock (_gate)
        {
            var index = IndexOf(camera);
            if (index < 0) return NoSuchCamera(camera);
            string text;
            try
            {
                text = ConfigLoader.ReadText(_path);
                return new SceneReply(StatusCodes.Status200OK, SceneDocument.ToJson(text, _path, index), Quoted(SceneDocument.Hash(text)), IsJson: true);
            }
            catch (ConfigException e)
            {
                // The file on disk no longer parses (an edit in progress): say so; the running scene is unaffected.
                return Text(StatusCodes.Status409Conflict, $"{e.Message}; fix the file (the service still runs {Counters.Hash})");
            }
        }
    }

    public SceneReply Put(string camera, string body, string? ifMatch)
    {
        lock (_gate)
        {
            var index = IndexOf(camera);
            if (index < 0) return NoSuchCamera(camera);
            if (string.IsNullOrWhiteSpace(ifMatch))
                return Text(StatusCodes.Status428PreconditionRequired, "If-Match is required: the ETag of GET /api/cameras/" + camera + "/scene (or * to overwrite whatever the file holds)");
            string disk, text;
            try
            {
                disk = ConfigLoader.ReadText(_path);
            }
            catch (ConfigException e)
            {
                return Text(StatusCodes.Status409Conflict, e.Message);
            }
            var etag = SceneDocument.Hash(disk);
            if (ifMatch.Trim() != "*" && ifMatch.Trim().Trim('"') != etag)
                return Text(StatusCodes.Status409Conflict, $"{_path} changed since it was read (ETag {ifMatch.Trim()}, now \"{etag}\"); GET the scene again and redo the change");
            try
            {
                text = SceneDocument.WithScene(disk, _path, index, body);
            }
            catch (ConfigException e)
            {
                return Text(StatusCodes.Status400BadRequest, e.Message);
            }
            var (outcome, message) = Check(text, out var next);
            if (outcome is Outcome.Invalid or Outcome.NeedsRestart)
            {
                Refused("API", message);
                return Text(outcome == Outcome.Invalid ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity, message);
            }
            try
            {
                WriteAtomically(text);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Refused("API", $"{_path}: cannot be written ({e.Message}); nothing was changed");
                return Text(StatusCodes.Status500InternalServerError, $"{_path}: cannot be written: {e.Message}; the running scene was not changed");
            }
            if (outcome == Outcome.Applied) Apply(text, next!, "API");
            else _text = text; // only formatting changed: the file is what runs
            return new SceneReply(StatusCodes.Status200OK, SceneDocument.ToJson(text, _path, index), Quoted(SceneDocument.Hash(text)), IsJson: true);
        }
    }

    /// <summary>Whether <paramref name="text"/> can replace the running config, all checks done before anything changes.</summary>
    private (Outcome, string) Check(string text, out SmartCamConfig? next)
    {
        next = null;
        SmartCamConfig parsed;
        try
        {
            parsed = ConfigLoader.Parse(text, _path);
        }
        catch (ConfigException e)
        {
            return (Outcome.Invalid, e.Message);
        }
        if (Appliance.LabelProblem(parsed, _appliance.Detector.Labels) is { } labels) return (Outcome.Invalid, labels);
        if (SceneDocument.RestartOnlyChange(_text, text, _path) is { } restart) return (Outcome.NeedsRestart, $"{_path}: {restart}");
        var cameras = _appliance.Pipeline!.Cameras;
        var changed = false;
        for (var i = 0; i < cameras.Count; i++)
        {
            if (!SceneDocument.SceneChanged(_text, text, _path, i)) continue;
            changed = true;
            var prefix = _config.Listed ? $"cameras[{i}]." : "";
            if (cameras[i].Scene is not { } scene)
            {
                if (parsed.Cameras[i].Scene.Tracking) return (Outcome.NeedsRestart, $"{_path}: {prefix}tracking.enabled: switching tracking on needs a restart");
                continue; // no tracking: only detect changed for it, which the inference thread takes
            }
            if (scene.WhyRestart(parsed.Cameras[i].Scene, prefix) is { } why) return (Outcome.NeedsRestart, $"{_path}: {why}");
        }
        next = parsed;
        return (changed ? Outcome.Applied : Outcome.Unchanged, "");
    }

    /// <summary>Posts every changed camera's next scene (built here) and the detector's new thresholds; the loop takes them at its next frame.</summary>
    private void Apply(string text, SmartCamConfig next, string trigger)
    {
        var pipeline = _appliance.Pipeline!;
        var hash = SceneDocument.Hash(text);
        var detectChanged = !SameDetect(_config.Detect, next.Detect);
        if (detectChanged)
            foreach (var inference in pipeline.Inference) inference.Reload(next.Detect);
        var said = new List<string>();
        for (var i = 0; i < pipeline.Cameras.Count; i++)
        {
            var camera = pipeline.Cameras[i];
            var before = _config.Cameras[i].Scene;
            var after = next.Cameras[i].Scene;
            if (!SceneDocument.SceneChanged(_text, text, _path, i) || camera.Scene is not { } scene) continue;
            // A rule for an output the camera did not drive yet: the output bank takes its requests from now on.
            foreach (var rule in after.Rules)
                if (!before.Rules.Any(r => r.Output == rule.Output)) _appliance.Outputs?.AlsoDrive(i, rule.Output);
            var summary = Summary(before, after, detectChanged);
            scene.Prepare(after, summary, hash);
            said.Add($"{next.Cameras[i].Id}: {summary}");
        }
        _text = text;
        _config = next;
        _appliance.Hub?.Reloaded(next);
        Counters.CountApplied(hash);
        _log.LogInformation("Reload ({Trigger}): applied {Path} ({Hash}) at the next frame: {Changes}", trigger, _path, hash, string.Join("; ", said));
    }

    private void Refused(string trigger, string message)
    {
        Counters.CountRefused();
        _log.LogWarning("Reload ({Trigger}) refused, still running {Hash}: {Message}", trigger, Counters.Hash, UserError.OneLine(message));
    }

    /// <summary>A few words on what changed, for the config event and the log: "zones: +door ~middle; rules: -old".</summary>
    public static string Summary(SceneConfig before, SceneConfig after, bool detectChanged)
    {
        var parts = new List<string>();
        void Names(string what, IEnumerable<string> was, IEnumerable<string> now, Func<string, bool> same)
        {
            var words = now.Where(n => !was.Contains(n)).Select(n => "+" + n)
                .Concat(was.Where(n => !now.Contains(n)).Select(n => "-" + n))
                .Concat(now.Where(n => was.Contains(n) && !same(n)).Select(n => "~" + n)).ToList();
            if (words.Count > 0) parts.Add($"{what}: {string.Join(" ", words)}");
        }
        Names("zones", before.Zones.Select(z => z.Name), after.Zones.Select(z => z.Name), n => SameZone(before.Zones.First(z => z.Name == n), after.Zones.First(z => z.Name == n)));
        Names("lines", before.Lines.Select(l => l.Name), after.Lines.Select(l => l.Name), n =>
        {
            var (a, b) = (before.Lines.First(l => l.Name == n), after.Lines.First(l => l.Name == n));
            return a.A == b.A && a.B == b.B;
        });
        var running = new int[after.Rules.Count];
        after.RunningRuleOf(before, running);
        Names("rules", before.Rules.Select(r => r.Name), after.Rules.Select(r => r.Name), n => running[after.Rules.ToList().FindIndex(r => r.Name == n)] >= 0);
        if (before.Tracker != after.Tracker || before.Anchor != after.Anchor) parts.Add("tracking");
        if (detectChanged) parts.Add("detect");
        return parts.Count > 0 ? string.Join("; ", parts) : "formatting only";
    }

    private static bool SameZone(ZoneDefinition a, ZoneDefinition b) => a.LoiterSeconds == b.LoiterSeconds && a.Polygon.SequenceEqual(b.Polygon);

    private static bool SameDetect(DetectConfig a, DetectConfig b) =>
        a.Score == b.Score && a.NmsIou == b.NmsIou && a.MinArea == b.MinArea && a.MaxArea == b.MaxArea && a.Classes.SequenceEqual(b.Classes)
        && a.PerClass.Count == b.PerClass.Count && a.PerClass.All(p => b.PerClass.TryGetValue(p.Key, out var f) && f == p.Value);

    /// <summary>Write, fsync, rename (the previous file kept as .bak, also written whole first), then fsync the folder: a power cut leaves the old file or the new one.</summary>
    private void WriteAtomically(string text)
    {
        var folder = Path.GetDirectoryName(_path)!;
        var temporary = _path + ".tmp";
        var backup = _path + ".bak";
        File.Copy(_path, backup + ".tmp", overwrite: true);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(backup + ".tmp", File.GetUnixFileMode(_path));
        using (var handle = File.OpenHandle(backup + ".tmp", FileMode.Open, FileAccess.ReadWrite)) RandomAccess.FlushToDisk(handle);
        File.Move(backup + ".tmp", backup, overwrite: true);
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            file.Write(Encoding.UTF8.GetBytes(text));
            file.Flush(flushToDisk: true);
        }
        // The file's own mode (e.g. readable by the service's group only), not the process's default.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, File.GetUnixFileMode(_path));
        File.Move(temporary, _path, overwrite: true);
        Libc.SyncDirectory(folder);
    }

    private int IndexOf(string camera)
    {
        for (var i = 0; i < _config.Cameras.Count; i++)
            if (_config.Cameras[i].Id == camera) return i;
        return -1;
    }

    private static string Quoted(string etag) => "\"" + etag + "\"";

    private static SceneReply NoSuchCamera(string camera) => Text(StatusCodes.Status404NotFound, $"no camera '{camera}'");

    private static SceneReply Text(int status, string message) => new(status, Encoding.UTF8.GetBytes(UserError.OneLine(message) + "\n"));
}
