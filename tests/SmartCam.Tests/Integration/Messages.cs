using System.Text.Json;

namespace SmartCam.Tests.Integration;

/// <summary>One detection as found in a det. message or in the reference script's output.</summary>
public sealed record Det(int Cls, string Label, double Score, double[] Box);

/// <summary>One frame's detections, keyed by seq.</summary>
public sealed record FrameDets(long Seq, int Width, int Height, List<Det> Detections);

public static class Messages
{
    /// <summary>Reads a JSONL file of collect_messages.py records ({"topic","recv_ns","msg"}) or of the reference script (bare frames).</summary>
    public static List<JsonElement> ReadJsonLines(string path, bool wrapped) =>
        File.ReadLines(path)
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => wrapped ? e.GetProperty("msg") : e)
            .ToList();

    public static FrameDets ToFrame(JsonElement m) => new(
        m.GetProperty("seq").GetInt64(),
        m.GetProperty("width").GetInt32(),
        m.GetProperty("height").GetInt32(),
        m.GetProperty("detections").EnumerateArray().Select(d => new Det(
            d.GetProperty("cls").GetInt32(),
            d.GetProperty("label").GetString()!,
            d.GetProperty("score").GetDouble(),
            d.GetProperty("box").EnumerateArray().Select(v => v.GetDouble()).ToArray())).ToList());

    /// <summary>
    /// Compares one frame's detections with the reference's: every detection must pair with one of the
    /// same class, score within <paramref name="scoreTolerance"/> and every box edge within
    /// <paramref name="boxTolerance"/> px. The only unpaired detections allowed are those whose score is
    /// so close to the threshold that float differences between two runtimes can put them on either side.
    /// Returns the problems found (empty when the frames agree) and how many borderline ones were excused.
    /// </summary>
    public static (List<string> Problems, int Borderline) Compare(FrameDets ours, FrameDets reference, double threshold,
        double scoreTolerance = 1e-3, double boxTolerance = 1.0)
    {
        var problems = new List<string>();
        var borderline = 0;
        var unmatched = new List<Det>(ours.Detections);
        foreach (var r in reference.Detections)
        {
            var match = unmatched.FirstOrDefault(o => o.Cls == r.Cls && Math.Abs(o.Score - r.Score) <= scoreTolerance
                && o.Box.Zip(r.Box).All(p => Math.Abs(p.First - p.Second) <= boxTolerance));
            if (match is not null) unmatched.Remove(match);
            else if (r.Score - threshold <= scoreTolerance) borderline++;
            else problems.Add($"frame {reference.Seq}: reference {r.Label} {r.Score:0.0000} [{string.Join(", ", r.Box.Select(v => v.ToString("0.0")))}] has no match among ours: {Describe(ours)}");
        }
        foreach (var o in unmatched)
        {
            if (o.Score - threshold <= scoreTolerance) borderline++;
            else problems.Add($"frame {ours.Seq}: our {o.Label} {o.Score:0.0000} [{string.Join(", ", o.Box.Select(v => v.ToString("0.0")))}] is not in the reference: {Describe(reference)}");
        }
        return (problems, borderline);
    }

    private static string Describe(FrameDets f) =>
        string.Join("; ", f.Detections.Select(d => $"{d.Label} {d.Score:0.0000} [{string.Join(", ", d.Box.Select(v => v.ToString("0.0")))}]"));
}
