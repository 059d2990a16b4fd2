using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace SmartCam.Logging;

/// <summary>
/// The process's one log ring and its drain thread, shared by every logger and by the native libraries' callbacks.
/// Started by the first <see cref="Provider"/>; commands that run the pipeline use it in place of the console logger.
/// No static initialisers: <see cref="Dropped"/> is read on sc-publish, which must not be the thread that runs a type
/// initialiser (a lock, and the ring's allocation).
/// fd 2 itself is left as it is (no pipe of ours dup2'd onto it): the runtime's and native code's last words on a crash
/// must reach the journal when no managed thread runs any more, Console.Error's one-line errors must not be reordered,
/// and the only per-frame writers to fd 2 found (FFmpeg, OpenCV; StuckStderrTests on a damaged file) are routed or
/// silenced. ONNX Runtime logs when a session is created, at start-up.
/// </summary>
public static class ProcessLog
{
    /// <summary>Records the ring holds: a start-up's worth of lines and several seconds of a stuck stderr.</summary>
    public const int Capacity = 4096;

    /// <summary>How long shutdown waits for the last lines to get out before leaving them behind.</summary>
    public const int FlushTimeoutMs = 1000;

    private static LogRing? _ring;
    private static RateLimit? _ffmpeg;
    private static LogDrain? _drain;

    /// <summary>
    /// <c>smartcam run</c>'s lines: the simple console format with a UTC time, or under systemd (its parent, or
    /// NOTIFY_SOCKET as pid 1) the journal's format with a priority and no time, as AddSystemd made the console logger write.
    /// </summary>
    public static LogFormat ConsoleFormat => SystemdHelpers.IsSystemdService()
        ? new LogFormat(LogStyle.Systemd, null)
        : new LogFormat(LogStyle.Simple, "HH:mm:ss.fff ");

    /// <summary>The benchmarks' warnings: the simple console format without a time, as before.</summary>
    public static LogFormat BenchFormat => new(LogStyle.Simple, null);

    /// <summary>Log records lost: the ring was full (stderr stuck or too slow), or FFmpeg logged over its rate. 0 before a provider.</summary>
    public static long Dropped => (Volatile.Read(ref _ring)?.Dropped ?? 0) + (Volatile.Read(ref _ffmpeg)?.Suppressed ?? 0);

    /// <summary>A logger provider over the ring; the lines look as <paramref name="format"/> says (the latest call decides).</summary>
    public static ILoggerProvider Provider(LogFormat format) => new RingLoggerProvider(Start(format), Flush);

    /// <summary>
    /// Starts the ring and its drain thread and routes the native libraries' logs into it, once; later calls only set
    /// the format. For a command that runs the pipeline without a logger of its own (jitter), this alone.
    /// </summary>
    public static LogRing Start(LogFormat format)
    {
        // Start-up only, on the command's thread, before any loop thread exists.
        lock (Gate.Starting)
        {
            if (_drain is null)
            {
                var ring = new LogRing(Capacity);
                var ffmpeg = new RateLimit(NativeLogs.FfmpegCategory, NativeLogs.FfmpegLinesPerSecond);
                _drain = new LogDrain(ring, Console.OpenStandardError(), format, [ffmpeg]);
                NativeLogs.Route(ring, ffmpeg);
                Volatile.Write(ref _ffmpeg, ffmpeg);
                Volatile.Write(ref _ring, ring);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Flush();
            }
            _drain.Format = format;
            return _ring!;
        }
    }

    /// <summary>Waits, at most <see cref="FlushTimeoutMs"/>, for the lines logged so far to be written.</summary>
    public static void Flush() => Volatile.Read(ref _drain)?.Flush(TimeSpan.FromMilliseconds(FlushTimeoutMs));

    private static class Gate
    {
        public static readonly Lock Starting = new();
    }
}
