using System.Device.Gpio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;

namespace SmartCam.Tests.Unit;

/// <summary>
/// <see cref="OutputBank"/> on a <see cref="RecordingGpioDriver"/>: the levels that reach the pins, when, and
/// the errors for hardware that is missing or taken (the missing chip through the real libgpiod path).
/// </summary>
public class ActuationTests
{
    // Waits for something that must happen: generous, as the machine may be busy; it costs nothing when all is well.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    // An active-high relay that is off when safe, and an active-low relay board whose safe level is high.
    private static readonly OutputDefinition Door = new("door_relay", "gpio", 0, 17, ActiveHigh: true, SafeHigh: false);
    private static readonly OutputDefinition Strike = new("strike", "gpio", 0, 22, ActiveHigh: false, SafeHigh: true);
    private static readonly OutputDefinition Beacon = new("beacon", "gpio", 0, 27, ActiveHigh: true, SafeHigh: false);

    private static (OutputBank Bank, RecordingGpioDriver Driver) Open(TimeSpan watchdog, params OutputDefinition[] outputs)
    {
        var driver = new RecordingGpioDriver();
        return (OutputBank.Open(outputs, _ => driver, NullLogger.Instance, watchdog), driver);
    }

    private static OutputTransition NextTransition(OutputBank bank) => Eventually.Get<OutputTransition>(bank.TryReadTransition, Wait, "an output transition");

    [Fact]
    public void Open_drives_every_output_to_its_safe_level_active_low_included()
    {
        var (bank, driver) = Open(TimeSpan.Zero, Door, Strike);
        using (bank)
        {
            Assert.Equal([(17, PinValue.Low), (22, PinValue.High)], driver.Writes.Select(w => (w.Pin, w.Value)).ToArray());
            Assert.True(driver.IsOpen(17));
            Assert.True(driver.IsOpen(22));
            Assert.Equal("gpiochip0 line 17 via RecordingGpioDriver", bank.Describe(0));
            Assert.False(bank.TryReadTransition(out _)); // the starting level is the baseline, not a transition
        }
    }

    [Fact]
    public void Set_writes_the_active_level_inverted_for_an_active_low_output()
    {
        var (bank, driver) = Open(TimeSpan.Zero, Door, Strike);
        using (bank)
        {
            bank.Set(0, true, 0, 0);
            bank.Set(1, true, 0, 1);
            Assert.True(driver.WaitForWrites(4, Wait));
            Assert.Equal(PinValue.High, driver.Level(17));
            Assert.Equal(PinValue.Low, driver.Level(22)); // active-low: on is low

            var strikeOn = new[] { NextTransition(bank), NextTransition(bank) }.Single(t => t.Output == 1);
            Assert.True(strikeOn.Active);
            Assert.False(strikeOn.High);
        }
    }

    [Fact]
    public void A_write_the_driver_refuses_is_counted_and_the_other_outputs_go_on()
    {
        var (bank, driver) = Open(TimeSpan.Zero, Door, Beacon);
        using (bank)
        {
            driver.SimulateWriteFailure(Door.Line);
            bank.Set(0, true, 1000, 0); // refused
            bank.Set(1, true, 2000, 1); // applied after it, in the order asked
            var beaconOn = NextTransition(bank);
            Assert.Equal((1, true, 2000L), (beaconOn.Output, beaconOn.Active, beaconOn.CauseCaptureNs));
            Assert.False(bank.TryReadTransition(out _)); // the refused write is no transition: its level never reached the pin
            // Each try counts: sc-actuate tries the door again whenever it brings the pins up to date (after each request).
            var counters = bank.Counters;
            Assert.True(counters.WriteFailures >= 1, $"{counters.WriteFailures} write failures counted");
            Assert.Equal((0L, 0L), (counters.RequestsDropped, counters.TransitionsDropped));
            Assert.Equal(PinValue.Low, driver.Level(Door.Line));
            Assert.Equal(PinValue.High, driver.Level(Beacon.Line));
        }
    }

