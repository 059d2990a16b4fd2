using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OpenCvSharp;
using SmartCam.Configuration;
using SmartCam.Core;

namespace SmartCam.Capture;

/// <summary>
/// A network stream (rtsp, http) decoded by Debian's ffmpeg in a child process that writes raw YUV 4:2:0
/// frames to a pipe: the FFmpeg inside OpenCvSharp's runtime is built without networking. Each frame is
/// read straight into the frame slot's picture (half the bytes of BGR), then made into the detector's picture like a
/// file's (<see cref="DetectorPictures"/>: at 4K straight to the model's size, never 25 MB of BGR on the loop path). The child is killed and reaped on every close.
/// A stream that stops delivering frames without closing (a camera that hangs, a stalled network path)
/// is noticed by this class's own timer after <c>camera.stall_ms</c>: it kills the child, and the read
/// reports <see cref="ReadResult.Stalled"/> so the capture loop reconnects.
/// </summary>
public sealed partial class FfmpegPipeSource(CameraConfig config, string ffmpegPath = "ffmpeg", HardwareDecoder decoder = default) : IFrameSource, IScalingSource
{
    private readonly DetectorPictures _pictures = new();
    private DecodedPicture? _ownPicture;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private Process? _process;
    private Stream? _pipe;
    private int _width, _height;
    private volatile string _lastError = "";
    private Timer? _stallTimer;
    private long _lastDataNs, _damaged, _lastWaitNs;
    private volatile bool _stalled;

    public double Fps { get; private set; }

    public DetectorPictures Pictures => _pictures;

    /// <summary>For a picture of the given size, the size the detector wants it in (null: full size).</summary>
    public Func<int, int, (int Width, int Height)>? DetectSize { get => _pictures.DetectSize; set => _pictures.DetectSize = value; }

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
        foreach (var arg in Arguments(config, decoder)) info.ArgumentList.Add(arg);
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

    internal static List<string> Arguments(CameraConfig config, HardwareDecoder decoder = default)
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
        args.AddRange(HardwareDecoding.FfmpegArguments(decoder));
        args.AddRange(["-i", config.Location, "-an", "-sn", "-dn"]);
        if (config.Width > 0)
            args.AddRange(["-vf", string.Create(CultureInfo.InvariantCulture, $"scale={config.Width}:{config.Height}")]);
        // passthrough: each decoded frame once, when it is decoded. The rawvideo muxer's default is constant
        // frame rate, which duplicates and drops frames against their timestamps and sends the duplicates
        // back to back (counted as drops downstream).
        // yuv420p: what camera codecs decode to, so ffmpeg converts nothing, and half the bytes of BGR through the pipe.
        args.AddRange(["-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1"]);
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

    public ReadResult Read(Frame into) => _pictures.Fill(ReadPicture(into.Decoded ??= new DecodedPicture()), into);

    /// <summary>The frame at full size in BGR (for callers without a frame slot).</summary>
    public ReadResult Read(Mat into) => _pictures.FillFullSize(ReadPicture(_ownPicture ??= new DecodedPicture()), _ownPicture, into);

    /// <summary>One raw frame off the pipe into <paramref name="picture"/>'s three planes.</summary>
    private ReadResult ReadPicture(DecodedPicture picture)
    {
        var pipe = _pipe;
        if (pipe is null) return ReadResult.Disconnected;
        if (!picture.MakeYuv420(_width, _height)) throw new SourceException($"{Redact(config.Source)}: cannot allocate a {_width}x{_height} picture");
        var started = MonotonicClock.NowNs();
        try
        {
            // The first bytes of a frame come when ffmpeg has it: until then the camera is what we wait for.
            var luma = picture.Plane(0);
            var first = pipe.Read(luma);
            var arrived = MonotonicClock.NowNs();
            Interlocked.Exchange(ref _lastWaitNs, arrived - started);
            if (first == 0) return _stalled ? ReadResult.Stalled : ReadResult.Disconnected;
            pipe.ReadExactly(luma[first..]);
            pipe.ReadExactly(picture.Plane(1));
            pipe.ReadExactly(picture.Plane(2));
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

    public void Dispose()
    {
        Close();
        _ownPicture?.Dispose();
        _pictures.Dispose();
    }

    // The rate: "25 fps" where ffmpeg measured it, else "10 tbr", its guess from the stream's timing
    // (all there is for RTSP without probing; H.264 carries it in the SPS).
    [GeneratedRegex(@"Stream #\d+:\d+.*: Video: .*?, (\d{2,5})x(\d{2,5})(?:.*?, ([\d.]+) (?:fps|tbr))?")]
    private static partial Regex StreamLine();

    [GeneratedRegex(@"://[^/@\s]+@")]
    private static partial Regex UserInfo();
}
