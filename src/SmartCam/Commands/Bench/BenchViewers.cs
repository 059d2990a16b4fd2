using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SmartCam.Viewing;

namespace SmartCam.Commands.Bench;

/// <summary>
/// <c>smartcam bench --viewers</c>: the live viewers, in a process of their own (<c>smartcam view</c>) as browsers would be,
/// so that the bench's figures are the box's alone.
/// </summary>
internal static class BenchViewers
{
    /// <summary><c>smartcam view</c> with one MJPEG client and the rest live pages, run from this binary (or, under <c>dotnet</c>, this assembly).</summary>
    public static Process Start(Uri server, string camera, int count)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "smartcam.dll"));
        foreach (var a in new[] { "view", "--url", server.ToString(), "--camera", camera, "--mjpeg", "1", "--pages", (count - 1).ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    /// <summary>Waits until <paramref name="count"/> viewers are connected to <paramref name="camera"/>; false when the viewers' process ended or the time ran out.</summary>
    public static bool Connected(LiveHub hub, string camera, int count, Process viewers, TimeSpan patience)
    {
        var until = Stopwatch.GetTimestamp() + (long)(patience.TotalSeconds * Stopwatch.Frequency);
        while (!viewers.HasExited && Stopwatch.GetTimestamp() < until)
        {
            if (hub.ViewerCounts.FirstOrDefault(c => c.Id == camera).Viewers >= count) return true;
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Ends the viewers (their standard input closes) and reads what each received.</summary>
    public static long[] Stop(Process viewers)
    {
        viewers.StandardInput.Close();
        var line = viewers.StandardOutput.ReadToEnd();
        viewers.WaitForExit();
        viewers.Dispose();
        try
        {
            return JsonSerializer.Deserialize(line, ReportJsonContext.Default.PicturesJson)?.Pictures ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