    [Fact]
    public void Only_changes_of_level_are_written()
    {
        var (bank, driver) = Open(TimeSpan.Zero, Door);
        using (bank)
        {
            bank.Set(0, false, 0, 0); // already safe (inactive): nothing to write
            bank.Set(0, true, 0, 0);
            bank.Set(0, true, 0, 0);
            bank.Set(0, false, 0, 0);
            // A last change as a marker: requests are applied in order, so once its write is there every
            // request before it has been applied, and a repeated write would show before the marker.
            bank.Set(0, true, 0, 0);
            Assert.True(driver.WaitForWrites(4, Wait));
            Assert.Equal([PinValue.Low, PinValue.High, PinValue.Low, PinValue.High], driver.Writes.Select(w => w.Value).ToArray());
        }
    }

    [Fact]
    public void SetAllSafe_writes_safe_levels_before_returning_and_is_idempotent()
    {
        var (bank, driver) = Open(TimeSpan.Zero, Door, Strike);
        using (bank)
        {
            bank.Set(0, true, 0, 0);
            bank.Set(1, true, 0, 1);
            Assert.True(driver.WaitForWrites(4, Wait));
            NextTransition(bank);
            NextTransition(bank);

            bank.SetAllSafe();
            Assert.Equal(PinValue.Low, driver.Level(17)); // no waiting: done on this thread
            Assert.Equal(PinValue.High, driver.Level(22));
            bank.SetAllSafe();
            Assert.Equal(PinValue.Low, driver.Level(17));
            Assert.Equal(PinValue.High, driver.Level(22));

            var safe = new[] { NextTransition(bank), NextTransition(bank) };
            Assert.All(safe, t => Assert.Equal(OutputTransition.Safe, t.RuleIndex));
            Assert.All(safe, t => Assert.False(t.Active));
            Assert.False(bank.TryReadTransition(out _)); // the second call changed nothing
        }
    }

    [Fact]
    public void Dispose_drives_outputs_safe_and_releases_the_lines()
    {
        var (bank, driver) = Open(TimeSpan.Zero, Door, Strike);
        bank.Set(0, true, 0, 0);
        bank.Set(1, true, 0, 1);
        Assert.True(driver.WaitForWrites(4, Wait));

        bank.Dispose();
        Assert.Equal(PinValue.Low, driver.Level(17));
        Assert.Equal(PinValue.High, driver.Level(22));
        Assert.False(driver.IsOpen(17));
        Assert.False(driver.IsOpen(22));
        Assert.True(driver.IsDisposed);
        bank.Dispose();
    }

    [Fact]
    public void Watchdog_drives_outputs_safe_without_heartbeats_and_they_follow_requests_again_once_heartbeats_resume()
    {
        // 1 s, not less: a busy machine can stall the test thread or the heartbeat thread for a few hundred ms,
        // and a watchdog that trips then would be right, and the test wrong.
        const long WatchdogMs = 1000;
        var (bank, driver) = Open(TimeSpan.FromMilliseconds(WatchdogMs), Door, Strike);
        using (bank)
        {
            Thread.Sleep((int)WatchdogMs + 200); // the thing under test: longer than the watchdog time, without any heartbeat yet
            Assert.False(bank.WatchdogTripped); // not armed before the first heartbeat: a slow start is no fault
            var lastBeat = MonotonicClock.NowNs();
            bank.Heartbeat(lastBeat);
            bank.Set(0, true, lastBeat, 0);
            bank.Set(1, true, lastBeat, 1);
            Assert.True(driver.WaitForWrites(4, Wait));
            NextTransition(bank);
            NextTransition(bank);

            // No heartbeat: within the watchdog time (plus scheduling) both go safe.
            Assert.True(driver.WaitForWrites(6, Wait));
            var tripped = new[] { NextTransition(bank), NextTransition(bank) };
            Assert.All(tripped, t => Assert.Equal(OutputTransition.Watchdog, t.RuleIndex));
            Assert.All(tripped, t => Assert.True(t.ActuateNs - lastBeat >= WatchdogMs * 1_000_000));
            Assert.Equal(PinValue.Low, driver.Level(17));
            Assert.Equal(PinValue.High, driver.Level(22));
            Assert.True(bank.WatchdogTripped);

            using var beating = new CancellationTokenSource();
            var heart = new Thread(() =>
            {
                while (!beating.IsCancellationRequested)
                {
                    bank.Heartbeat(MonotonicClock.NowNs());
                    Thread.Sleep(10); // the heartbeat's pace, well inside the watchdog time
                }
            });
            heart.Start();
            try
            {
                // Heartbeats resume: what was asked for last applies again, and the next request works.
                Assert.True(driver.WaitForWrites(8, Wait));
                Assert.False(bank.WatchdogTripped);
                Assert.Equal(PinValue.High, driver.Level(17));
                NextTransition(bank);
                NextTransition(bank);
                bank.Set(0, false, 0, 5);
                var off = NextTransition(bank);
                Assert.Equal((0, false, 5), (off.Output, off.Active, off.RuleIndex));
            }
            finally
            {
                beating.Cancel();
                heart.Join();
            }
        }
    }

