using System.Text.Json;
using SmartCam.Configuration;
using SmartCam.Hosting;

namespace SmartCam.Commands.Bench;

/// <summary>
/// <c>smartcam bench --reload-every-ms</c>: while the frames are measured, a housekeeping thread reloads the camera's
/// scene at that interval, alternately with a small zone added and without it, through the same <see cref="LiveReload"/>
/// as SIGHUP and the scene editor (nothing is written to the file). Shows what building, posting and switching a scene
/// costs the loop.
/// </summary>
internal sealed class BenchReloads : IDisposable
{
    private const string Zone = "bench-reload";
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;
    private long _applied;

    private BenchReloads(LiveReload reload, int everyMs)
    {
        var path = reload.Config.FilePath;
        var original = ConfigLoader.ReadText(path);
        var zones = JsonDocument.Parse(SceneDocument.ToJson(original, path, 0)).RootElement.TryGetProperty("zones", out var z) ? z.GetRawText() : "{}";
        var added = $$"""{"{{Zone}}": {"polygon": [[0.02, 0.02], [0.12, 0.02], [0.12, 0.12], [0.02, 0.12]]}""" + (zones.Trim() == "{}" ? "}" : ", " + zones.Trim()[1..]);
        var variant = SceneDocument.WithScene(original, path, 0, $$"""{"zones": {{added}}}""");
        _thread = new Thread(() =>
        {
            var withZone = true;
            while (!_stop.Wait(everyMs))
            {
                if (reload.ApplyText(withZone ? variant : original, "bench")) Interlocked.Increment(ref _applied);
                withZone = !withZone;
            }
        }) { Name = "sc-bench-reload", IsBackground = true };
        _thread.Start();
    }

    public static BenchReloads Start(LiveReload reload, int everyMs) => new(reload, everyMs);

    /// <summary>Ends the reloads: how many were applied, and <paramref name="switched"/>, how many the camera switched to.</summary>
    public (long Applied, long Switched) Stop(long switched)
    {
        _stop.Set();
        _thread.Join();
        return (Interlocked.Read(ref _applied), switched);
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _stop.Dispose();
    }
}
