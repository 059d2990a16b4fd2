using Microsoft.Extensions.Logging;

namespace SmartCam.Logging;

/// <summary>
/// Microsoft.Extensions.Logging over the <see cref="LogRing"/>: a log call formats its message on the calling thread
/// (it may allocate: logging is rare, not per frame) and queues it without a lock; the drain thread writes it.
/// Replaces the console logger, whose queue takes a lock shared with its writer thread and waits when full.
/// </summary>
public sealed class RingLoggerProvider(LogRing ring, Action onDispose) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new RingLogger(ring, categoryName);

    /// <summary>Lets the lines logged so far out (within a bound) as the host or factory shuts down.</summary>
    public void Dispose() => onDispose();

    private sealed class RingLogger(LogRing ring, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var text = formatter(state, exception);
            if (string.IsNullOrEmpty(text) && exception is null) return;
            ring.TryWrite(logLevel, category, eventId.Id, text, exception);
        }
    }
}
