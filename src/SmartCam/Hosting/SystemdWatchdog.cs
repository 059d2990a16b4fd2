using System.Globalization;
using Microsoft.Extensions.Hosting.Systemd;

namespace SmartCam.Hosting;

/// <summary>
/// Sends systemd's watchdog keep-alive (<c>WATCHDOG=1</c>) only while the pipeline makes progress: a
/// frame was published since the last check, or the camera is between frames for a reason the service
/// handles itself (starting, reconnecting). A hung inference or publish thread stops the keep-alives,
/// and systemd restarts the service (<c>WatchdogSec=</c>, <c>Restart=on-failure</c>). It also reports
/// <c>READY=1</c> and <c>STOPPING=1</c> itself: Microsoft.Extensions.Hosting.Systemd only does so when it
/// can see that its parent is systemd, which <c>ProtectProc=invisible</c> hides (/proc/1 is not visible).
/// </summary>
public sealed class SystemdWatchdog : IDisposable
{
    private readonly ISystemdNotifier _notifier;
    private readonly DetectionPipeline _pipeline;
    private readonly TimeSpan _interval;
    private readonly Timer? _timer;
    private long _lastPublishedNs = -1;

    public SystemdWatchdog(DetectionPipeline pipeline) : this(new SystemdNotifier(), pipeline)
    {
    }

    public SystemdWatchdog(ISystemdNotifier notifier, DetectionPipeline pipeline)
    {
        _notifier = notifier;
        _pipeline = pipeline;
        // systemd sets WATCHDOG_USEC when the unit has WatchdogSec=; ping at half of it, as sd_watchdog_enabled(3) advises.
        if (!notifier.IsEnabled || !long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), CultureInfo.InvariantCulture, out var usec) || usec <= 0)
            return;
        _interval = TimeSpan.FromMicroseconds(usec / 2);
        _timer = new Timer(_ => Check(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan); // started by Ready
    }

    /// <summary>
    /// Tells systemd the service is up (Type=notify), then starts the keep-alives: systemd's watchdog runs from the
    /// end of start-up, and a keep-alive before READY=1 would tell it nothing. Nothing when not started by systemd.
    /// </summary>
    public void Ready()
    {
        if (!_notifier.IsEnabled) return;
        _notifier.Notify(new ServiceState("READY=1"));
        _timer?.Change(_interval, _interval);
    }

    public void Stopping()
    {
        if (_notifier.IsEnabled) _notifier.Notify(new ServiceState("STOPPING=1"));
    }

    private void Check()
    {
        var published = _pipeline.Publishing.LastPublishedNs;
        var state = _pipeline.CaptureState;
        // Before the first frame is out (a slow first inference, an emulated CPU) the service is still starting.
        var progressing = published != _lastPublishedNs || published == 0 || state is "starting" or "reconnecting";
        _lastPublishedNs = published;
        if (progressing) _notifier.Notify(new ServiceState("WATCHDOG=1"));
    }

    public void Dispose() => _timer?.Dispose();
}
