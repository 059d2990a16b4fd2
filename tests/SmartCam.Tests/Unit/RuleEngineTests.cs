using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Core;

namespace SmartCam.Tests.Unit;

/// <summary>
/// Rule semantics on hand-computed timelines: frames at chosen instants (ms), no clock, no threads, except
/// where the test is about the actuate thread ending an activation by itself.
/// </summary>
public class RuleEngineTests
{
    private const long Ms = 1_000_000;
    private const long Origin = 10_000 * Ms; // away from 0, so "never fired" is not confused with "fired at 0"

    private static long T(long ms) => Origin + ms * Ms;

    private static RuleEngine One(int minFrames = 1, int holdMs = 0, int pulseMs = 0, int cooldownMs = 0) =>
        new([("r", 0, new RuleTiming(minFrames, holdMs, pulseMs, cooldownMs))], 1);

    /// <summary>One frame at <paramref name="ms"/>; returns whether output 0 is wanted active right then.</summary>
    private static bool Frame(RuleEngine engine, long ms, params bool[] conditions)
    {
        engine.Evaluate(conditions, T(ms), T(ms), null);
        return engine.OutputActive(0, T(ms));
    }

    [Fact]
    public void Debounce_two_true_frames_do_not_fire_with_min_frames_3()
    {
        var e = One(minFrames: 3);
        Assert.False(Frame(e, 0, true));
        Assert.False(Frame(e, 100, true));
        Assert.Equal(0, e.States[0].Fired);
        Assert.Equal(2, e.States[0].Streak);
    }

    [Fact]
    public void Debounce_three_consecutive_true_frames_fire_on_the_third()
    {
        var e = One(minFrames: 3);
        Frame(e, 0, true);
        Frame(e, 100, true);
        Assert.True(Frame(e, 200, true));
        Assert.Equal(1, e.States[0].Fired);
        Assert.Equal(T(200), e.States[0].LastFiredNs);
    }

    [Fact]
    public void Debounce_a_false_frame_in_between_resets_the_count()
    {
        var e = One(minFrames: 3);
        Frame(e, 0, true);
        Frame(e, 100, true);
        Assert.False(Frame(e, 200, false));
        Assert.False(Frame(e, 300, true));
        Assert.False(Frame(e, 400, true));
        Assert.True(Frame(e, 500, true)); // three in a row again: 300, 400, 500
    }

    [Fact]
    public void Debounce_min_frames_0_and_1_fire_on_the_first_true_frame()
    {
        Assert.True(Frame(One(minFrames: 0), 0, true));
        Assert.True(Frame(One(minFrames: 1), 0, true));
    }

    [Fact]
    public void Hold_keeps_the_output_active_for_hold_ms_after_the_condition_clears()
    {
        var e = One(holdMs: 2000);
        Assert.True(Frame(e, 0, true));
        Assert.Equal(long.MaxValue, e.OutputActiveUntilNs[0]); // while the condition holds: no end yet
        Assert.True(Frame(e, 100, false)); // cleared at 100: active until 2100
        Assert.Equal(T(2100), e.OutputActiveUntilNs[0]);
        Assert.True(Frame(e, 1000, false));
        Assert.True(Frame(e, 2099, false));
        Assert.False(Frame(e, 2100, false));
        Assert.Equal(1, e.States[0].Fired);
    }

    [Fact]
    public void Hold_is_renewed_by_a_new_true_within_it()
    {
        var e = One(holdMs: 2000);
        Frame(e, 0, true);
        Frame(e, 100, false); // until 2100
        Assert.True(Frame(e, 1500, true)); // renewed: until further notice
        Assert.Equal(long.MaxValue, e.OutputActiveUntilNs[0]);
        Assert.True(Frame(e, 1600, false)); // cleared again at 1600: until 3600
        Assert.True(Frame(e, 3000, false)); // past the first hold's end
        Assert.False(Frame(e, 3600, false));
        Assert.Equal(1, e.States[0].Fired); // a renewal is not a new firing
    }

    [Fact]
    public void Pulse_lasts_pulse_ms_whatever_the_condition_and_does_not_refire_while_it_stays_true()
    {
        var e = One(pulseMs: 500);
        Assert.True(Frame(e, 0, true));
        Assert.Equal(T(500), e.OutputActiveUntilNs[0]);
        Assert.True(Frame(e, 100, false)); // the condition clearing does not cut it short
        Assert.True(Frame(e, 200, true)); // a new edge during the pulse neither extends nor restarts it
        Assert.Equal(T(500), e.OutputActiveUntilNs[0]);
        Assert.True(Frame(e, 499, true));
        Assert.False(Frame(e, 500, true));
        for (var ms = 600; ms <= 3000; ms += 100) Assert.False(Frame(e, ms, true)); // still true: no new edge
        Assert.Equal(1, e.States[0].Fired);
        Frame(e, 3100, false);
        Assert.True(Frame(e, 3200, true)); // a new rising edge after the pulse fires again
        Assert.Equal(2, e.States[0].Fired);
    }

