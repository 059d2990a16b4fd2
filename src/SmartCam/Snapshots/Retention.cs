using Microsoft.Extensions.Logging;

namespace SmartCam.Snapshots;

/// <summary>
/// Keeps the whole snapshots folder within <c>max_mb</c> (the oldest snapshots deleted first, after each write) and
/// <c>max_days</c> (looked for at start and then hourly). It knows every snapshot by its files, oldest first, from a look
/// at the folder at start (what earlier runs left) and each write since, so a write costs no walk of the folder.
/// sc-snapshot's own.
/// </summary>
internal sealed class Retention(string root, long maxBytes, TimeSpan maxAge, ILogger log)
{
    private readonly LinkedList<Kept> _kept = new();
    private long _bytes, _deleted;

    /// <summary>The snapshots' size in all (pictures and events).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Snapshots deleted since start.</summary>
    public long Deleted => Interlocked.Read(ref _deleted);

    /// <summary>What earlier runs left: every camera folder's pictures, oldest first; then the bounds applied.</summary>
    public void Load()
    {
        var found = new List<Kept>();
        foreach (var folder in Directory.EnumerateDirectories(root))
            foreach (var jpg in Directory.EnumerateFiles(folder, "*.jpg"))
            {
                var json = Path.ChangeExtension(jpg, ".json");
                var picture = new FileInfo(jpg);
                var evt = new FileInfo(json);
                found.Add(new Kept(jpg, json, picture.Length + (evt.Exists ? evt.Length : 0), picture.LastWriteTimeUtc));
            }
        foreach (var k in found.OrderBy(k => k.WrittenUtc).ThenBy(k => k.Jpg, StringComparer.Ordinal)) Add(k);
        DeleteOld(DateTime.UtcNow);
        Trim();
    }

    /// <summary>A snapshot just written; then the oldest go while the folder is over <c>max_mb</c>.</summary>
    public void Added(string jpg, string json, long bytes, DateTime writtenUtc)
    {
        Add(new Kept(jpg, json, bytes, writtenUtc));
        Trim();
    }

    /// <summary>Deletes the snapshots older than <c>max_days</c>.</summary>
    public void DeleteOld(DateTime nowUtc)
    {
        var deleted = 0;
        while (_kept.First is { } oldest && nowUtc - oldest.Value.WrittenUtc > maxAge)
        {
            Delete(oldest);
            deleted++;
        }
        if (deleted > 0) log.LogInformation("Snapshots: deleted {Count} older than {Days} days", deleted, maxAge.TotalDays);
    }

    private void Trim()
    {
        var deleted = 0;
        // The newest always stays, even alone over the bound: a snapshot is never deleted as it is written.
        while (Bytes > maxBytes && _kept.First is { } oldest && _kept.Count > 1)
        {
            Delete(oldest);
            deleted++;
        }
        if (deleted > 0) log.LogInformation("Snapshots: deleted the {Count} oldest ({Path} over {MaxMb:0.##} MB)", deleted, root, maxBytes / 1048576.0);
    }

    private void Add(Kept k)
    {
        _kept.AddLast(k);
        Interlocked.Add(ref _bytes, k.Bytes);
    }

    private void Delete(LinkedListNode<Kept> node)
    {
        _kept.Remove(node);
        Interlocked.Add(ref _bytes, -node.Value.Bytes);
        Interlocked.Increment(ref _deleted);
        try
        {
            // The event first: a .json always has its picture beside it.
            File.Delete(node.Value.Json);
            File.Delete(node.Value.Jpg);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogWarning("Snapshots: {File} could not be deleted: {Error}", node.Value.Jpg, e.Message);
        }
    }

    private sealed record Kept(string Jpg, string Json, long Bytes, DateTime WrittenUtc);
}
