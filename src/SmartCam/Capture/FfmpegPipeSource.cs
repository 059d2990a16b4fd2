using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OpenCvSharp;
using SmartCam.Configuration;
using SmartCam.Core;

namespace SmartCam.Capture;

/// <summary>
/// A network stream (rtsp, http) decoded by Debian's ffmpeg in a child process that writes raw BGR
/// frames to a pipe: the FFmpeg inside OpenCvSharp's runtime is built without networking. Each frame is
/// read straight into the caller's <see cref="Mat"/>. The child is killed and reaped on every close.
/// A stream that stops delivering frames without closing (a camera that hangs, a stalled network path)
/// is noticed by this class's own timer after <c>camera.stall_ms</c>: it kills the child, and the read
/// reports <see cref="ReadResult.Stalled"/> so the capture loop reconnects.
/// </summary>
public sealed partial class FfmpegPipeSource(CameraConfig config, string ffmpegPath = "ffmpeg") : IFrameSource
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private Process? _process;
    private Stream? _pipe;
    private int _width, _height;
    private volatile string _lastError = "";
    private Timer? _stallTimer;
    private long _lastDataNs, _damaged, _lastWaitNs;
    private volatile bool _stalled;

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
        _stalled = false;
        Interlocked.Exchange(ref _lastDataNs, MonotonicClock.NowNs());
        var check = TimeSpan.FromMilliseconds(Math.Max(10, config.StallMs / 10));
        _stallTimer = new Timer(_ => KillIfStalled(process), null, check, check);
    }

    /// <summary>
    /// On a timer thread, not the capture thread: the capture thread may be blocked in the pipe read, which
    /// only this kill ends. A stream that sends nothing for <c>stall_ms</c> is treated as lost. The timer's
    /// own child is the one killed, so a late tick can never hit the next connection's.
    /// </summary>
    private void KillIfStalled(Process process)
    {
        if (_stalled || process != _process || MonotonicClock.NowNs() - Interlocked.Read(ref _lastDataNs) < config.StallMs * 1_000_000L) return;
        _stalled = true;
        try { process.Kill(entireProcessTree: true); }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    internal static List<string> Arguments(CameraConfig config)
    {
        var args = new List<string> { "-hide_banner", "-nostdin", "-loglevel", "info" };
        if (config.Source.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase))
        {
            // RTSP's SDP carries the stream's parameters (H.264 SPS/PPS), so nothing needs probing: without
            // these ffmpeg buffered about 3 s of frames before the first came out (then handed them over in a
            // burst). Measured on the test camera: 3.7 s to the first frame with the defaults, 0.8 s with these.
            args.AddRange(["-rtsp_transport", config.RtspTransport, "-fflags", "nobuffer", "-flags", "low_delay",
                "-probesize", "32", "-analyzeduration", "0"]);
        }
        args.AddRange(["-i", config.Location, "-an", "-sn", "-dn"]);
        if (config.Width > 0)
            args.AddRange(["-vf", string.Create(CultureInfo.InvariantCulture, $"scale={config.Width}:{config.Height}")]);
        // passthrough: each decoded frame once, when it is decoded. The rawvideo muxer's default is constant
        // frame rate, which duplicates and drops frames against their timestamps and sends the duplicates
        // back to back (counted as drops downstream).
        args.AddRange(["-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "bgr24", "pipe:1"]);
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
                // ffmpeg's own per-frame report of a frame its decoder had to conceal errors in.
                if (line.Contains("corrupt decoded frame", StringComparison.Ordinal)) Interlocked.Increment(ref _damaged);
                else if (line.Contains("rror", StringComparison.Ordinal) || line.Contains("failed", StringComparison.OrdinalIgnoreCase)
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
        var started = MonotonicClock.NowNs();
        try
        {
            // The first bytes of a frame come when ffmpeg has it: until then the camera is what we wait for.
            var first = pipe.Read(pixels);
            var arrived = MonotonicClock.NowNs();
            Interlocked.Exchange(ref _lastWaitNs, arrived - started);
            if (first == 0) return _stalled ? ReadResult.Stalled : ReadResult.Disconnected;
            pipe.ReadExactly(pixels[first..]);
            Interlocked.Exchange(ref _lastDataNs, MonotonicClock.NowNs());
            return ReadResult.Frame;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ObjectDisposedException)
        {
            return _stalled ? ReadResult.Stalled : ReadResult.Disconnected;
        }
    }

    /// <summary>How long the last read waited for the frame's first bytes: the camera's pace, not decoding.</summary>
    public long LastWaitNs => Interlocked.Read(ref _lastWaitNs);

    /// <summary>Frames ffmpeg delivered but reported as corrupt (its decoder concealed errors in them), since start.</summary>
    public long DamagedFrames => Interlocked.Read(ref _damaged);

    public void Interrupt()
    {
        try { _process?.Kill(entireProcessTree: true); }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    private void Close()
    {
        _stallTimer?.Dispose();
        _stallTimer = null;
        if (_process is null) return;
        Interrupt();
        // Nothing else reaps children here: wait, so no zombie ffmpeg stays behind.
        _process.WaitForExit(5000);
        _process.Dispose();
        _process = null;
        _pipe = null;
    }

    public void Dispose() => Close();

    // The rate: "25 fps" where ffmpeg measured it, else "10 tbr", its guess from the stream's timing
    // (all there is for RTSP without probing; H.264 carries it in the SPS).
    [GeneratedRegex(@"Stream #\d+:\d+.*: Video: .*?, (\d{2,5})x(\d{2,5})(?:.*?, ([\d.]+) (?:fps|tbr))?")]
    private static partial Regex StreamLine();

    [GeneratedRegex(@"://[^/@\s]+@")]
    private static partial Regex UserInfo();
}