    [Fact]
    public void Pulse_ends_at_pulse_ms_on_the_actuate_thread_with_no_further_frame()
    {
        var driver = new RecordingGpioDriver();
        using var bank = OutputBank.Open([new OutputDefinition("beacon", "gpio", 0, 27, ActiveHigh: true, SafeHigh: false)],
            _ => driver, NullLogger.Instance, TimeSpan.Zero);
        var e = One(pulseMs: 500);
        var now = MonotonicClock.NowNs();
        e.Evaluate([true], now, now, bank.Requester(0)); // the only frame: at 5 fps the next would come 200 ms late

        Assert.True(driver.WaitForWrites(3, TimeSpan.FromSeconds(3)), "the pulse never ended"); // safe at open, on, off
        var writes = driver.Writes;
        Assert.Equal(System.Device.Gpio.PinValue.High, writes[1].Value);
        Assert.Equal(System.Device.Gpio.PinValue.Low, writes[2].Value);
        Assert.True(writes[2].Ns >= now + 500 * Ms, $"ended {(writes[2].Ns - now) / 1e6:0.0} ms after the frame, before 500 ms");
        Assert.True(writes[2].Ns < now + 600 * Ms, $"ended {(writes[2].Ns - now) / 1e6:0.0} ms after the frame");
    }

    [Fact]
    public void Cooldown_ignores_a_rising_edge_within_it_and_fires_on_one_after_it()
    {
        var e = One(pulseMs: 500, cooldownMs: 5000);
        Assert.True(Frame(e, 0, true)); // fires at 0: no firing before 5000
        Frame(e, 1000, false);
        Assert.False(Frame(e, 2000, true)); // edge within the cooldown: ignored
        Assert.Equal(1, e.States[0].Suppressed);
        Assert.False(Frame(e, 4999, true)); // not remembered for later either
        Frame(e, 5000, false);
        Assert.True(Frame(e, 5100, true)); // measured from the firing at 0
        Assert.Equal(2, e.States[0].Fired);
        Assert.Equal(T(5100), e.States[0].LastFiredNs);
    }

    [Fact]
    public void Release_without_hold_or_pulse_ends_on_the_first_false_frame()
    {
        var e = One();
        Assert.True(Frame(e, 0, true));
        Assert.True(Frame(e, 100, true));
        Assert.False(Frame(e, 200, false));
        Assert.Equal(0, e.OutputActiveUntilNs[0]);
        Assert.False(e.States[0].Active);
    }

    [Fact]
    public void Two_rules_on_one_output_keep_it_active_while_either_wants_it()
    {
        var e = new RuleEngine([("held", 0, new RuleTiming(1, 1000, 0, 0)), ("plain", 0, new RuleTiming(1, 0, 0, 0)), ("other", 1, new RuleTiming(1, 0, 0, 0))], 2);
        Assert.True(Frame(e, 0, true, true, false));
        Assert.True(Frame(e, 100, false, true, false)); // held clears (until 1100); plain still true
        Assert.True(Frame(e, 500, false, false, false)); // plain released; held's hold remains
        Assert.False(e.States[1].Active);
        Assert.True(Frame(e, 1099, false, false, false));
        Assert.False(Frame(e, 1100, false, false, false));
        Assert.False(e.OutputActive(1, T(1100)));

        Assert.True(Frame(e, 2000, false, true, false)); // either one alone is enough
    }

    [Fact]
    public void Changes_name_the_rules_that_fired_or_released_this_frame()
    {
        var e = new RuleEngine([("a", 1, new RuleTiming(1, 0, 0, 0)), ("b", 0, new RuleTiming(2, 0, 0, 0))], 2);
        Assert.Equal(1, e.Evaluate([true, true], T(0), T(0), null));
        Assert.Equal([new RuleChange(0, 1, true)], e.Changes.ToArray());
        Assert.Equal(1, e.Evaluate([true, true], T(100), T(100), null));
        Assert.Equal([new RuleChange(1, 0, true)], e.Changes.ToArray());
        Assert.Equal(0, e.Evaluate([true, true], T(200), T(200), null));
        Assert.Equal(2, e.Evaluate([false, false], T(300), T(300), null));
        Assert.Equal([new RuleChange(0, 1, false), new RuleChange(1, 0, false)], e.Changes.ToArray());
    }

