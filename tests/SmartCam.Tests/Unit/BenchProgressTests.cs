using SmartCam.Commands.Bench;

namespace SmartCam.Tests.Unit;

/// <summary>
/// The bench's progress line, on clocks given by the test (no timing): redrawn in place at most every 250 ms, with the
/// phase, done of total, fps and time left, ended by a newline; nothing without a terminal; no allocation per line.
/// </summary>
public sealed class BenchProgressTests
{
    private const long Ms = 1_000_000;

    [Fact]
    public void A_counted_phase_is_one_line_rewritten_at_most_every_250_ms_and_ended_with_a_newline()
    {
        var terminal = new StringWriter();
        var progress = new BenchProgress(terminal);

        progress.Begin("pipeline", 100, "frames", timed: false, nowNs: 0);
        progress.Update(10, 100 * Ms); // too soon after the start
        Assert.Equal("", terminal.ToString());
        progress.Update(25, 250 * Ms);
        Assert.Equal("\rpipeline: 25/100 frames, 100.0 fps, 1 s left\u001b[K", terminal.ToString());
        progress.Update(30, 400 * Ms); // too soon after the last line
        progress.Update(75, 500 * Ms);
        progress.Update(100, 1000 * Ms);
        progress.End(1000 * Ms);

        var lines = terminal.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["pipeline: 25/100 frames, 100.0 fps, 1 s left\u001b[K", "pipeline: 75/100 frames, 200.0 fps, 1 s left\u001b[K",
            "pipeline: 100/100 frames, 50.0 fps, 0 s left\u001b[K", "pipeline: 100/100 frames, 100.0 fps\u001b[K\n"], lines);
    }

    [Fact]
    public void A_timed_phase_counts_seconds_and_takes_its_fps_from_the_frames_counter()
    {
        var terminal = new StringWriter();
        var progress = new BenchProgress(terminal);

        progress.Begin("probe 4 cameras", 5_000 * Ms, "s", timed: true, nowNs: 0);
        progress.Update(1000, 0);
        progress.Update(1120, 3_000 * Ms);
        progress.End(5_000 * Ms);

        Assert.Equal("\rprobe 4 cameras: 3/5 s, 40.0 fps, 2 s left\u001b[K\rprobe 4 cameras: 5/5 s, 24.0 fps\u001b[K\n", terminal.ToString());
    }

    [Fact]
    public void Without_a_terminal_nothing_is_drawn()
    {
        var progress = new BenchProgress(null);
        Assert.False(progress.Enabled);
        progress.Begin("warm-up", 10, "frames");
        progress.Update(10);
        progress.End();
        progress.Sleep("probe 1 cameras", 0, () => 0);
    }

    [Fact]
    public void Drawing_a_line_allocates_nothing()
    {
        using var terminal = new StreamWriter(Stream.Null) { AutoFlush = true };
        var progress = new BenchProgress(terminal);
        progress.Begin("pipeline", 1_000_000, "frames", timed: false, nowNs: 0);
        long now = 0, frames = 0;
        progress.Update(frames += 30, now += 300 * Ms); // the writer's first use

        var allocated = Allocations.OnThisThread(() =>
        {
            for (var i = 0; i < 100; i++) progress.Update(frames += 30, now += 300 * Ms);
            progress.End(now);
        });

        Assert.Equal(0, allocated);
    }
}