    [Fact]
    public void A_missing_chip_is_named_with_what_exists_and_what_to_do()
    {
        if (File.Exists("/dev/gpiochip7")) return; // the point is a chip this machine does not have

        var error = Assert.Throws<OutputException>(() =>
            OutputBank.Open([Door with { Chip = 7 }], driverForChip: null, NullLogger.Instance, TimeSpan.Zero));

        Assert.StartsWith("output door_relay: GPIO chip 7 (/dev/gpiochip7) does not exist on this machine; available: ", error.Message);
        if (Directory.GetFiles("/dev", "gpiochip*").Length == 0) Assert.Contains("available: none.", error.Message);
        Assert.Contains("driver: log", error.Message);
        Assert.DoesNotContain(" at ", error.Message);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void A_line_in_use_is_named_with_output_chip_and_line_and_nothing_stays_open()
    {
        var driver = new RecordingGpioDriver();
        driver.SimulateLineInUse(27);

        var error = Assert.Throws<OutputException>(() => OutputBank.Open([Door, Beacon], _ => driver, NullLogger.Instance, TimeSpan.Zero));

        Assert.StartsWith("output beacon: GPIO chip 0 line 27 is already in use", error.Message);
        Assert.Contains("gpioinfo gpiochip0", error.Message);
        Assert.False(driver.IsOpen(17)); // the door relay, opened first, was released again at its safe level
        Assert.Equal(PinValue.Low, driver.Level(17));
        Assert.True(driver.IsDisposed);
    }

    [Fact]
    public void Two_outputs_on_one_line_are_refused()
    {
        var driver = new RecordingGpioDriver();
        var error = Assert.Throws<OutputException>(() =>
            OutputBank.Open([Door, Beacon with { Line = 17 }], _ => driver, NullLogger.Instance, TimeSpan.Zero));
        Assert.Equal("output beacon: GPIO chip 0 line 17 is already output door_relay; give each output its own line.", error.Message);
    }

    [Fact]
    public void Transitions_carry_the_cause_capture_time_and_the_time_after_the_write()
    {
        var (bank, driver) = Open(TimeSpan.Zero, Door);
        using (bank)
        {
            var capture = MonotonicClock.NowNs() - 30_000_000; // the frame was captured 30 ms ago
            bank.Set(0, true, capture, 3);
            var t = NextTransition(bank);

            Assert.Equal(new OutputTransition(0, true, true, capture, t.ActuateNs, 3), t);
            Assert.True(t.ActuateNs >= capture);
            Assert.True(t.ActuateNs >= driver.Writes[^1].Ns); // stamped after the write, not before
        }
    }

    [Fact]
    public void Log_outputs_record_transitions_like_pins_and_log_them()
    {
        var log = new ListLogger();
        using var bank = OutputBank.Open([new OutputDefinition("lamp", "log", 0, 0, ActiveHigh: true, SafeHigh: false)], null, log, TimeSpan.Zero);
        Assert.Equal("log", bank.Describe(0));

        bank.Set(0, true, MonotonicClock.NowNs(), 2);
        var t = NextTransition(bank);

        Assert.Equal((0, true, true, 2), (t.Output, t.High, t.Active, t.RuleIndex));
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Information && l.Text.StartsWith("Output lamp: active (high), rule 2"));
    }

    private sealed class ListLogger : ILogger
    {
        private readonly List<(LogLevel Level, string Text)> _lines = [];

        public (LogLevel Level, string Text)[] Lines
        {
            get { lock (_lines) return _lines.ToArray(); }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines) _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
