using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace SmartCam.Logging;

/// <summary>
/// The process's one log ring and its drain thread, shared by every logger and by the native libraries' callbacks.
/// Started by the first <see cref="Provider"/>; commands that run the pipeline use it in place of the console logger.
/// </summary>
public static class ProcessLog
{
    /// <summary>Records the ring holds: a start-up's worth of lines and several seconds of a stuck stderr.</summary>
    public const int Capacity = 4096;

    /// <summary>How long shutdown waits for the last lines to get out before leaving them behind.</summary>
    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>smartcam run</c>'s lines: the simple console format with a UTC time, or under systemd (its parent, or
    /// NOTIFY_SOCKET as pid 1) the journal's format with a priority and no time, as AddSystemd made the console logger write.
    /// </summary>
    public static LogFormat ConsoleFormat => SystemdHelpers.IsSystemdService()
        ? new LogFormat(LogStyle.Systemd, null)
        : new LogFormat(LogStyle.Simple, "HH:mm:ss.fff ");

    /// <summary>The benchmarks' warnings: the simple console format without a time, as before.</summary>
    public static LogFormat BenchFormat { get; } = new(LogStyle.Simple, null);

    private static readonly Lock Starting = new();
    private static LogDrain? _drain;

    public static LogRing Ring { get; } = new(Capacity);

    /// <summary>Log records lost: the ring was full (stderr stuck or too slow), or a native library was over its rate.</summary>
    public static long Dropped => Ring.Dropped + NativeLogs.Ffmpeg.Suppressed;

    /// <summary>A logger provider over the ring; the lines look as <paramref name="format"/> says (the latest call decides).</summary>
    public static ILoggerProvider Provider(LogFormat format)
    {
        // Start-up only, on the command's thread, before any loop thread exists.
        lock (Starting)
        {
            if (_drain is null)
            {
                _drain = new LogDrain(Ring, Console.OpenStandardError(), format, [NativeLogs.Ffmpeg]);
                NativeLogs.Route(Ring);
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Flush();
            }
            _drain.Format = format;
        }
        return new RingLoggerProvider(Ring, Flush);
    }

    /// <summary>Waits, at most <see cref="FlushTimeout"/>, for the lines logged so far to be written.</summary>
    public static void Flush() => _drain?.Flush(FlushTimeout);
}
