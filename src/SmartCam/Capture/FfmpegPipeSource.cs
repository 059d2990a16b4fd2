using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OpenCvSharp;
using SmartCam.Configuration;

namespace SmartCam.Capture;

/// <summary>
/// A network stream (rtsp, http) decoded by Debian's ffmpeg in a child process that writes raw BGR
/// frames to a pipe: the FFmpeg inside OpenCvSharp's runtime is built without networking. Each frame is
/// read straight into the caller's <see cref="Mat"/>. The child is killed and reaped on every close.
/// </summary>
public sealed partial class FfmpegPipeSource(CameraConfig config, string ffmpegPath = "ffmpeg") : IFrameSource
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private Process? _process;
    private Stream? _pipe;
    private int _width, _height;
    private volatile string _lastError = "";

    public double Fps { get; private set; }

    /// <summary>The source with any password removed, for logs.</summary>
    public static string Redact(string url) => UserInfo().Replace(url, "://***@");

    public void Open()
    {
        Close();
        var info = new ProcessStartInfo(ffmpegPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var arg in Arguments(config)) info.ArgumentList.Add(arg);
        try
        {
            _process = Process.Start(info) ?? throw new SourceException($"{ffmpegPath}: could not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SourceException($"{ffmpegPath}: cannot run ffmpeg ({e.Message}); install it with `apt-get install ffmpeg`");
        }

        // ffmpeg announces the output stream's size on stderr before the first frame.
        var size = new TaskCompletionSource<(int, int, double)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = _process;
        var stderrThread = new Thread(() => DrainStderr(process, size)) { IsBackground = true, Name = "sc-ffmpeg-log" };
        stderrThread.Start();
        if (!size.Task.Wait(StartTimeout) )
        {
            Close();
            throw new SourceException($"{Redact(config.Source)}: ffmpeg produced no video within {StartTimeout.TotalSeconds:0} s: {_lastError}");
        }
        if (size.Task.Result.Item1 == 0)
        {
            Close();
            throw new SourceException($"{Redact(config.Source)}: ffmpeg could not open the stream: {_lastError}");
        }
        (_width, _height, var fps) = size.Task.Result;
        Fps = config.Fps > 0 ? config.Fps : fps;
        _pipe = process.StandardOutput.BaseStream;
    }

    internal static List<string> Arguments(CameraConfig config)
    {
        var args = new List<string> { "-hide_banner", "-nostdin", "-loglevel", "info" };
        if (config.Source.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase))
            args.AddRange(["-rtsp_transport", config.RtspTransport]);
        args.AddRange(["-i", config.Location, "-an", "-sn", "-dn"]);
        if (config.Width > 0)
            args.AddRange(["-vf", string.Create(CultureInfo.InvariantCulture, $"scale={config.Width}:{config.Height}")]);
        args.AddRange(["-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1"]);
        return args;
    }

    private void DrainStderr(Process process, TaskCompletionSource<(int, int, double)> size)
    {
        var inOutput = false;
        double inputFps = 0;
        try
        {
            while (process.StandardError.ReadLine() is { } line)
            {
                if (line.StartsWith("Output #0", StringComparison.Ordinal)) inOutput = true;
                var m = StreamLine().Match(line);
                if (m.Success)
                {
                    if (double.TryParse(m.Groups[3].Value, CultureInfo.InvariantCulture, out var fps) && !inOutput) inputFps = fps;
                    if (inOutput)
                        size.TrySetResult((int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                            int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), inputFps));
                }
                if (line.Contains("rror", StringComparison.Ordinal) || line.Contains("failed", StringComparison.OrdinalIgnoreCase)
                    || line.Contains("refused", StringComparison.OrdinalIgnoreCase) || line.Contains("Invalid", StringComparison.Ordinal))
                    _lastError = Redact(line.Trim());
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { }
        size.TrySetResult((0, 0, 0));
    }

    public unsafe ReadResult Read(Mat into)
    {
        var pipe = _pipe;
        if (pipe is null) return ReadResult.Disconnected;
        if (into.Rows != _height || into.Cols != _width || into.Type() != MatType.CV_8UC3)
            into.Create(_height, _width, MatType.CV_8UC3);
        var pixels = new Span<byte>((void*)into.Data, _width * _height * 3);
        try
        {
            pipe.ReadExactly(pixels);
            return ReadResult.Frame;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ObjectDisposedException)
        {
            return ReadResult.Disconnected;
        }
    }

    /// <summary>Why the last attempt failed, as ffmpeg put it.</summary>
    public string LastError => _lastError;

    public void Interrupt()
    {
        try { _process?.Kill(entireProcessTree: true); }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    private void Close()
    {
        if (_process is null) return;
        Interrupt();
        // Nothing else reaps children here: wait, so no zombie ffmpeg stays behind.
        _process.WaitForExit(5000);
        _process.Dispose();
        _process = null;
        _pipe = null;
    }

    public void Dispose() => Close();

    [GeneratedRegex(@"Stream #\d+:\d+.*: Video: .*?, (\d{2,5})x(\d{2,5})(?:.*?, ([\d.]+) fps)?")]
    private static partial Regex StreamLine();

    [GeneratedRegex(@"://[^/@\s]+@")]
    private static partial Regex UserInfo();
}
