using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace SmartCam.Logging;

/// <summary>How lines look: the console logger's simple single-line format, or systemd's (a syslog priority first, for the journal).</summary>
public enum LogStyle
{
    Simple,
    Systemd,
}

/// <param name="TimestampFormat">A DateTime format for a UTC timestamp at the start of each line (after the priority under systemd), or null for none.</param>
public sealed record LogFormat(LogStyle Style, string? TimestampFormat);

/// <summary>
/// Writes a record as Microsoft.Extensions.Logging.Console wrote it before the ring replaced it (scripts, tests and
/// people grep these lines): SimpleConsoleFormatter with SingleLine, "12:00:00.000 info: SmartCam[0] message", or
/// SystemdConsoleFormatter, "&lt;6&gt;SmartCam[0] message". Newlines in a message or exception become spaces.
/// </summary>
public static class LogLine
{
    public static void Append(StringBuilder line, in LogRecord record, LogFormat format)
    {
        if (format.Style == LogStyle.Systemd) line.Append(SyslogPriority(record.Level));
        if (format.TimestampFormat is { } timestamp)
            line.Append(new DateTime(record.UtcTicks, DateTimeKind.Utc).ToString(timestamp, CultureInfo.InvariantCulture));
        if (format.Style == LogStyle.Simple) line.Append(LevelName(record.Level)).Append(": ");
        line.Append(record.Category).Append('[').Append(record.EventId).Append(']');
        if (!string.IsNullOrEmpty(record.Text)) AppendOneLine(line.Append(' '), record.Text);
        if (record.Exception is { } exception) AppendOneLine(line.Append(' '), exception.ToString());
        line.Append('\n');
    }

    private static void AppendOneLine(StringBuilder line, string text)
    {
        var start = line.Length;
        line.Append(text);
        line.Replace("\n", " ", start, line.Length - start);
    }

    /// <summary>The console formatter's four-letter level names.</summary>
    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    /// <summary>The syslog priority systemd's formatter starts a line with (sd-daemon(3)).</summary>
    public static string SyslogPriority(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "<7>",
        LogLevel.Information => "<6>",
        LogLevel.Warning => "<4>",
        LogLevel.Error => "<3>",
        _ => "<2>",
    };
}