    [Fact]
    public void Hold_and_pulse_together_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new RuleEngine([("both", 0, new RuleTiming(1, 1000, 500, 0))], 1));
        Assert.Contains("both", error.Message);
    }

    [Fact]
    public void Evaluate_and_Set_allocate_nothing_on_the_calling_thread_after_warm_up()
    {
        var driver = new RecordingGpioDriver(capacity: 16);
        using var bank = OutputBank.Open(
            [new OutputDefinition("door_relay", "gpio", 0, 17, true, false), new OutputDefinition("beacon", "gpio", 0, 27, true, false)],
            _ => driver, NullLogger.Instance, TimeSpan.FromSeconds(10));
        var e = new RuleEngine([("door", 0, new RuleTiming(1, 0, 0, 0)), ("crossing", 1, new RuleTiming(1, 0, 50, 0)), ("hold", 0, new RuleTiming(2, 20, 0, 0))], 2);
        var conditions = new bool[3];

        void Frames(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var now = MonotonicClock.NowNs();
                conditions[0] = i % 2 == 0; // a change every frame, so every frame sends requests
                conditions[1] = i % 3 == 0;
                conditions[2] = i % 5 != 0;
                e.Evaluate(conditions, now, now, bank.Requester(0));
                bank.Set(1, i % 2 == 1, now, 1);
                bank.Heartbeat(now);
                _ = e.Changes;
                _ = e.States[0].Active;
                // Frames come milliseconds apart and sc-actuate reads each request at once; this loop makes requests far
                // faster, so it waits for sc-actuate to catch up (no lambda: that would allocate on this thread).
                for (var spins = 0; bank.Requester(0).Pending > 0 && spins < 100_000_000; spins++) Thread.SpinWait(20);
            }
        }

        Frames(200); // warm-up: first calls, sc-actuate's first requests
        var allocated = Allocations.OnThisThread(() => Frames(1000));

        Assert.Equal(0, allocated);
        Assert.Equal(0, bank.Counters.RequestsDropped);
    }

    [Fact]
    public void On_the_frame_clock_a_pulse_is_switched_on_and_off_at_frames_and_carries_its_cause()
    {
        // A file's media clock: frames 100 ms apart, starting at 10 s of media time, which is long past on
        // CLOCK_MONOTONIC. On the frame clock the output thread must not end the pulse by its own clock (it would
        // have ended before it began): the engine switches it on at the edge and off at the first frame 300 ms later.
        var driver = new RecordingGpioDriver(capacity: 16);
        using var bank = OutputBank.Open([new OutputDefinition("beacon", "gpio", 0, 27, true, false)], _ => driver, NullLogger.Instance, TimeSpan.Zero);
        var e = new RuleEngine([("crossing", 0, new RuleTiming(1, 0, 300, 0))], 1, onFrameClock: true);
        RuleCause[] causes = [new(7, 0)];
        for (var frame = 0; frame <= 4; frame++)
            e.Evaluate([frame == 0], T(frame * 100), captureNs: 1000 + frame, bank.Requester(0), causes);

        var transitions = Transitions(bank, until: t => t.CauseCaptureNs == 1003, "the pulse switched off at frame 3");
        // On from frame 0, off from frame 3 (300 ms of media time later), nothing else.
        Assert.Equal(2, transitions.Count);
        Assert.Equal((true, 1000L, 0, new RuleCause(7, 0)), (transitions[0].Active, transitions[0].CauseCaptureNs, transitions[0].RuleIndex, transitions[0].Cause));
        Assert.Equal((false, 1003L, 0), (transitions[1].Active, transitions[1].CauseCaptureNs, transitions[1].RuleIndex));
    }

    [Fact]
    public void On_the_monotonic_clock_a_pulse_already_over_is_never_switched_on()
    {
        // The same timeline on CLOCK_MONOTONIC (live sources): 10.3 s after boot is long past, so the output
        // thread sees the activation as over and writes nothing: the contrast that makes the test above mean something.
        var driver = new RecordingGpioDriver(capacity: 16);
        using var bank = OutputBank.Open([new OutputDefinition("beacon", "gpio", 0, 27, true, false)], _ => driver, NullLogger.Instance, TimeSpan.Zero);
        var e = new RuleEngine([("crossing", 0, new RuleTiming(1, 0, 300, 0))], 1);
        e.Evaluate([true], T(0), 1000, bank.Requester(0));
        Assert.True(e.States[0].Active);
        // A second request the bank must apply after the first, to know the first was applied: switch it for ever.
        bank.Set(0, true, 2000, 0);
        var transitions = Transitions(bank, until: t => t.CauseCaptureNs == 2000, "the second request's transition");
        Assert.DoesNotContain(transitions, t => t.CauseCaptureNs == 1000);
        Assert.Contains(transitions, t => t.CauseCaptureNs == 2000 && t.Active);
    }

    /// <summary>The bank's transitions, read until one matches <paramref name="until"/>.</summary>
    private static List<OutputTransition> Transitions(OutputBank bank, Func<OutputTransition, bool> until, string what)
    {
        var transitions = new List<OutputTransition>();
        Eventually.Until(() =>
        {
            while (bank.TryReadTransition(out var t)) transitions.Add(t);
            return transitions.Any(until);
        }, TimeSpan.FromSeconds(30), what);
        return transitions;
    }
}
