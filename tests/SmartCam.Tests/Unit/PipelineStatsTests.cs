using SmartCam.Messaging;

namespace SmartCam.Tests.Unit;

public sealed class PipelineStatsTests
{
    [Fact]
    public void A_stage_longer_than_the_frame_period_is_a_miss_and_an_equal_one_is_not()
    {
        var stats = new PipelineStats { PeriodUs = 40_000 }; // 25 fps
        stats.RecordStages(1_000, 500, 39_000, 100, 50, 40_000);  // exactly on the deadline: met
        stats.RecordStages(1_000, 500, 45_000, 100, 50, 46_650);  // inference overran: both miss
        stats.RecordStages(41_000, 500, 9_000, 100, 50, 50_650);  // a slow read: capture and end to end miss
        stats.RecordStages(1_000, 500, 9_000, 100, 50, 39_900, convertUs: 41_000); // a slow conversion alone (convert is counted apart from capture)

        Assert.Equal([1L, 0, 1, 0, 0, 2, 0, 0, 1], stats.Misses); // then wait (none recorded here) and convert
        Assert.Equal(2, stats.DeadlineMisses);
        Assert.Equal(4, stats.CaptureToPublish.Count);
        Assert.Equal(4, stats.Convert.Count);
    }

    [Fact]
    public void Without_a_period_nothing_counts_as_missed_and_a_reset_clears_misses_and_lateness()
    {
        var stats = new PipelineStats();
        stats.RecordStages(1_000_000, 0, 1_000_000, 0, 0, 2_000_000);
        Assert.Equal(0, stats.DeadlineMisses);

        stats.PeriodUs = 10;
        stats.RecordStages(1_000, 0, 0, 0, 0, 1_000);
        stats.InferLateness.Record(250);
        Assert.Equal(1, stats.DeadlineMisses);
        stats.ResetLatencies();
        Assert.Equal(0, stats.DeadlineMisses);
        Assert.Equal(0, stats.InferLateness.Count);
    }
}
