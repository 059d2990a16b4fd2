using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace SmartCam.Logging;

/// <summary>
/// The native libraries' own logging, off stderr and into the <see cref="LogRing"/>. FFmpeg (linked into
/// libOpenCvSharpExtern) writes decoder errors straight to fd 2 from whichever thread decodes, sc-capture included,
/// under a mutex of its own: a damaged file printed one or more lines per frame, and with stderr a pipe nobody read
/// the capture thread blocked in write(2) for good. Its log callback is replaced by one that formats into a stack
/// buffer and queues the line (no allocation, no lock), at most <see cref="FfmpegLinesPerSecond"/> a second. OpenCV's
/// own logger (warnings such as "packet read max attempts exceeded", also from sc-capture) has no callback that
/// OpenCvSharp exports, so it is silenced unless OPENCV_LOG_LEVEL asks otherwise; its errors reach us as exceptions.
/// </summary>
public static unsafe class NativeLogs
{
    public const int FfmpegLinesPerSecond = 20;
    public const string FfmpegCategory = "FFmpeg";

    // FFmpeg's log levels (libavutil/log.h).
    private const int AvLogFatal = 8, AvLogError = 16, AvLogWarning = 24, AvLogInfo = 32;

    // No static initialisers (so no type initialiser, whose lock a loop thread could meet): set by Route.
    private static LogRing? _ring;
    private static RateLimit? _limit;
    private static delegate* unmanaged<nint, int, byte*, nint, byte*, int, int*, int> _formatLine;
    private static delegate* unmanaged<int> _getLevel;

    /// <summary>
    /// Routes FFmpeg's log into <paramref name="ring"/>, through <paramref name="limit"/>, and quietens OpenCV's; false if
    /// the library lacks the entry points. Call before any video is opened.
    /// </summary>
    public static bool Route(LogRing ring, RateLimit limit)
    {
        _limit = limit;
        _ring = ring;
        if (Environment.GetEnvironmentVariable("OPENCV_LOG_LEVEL") is null) OpenCvSharp.Cv2.SetLogLevel(OpenCvSharp.LogLevel.SILENT);
        if (!TryLoadOpenCvSharpExtern(out var library)
            || !NativeLibrary.TryGetExport(library, "av_log_set_callback", out var setCallback)
            || !NativeLibrary.TryGetExport(library, "av_log_format_line2", out var formatLine)
            || !NativeLibrary.TryGetExport(library, "av_log_get_level", out var getLevel))
            return false;
        _formatLine = (delegate* unmanaged<nint, int, byte*, nint, byte*, int, int*, int>)formatLine;
        _getLevel = (delegate* unmanaged<int>)getLevel;
        ((delegate* unmanaged<delegate* unmanaged<nint, int, byte*, nint, void>, void>)setCallback)(&OnFfmpegLog);
        return true;
    }

    /// <summary>
    /// FFmpeg's log callback, on any thread. The va_list arrives as a pointer (x86-64 SysV: va_list is an array type;
    /// AAPCS64: a 32-byte struct, passed by reference) and goes on to av_log_format_line2 unchanged.
    /// </summary>
    [UnmanagedCallersOnly]
    private static void OnFfmpegLog(nint avClass, int level, byte* format, nint args)
    {
        var ring = _ring;
        var limit = _limit;
        // OpenCV sets FFmpeg's level (AV_LOG_ERROR unless OPENCV_FFMPEG_LOGLEVEL says otherwise); the default callback checked it, so does this one.
        if (ring is null || limit is null || format is null || level > _getLevel() || !limit.TryTake()) return;
        var line = stackalloc byte[LogRing.NativeLineBytes];
        var printPrefix = 1;
        var length = _formatLine(avClass, level, format, args, line, LogRing.NativeLineBytes, &printPrefix);
        if (length <= 0) return;
        length = Math.Min(length, LogRing.NativeLineBytes - 1);
        while (length > 0 && (line[length - 1] == (byte)'\n' || line[length - 1] == (byte)'\r')) length--;
        if (length > 0) ring.TryWrite(LevelOf(level), FfmpegCategory, new ReadOnlySpan<byte>(line, length));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static LogLevel LevelOf(int avLevel) => avLevel switch
    {
        <= AvLogFatal => LogLevel.Critical,
        <= AvLogError => LogLevel.Error,
        <= AvLogWarning => LogLevel.Warning,
        <= AvLogInfo => LogLevel.Information,
        _ => LogLevel.Debug,
    };

    /// <summary>The library OpenCvSharp itself loaded: beside the binary (the AOT build, and the JIT build's output folder).</summary>
    internal static bool TryLoadOpenCvSharpExtern(out nint library) =>
        NativeLibrary.TryLoad(Path.Combine(AppContext.BaseDirectory, "libOpenCvSharpExtern.so"), out library)
        || NativeLibrary.TryLoad("OpenCvSharpExtern", typeof(OpenCvSharp.Mat).Assembly, null, out library);
}
