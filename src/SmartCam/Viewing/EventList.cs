using System.Buffers;
using System.Text.Json;
using SmartCam.Core;
using SmartCam.Messaging;

namespace SmartCam.Viewing;

/// <summary>
/// <c>GET /api/events</c> (docs/http.md#events): recent evt. messages, newest first, each with its snapshot's URL or null. The
/// events the HTTP side kept from the bus this run (<see cref="BusMirror.EventsKept"/> per camera) come first, each camera's
/// in the bus's order, backwards, the cameras merged by publish time; then, with <c>snapshots:</c>, the events whose snapshots lie on disk and are no longer kept (earlier
/// runs), newest file first. Written with a <see cref="Utf8JsonWriter"/> (no reflection: Native AOT).
/// </summary>
internal static class EventList
{
    public const int DefaultLimit = 50, MaxLimit = 1000;

    /// <param name="cameras">The cameras asked for (all, or the one of <c>camera=</c>).</param>
    /// <param name="since">An event id: only events newer than it (all when it is not among them).</param>
    public static byte[] Write(LiveHub hub, IReadOnlyList<CameraView> cameras, string? since, int limit)
    {
        var root = hub.Config.Snapshots?.Path;
        // Each camera's events in the bus's order, newest first; the cameras merged by their publish times.
        var kept = new List<List<byte[]>>();
        foreach (var camera in cameras)
        {
            List<byte[]> events;
            lock (camera.Gate) events = [.. camera.Events];
            events.Reverse();
            kept.Add(events);
        }
        var list = new List<(string Id, byte[] Json)>();
        var next = new int[kept.Count];
        while (true)
        {
            var newest = -1;
            for (var c = 0; c < kept.Count; c++)
                if (next[c] < kept[c].Count && (newest < 0 || PublishNs(kept[c][next[c]]) > PublishNs(kept[newest][next[newest]]))) newest = c;
            if (newest < 0) break;
            var e = kept[newest][next[newest]++];
            list.Add((TopLevelJson.String(e, MessageNames.EventId) ?? "", e));
        }
        var known = list.Select(e => e.Id).ToHashSet();
        var found = since is not null && known.Contains(since);

        // From disk only as far as needed: the newest files first, read one by one.
        if (root is not null && (since is null ? list.Count < limit : !found))
        {
            var files = cameras
                .Select(c => new DirectoryInfo(Path.Combine(root, c.Config.Id)))
                .Where(d => d.Exists)
                .SelectMany(d => d.EnumerateFiles("*.json"))
                .OrderByDescending(f => f.LastWriteTimeUtc).ThenByDescending(f => f.Name, StringComparer.Ordinal);
            foreach (var file in files)
            {
                if (found || (since is null && list.Count >= limit)) break;
                byte[] json;
                try
                {
                    json = File.ReadAllBytes(file.FullName);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue; // deleted by retention meanwhile
                }
                var id = TopLevelJson.String(json, MessageNames.EventId);
                if (id is null || !known.Add(id)) continue;
                list.Add((id, json));
                if (id == since) found = true;
            }
        }
        if (since is not null && list.FindIndex(e => e.Id == since) is var at and >= 0) list.RemoveRange(at, list.Count - at);

        var buffer = new ArrayBufferWriter<byte>();
        using (var j = new Utf8JsonWriter(buffer))
        {
            j.WriteStartArray();
            foreach (var (id, json) in list.Take(limit))
            {
                using var doc = JsonDocument.Parse(json);
                j.WriteStartObject();
                foreach (var property in doc.RootElement.EnumerateObject()) property.WriteTo(j);
                if (root is not null && SnapshotFiles.For(id) is var (camera, name) && File.Exists(Path.Combine(root, camera, name + ".jpg")))
                    j.WriteString("snapshot", Routes.EventSnapshot(camera, name));
                else
                    j.WriteNull("snapshot");
                j.WriteEndObject();
            }
            j.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static long PublishNs(byte[] json) => TopLevelJson.Long(json, MessageNames.TsPublishNs);
}
