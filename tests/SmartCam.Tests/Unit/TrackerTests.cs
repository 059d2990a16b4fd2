using SmartCam.Configuration;
using SmartCam.Inference;
using SmartCam.Tracking;

namespace SmartCam.Tests.Unit;

public class TrackerTests
{
    private const long FrameNs = 40_000_000; // 25 fps
    private const long T0 = 5_000_000_000_000; // a monotonic clock far from zero

    private static Detection Box(double cx, double cy, double w, double h, float score = 0.9f, int cls = 0) =>
        new((float)(cx - w / 2), (float)(cy - h / 2), (float)(cx + w / 2), (float)(cy + h / 2), score, cls);

    private static float CentreX(in Track t) => (t.X1 + t.X2) / 2;
    private static float CentreY(in Track t) => (t.Y1 + t.Y2) / 2;

    /// <summary>Runs one frame; returns the ids given to the detections.</summary>
    private static int[] Step(ObjectTracker tracker, long frame, params Detection[] detections) => StepAt(tracker, T0 + frame * FrameNs, detections);

    private static int[] StepAt(ObjectTracker tracker, long timestampNs, params Detection[] detections)
    {
        var ids = new int[detections.Length];
        tracker.Update(detections, ids, timestampNs);
        return ids;
    }

    private static Track Single(ObjectTracker tracker) => Assert.Single(tracker.Tracks.ToArray());

    [Fact]
    public void Constant_velocity_object_keeps_one_id_and_its_velocity_converges_to_the_true_px_per_s()
    {
        var tracker = new ObjectTracker(new TrackerOptions());
        // 4 px/frame and -2 px/frame at 25 fps: 100 px/s and -50 px/s (speed 111.8 px/s), with ±1 px of detector
        // jitter: 25 px/s if differenced frame to frame, which the filter must smooth to a few percent of the speed.
        const float vx = 100, vy = -50, tolerance = 0.03f * 111.8f;
        double sumX = 0, sumY = 0;
        for (var f = 0; f < 100; f++)
        {
            var jitter = (f * 7 % 3) - 1; // -1, 0, +1, ...
            var ids = Step(tracker, f, Box(100 + 4 * f + jitter, 300 - 2 * f - jitter, 50, 100));

            Assert.Equal(f == 0 ? 0 : 1, ids[0]); // MinHits = 2: confirmed on the second frame
            if (f == 0) continue;
            var t = Single(tracker);
            Assert.Equal(1, t.Id);
            if (f < 50) continue;
            Assert.Equal(vx, t.VelocityX, tolerance);
            Assert.Equal(vy, t.VelocityY, tolerance);
            sumX += t.VelocityX;
            sumY += t.VelocityY;
        }
        Assert.Equal(vx, sumX / 50, 0.005 * vx);
        Assert.Equal(vy, sumY / 50, 0.005 * -vy);

        var last = Single(tracker);
        Assert.Equal(100, last.Hits);
        Assert.Equal(T0, last.FirstSeenNs);
        Assert.Equal(T0 + 99 * FrameNs, last.LastSeenNs);
    }

    [Fact]
    public void Velocity_of_exact_detections_is_within_one_percent_by_the_tenth_frame()
    {
        var tracker = new ObjectTracker(new TrackerOptions());
        for (var f = 0; f <= 10; f++) Step(tracker, f, Box(100 + 4 * f, 300 - 2 * f, 50, 100));

        var t = Single(tracker);
        Assert.Equal(100f, t.VelocityX, 1f);
        Assert.Equal(-50f, t.VelocityY, 0.5f);
    }

    [Fact]
    public void Two_objects_crossing_diagonally_keep_their_ids()
    {
        var tracker = new ObjectTracker(new TrackerOptions());
        // A goes down-right, B up-right, 6 px/frame on each axis; their 60x60 boxes coincide at frame 25 (250, 250)
        // and overlap from frame 20 to 30.
        int idA = 0, idB = 0;
        for (var f = 0; f <= 50; f++)
        {
            var a = Box(100 + 6 * f, 100 + 6 * f, 60, 60);
            var b = Box(100 + 6 * f, 400 - 6 * f, 60, 60);
            // Alternate the order so index order cannot be what keeps them apart.
            var swap = f % 2 == 1;
            var ids = swap ? Step(tracker, f, b, a) : Step(tracker, f, a, b);
            var gotA = swap ? ids[1] : ids[0];
            var gotB = swap ? ids[0] : ids[1];
            if (f == 1) (idA, idB) = (gotA, gotB);
            if (f >= 1 && f != 25) // at 25 the boxes are identical, so either assignment is the same update
            {
                Assert.Equal(idA, gotA);
                Assert.Equal(idB, gotB);
            }
        }

        Assert.Equal(1, idA);
        Assert.Equal(2, idB);
        var tracks = tracker.Tracks.ToArray();
        Assert.Equal(2, tracks.Length);
        var trackA = tracks.Single(t => t.Id == idA);
        var trackB = tracks.Single(t => t.Id == idB);
        Assert.Equal(400f, CentreX(trackA), 0.01f); // 100 + 6·50
        Assert.Equal(400f, CentreY(trackA), 0.01f);
        Assert.Equal(100f, CentreY(trackB), 0.01f); // 400 - 6·50
        Assert.Equal(150f, trackA.VelocityY, 150f * 0.03f);
        Assert.Equal(-150f, trackB.VelocityY, 150f * 0.03f);
    }

    [Fact]
    public void Occluded_object_is_predicted_along_its_path_gets_its_id_back_and_is_removed_after_max_lost_seconds()
    {
        var tracker = new ObjectTracker(new TrackerOptions()); // MaxLostSeconds = 1
        // 5 px/frame = 125 px/s; seen frames 0-19, hidden 20-24, seen again 25-30, then gone for good.
        static Detection At(int f) => Box(100 + 5 * f, 200, 40, 80);

        for (var f = 0; f < 20; f++) Step(tracker, f, At(f));
        for (var f = 20; f < 25; f++)
        {
            Step(tracker, f);
            var t = Single(tracker);
            Assert.False(t.Matched);
            Assert.Equal(1, t.Id);
            Assert.Equal(100 + 5 * f, CentreX(t), 0.5f); // the prediction moved on with the object
            Assert.Equal(200f, CentreY(t), 0.5f);
            Assert.Equal(40f, t.X2 - t.X1, 0.5f);
            Assert.Equal(T0 + 19 * FrameNs, t.LastSeenNs);
        }
        for (var f = 25; f <= 30; f++)
        {
            Assert.Equal([1], Step(tracker, f, At(f)));
            Assert.True(Single(tracker).Matched);
        }

        // Last seen at frame 30: still listed exactly 1 s (25 frames) later, gone the frame after.
        for (var f = 31; f <= 55; f++)
        {
            Step(tracker, f);
            Assert.False(Single(tracker).Matched);
        }
        Step(tracker, 56);
        Assert.Equal(0, tracker.Tracks.Length);

        // A later object is a new object.
        Step(tracker, 57, At(57));
        Assert.Equal([2], Step(tracker, 58, At(58)));
    }

    [Fact]
    public void Low_score_detection_continues_a_track_but_never_starts_one()
    {
        var tracker = new ObjectTracker(new TrackerOptions()); // High 0.5, Low 0.1, NewTrack 0.6
        for (var f = 0; f < 5; f++) Step(tracker, f, Box(100 + 4 * f, 100, 50, 50, 0.9f));

        for (var f = 5; f < 10; f++)
        {
            var ids = Step(tracker, f,
                Box(100 + 4 * f, 100, 50, 50, 0.3f),   // on the track: second pass
                Box(400, 400, 50, 50, 0.3f),           // low, alone: never a track
                Box(600, 100, 50, 50, 0.55f),          // high but below NewTrackScore: never a track
                Box(600, 400, 50, 50, 0.05f));         // below LowScore: ignored
            Assert.Equal([1, 0, 0, 0], ids);
            var t = Single(tracker);
            Assert.True(t.Matched);
            Assert.Equal(0.3f, t.Score);
        }
        Assert.Equal(10, Single(tracker).Hits);
    }

    [Fact]
    public void Detection_of_another_class_at_the_same_place_does_not_take_over_the_id()
    {
        var tracker = new ObjectTracker(new TrackerOptions());
        for (var f = 0; f < 3; f++) Step(tracker, f, Box(200, 200, 60, 60, cls: 0));

        Assert.Equal([0], Step(tracker, 3, Box(200, 200, 60, 60, cls: 1))); // a new, tentative track
        Assert.Equal([2], Step(tracker, 4, Box(200, 200, 60, 60, cls: 1)));

        var tracks = tracker.Tracks.ToArray();
        Assert.Equal(2, tracks.Length);
        Assert.Equal((1, 0, false), (tracks[0].Id, tracks[0].ClassId, tracks[0].Matched));
        Assert.Equal((2, 1, true), (tracks[1].Id, tracks[1].ClassId, tracks[1].Matched));
    }

    [Fact]
    public void One_frame_false_positive_never_appears_and_uses_up_no_id()
    {
        var tracker = new ObjectTracker(new TrackerOptions()); // MinHits = 2
        for (var f = 0; f < 10; f++)
        {
            var ids = f == 4
                ? Step(tracker, f, Box(100, 100, 50, 50), Box(500, 300, 50, 50, 0.95f))
                : Step(tracker, f, Box(100, 100, 50, 50));
            if (f == 4) Assert.Equal(0, ids[1]);
            Assert.True(tracker.Tracks.Length <= 1);
            foreach (var t in tracker.Tracks) Assert.Equal(1, t.Id);
        }

        Step(tracker, 10, Box(100, 100, 50, 50), Box(300, 300, 50, 50));
        Assert.Equal([1, 2], Step(tracker, 11, Box(100, 100, 50, 50), Box(300, 300, 50, 50)));
    }

    [Fact]
    public void With_MinHits_1_a_track_is_reported_at_once()
    {
        var tracker = new ObjectTracker(new TrackerOptions(MinHits: 1));

        Assert.Equal([1], Step(tracker, 0, Box(100, 100, 50, 50)));
        Assert.Equal(1, Single(tracker).Hits);
        Assert.True(Single(tracker).Matched);
    }

    [Fact]
    public void Irregular_and_skipped_frames_predict_by_elapsed_time()
    {
        var tracker = new ObjectTracker(new TrackerOptions());
        // 500 px/s right, 200 px/s down; 60x60 box. Gaps of 120 ms and 200 ms move it 60 and 100 px in x:
        // no overlap at all with where it was, so only a time-based prediction can match it.
        long[] gapsMs = [0, 40, 40, 33, 50, 40, 40, 120, 40, 35, 45, 200, 40, 40, 20, 60, 40];
        var t = 0L;
        foreach (var gap in gapsMs)
        {
            t += gap;
            var ids = StepAt(tracker, T0 + t * 1_000_000, Box(100 + 0.5 * t, 100 + 0.2 * t, 60, 60));
            if (t > 0) Assert.Equal([1], ids);
        }
        var seen = Single(tracker);
        Assert.Equal(500f, seen.VelocityX, 500f * 0.03f);
        Assert.Equal(200f, seen.VelocityY, 200f * 0.03f);

        // No detection for 250 ms: the box is where the object would be, 125 px right and 50 px down.
        t += 250;
        StepAt(tracker, T0 + t * 1_000_000);
        var predicted = Single(tracker);
        Assert.False(predicted.Matched);
        Assert.Equal(100 + 0.5f * t, CentreX(predicted), 2f);
        Assert.Equal(100 + 0.2f * t, CentreY(predicted), 2f);

        // And 300 ms after that it is picked up again.
        t += 300;
        Assert.Equal([1], StepAt(tracker, T0 + t * 1_000_000, Box(100 + 0.5 * t, 100 + 0.2 * t, 60, 60)));
    }

    [Fact]
    public void Track_ids_follow_the_detections_in_any_order()
    {
        var tracker = new ObjectTracker(new TrackerOptions());
        Detection A(int f) => Box(100 + 3 * f, 100, 40, 40);
        Detection B(int f) => Box(300, 100 + 3 * f, 40, 40);
        Detection C(int f) => Box(500 - 3 * f, 300, 40, 40, cls: 2);

        Assert.Equal([0, 0, 0], Step(tracker, 0, A(0), B(0), C(0)));
        Assert.Equal([1, 2, 3], Step(tracker, 1, A(1), B(1), C(1)));
        Assert.Equal([3, 0, 1, 0, 2], Step(tracker, 2, C(2), Box(700, 700, 40, 40, 0.05f), A(2), Box(50, 400, 40, 40), B(2)));
        Assert.Equal([2, 3], Step(tracker, 3, B(3), C(3)));

        // Output beyond the detections is left alone; too short an output is a caller error.
        var ids = new[] { -1, -1, -1 };
        tracker.Update([A(4)], ids, T0 + 4 * FrameNs);
        Assert.Equal([1, -1, -1], ids);
        Assert.Throws<ArgumentException>(() => tracker.Update([A(5), B(5)], new int[1], T0 + 5 * FrameNs));
    }

    [Fact]
    public void Beyond_MaxDetections_the_lowest_scores_are_ignored()
    {
        var tracker = new ObjectTracker(new TrackerOptions(MinHits: 1, MaxDetections: 4));
        var ids = Step(tracker, 0,
            Box(100, 100, 20, 20, 0.70f), Box(200, 100, 20, 20, 0.95f), Box(300, 100, 20, 20, 0.80f),
            Box(400, 100, 20, 20, 0.65f), Box(500, 100, 20, 20, 0.80f), Box(600, 100, 20, 20, 0.80f));

        // Top four: 0.95 and the three 0.80s; the 0.70 and 0.65 go. Ids are given in detection order.
        Assert.Equal([0, 1, 2, 0, 3, 4], ids);

        // Ties at the floor fill the remaining room in index order.
        tracker.Reset();
        ids = Step(tracker, 0,
            Box(100, 100, 20, 20, 0.9f), Box(200, 100, 20, 20, 0.7f), Box(300, 100, 20, 20, 0.7f),
            Box(400, 100, 20, 20, 0.7f), Box(500, 100, 20, 20, 0.7f));
        Assert.Equal([1, 2, 3, 4, 0], ids);
    }

    [Fact]
    public void Reset_forgets_tracks_and_restarts_ids()
    {
        var tracker = new ObjectTracker(new TrackerOptions());
        Step(tracker, 0, Box(100, 100, 50, 50));
        Step(tracker, 1, Box(100, 100, 50, 50));

        tracker.Reset();

        Assert.Equal(0, tracker.Tracks.Length);
        Assert.Equal([0], Step(tracker, 0, Box(400, 100, 50, 50)));
        Assert.Equal([1], Step(tracker, 1, Box(400, 100, 50, 50)));
    }

    [Fact]
    public void Invalid_options_are_rejected_at_construction()
    {
        Assert.Throws<ArgumentException>(() => new ObjectTracker(new TrackerOptions(LowScore: 0.6f, HighScore: 0.5f)));
        Assert.Throws<ArgumentException>(() => new ObjectTracker(new TrackerOptions(MatchIou: 0)));
        Assert.Throws<ArgumentException>(() => new ObjectTracker(new TrackerOptions(MinHits: 0)));
        Assert.Throws<ArgumentException>(() => new ObjectTracker(new TrackerOptions(MaxTracks: 0)));
        Assert.Throws<ArgumentException>(() => new ObjectTracker(new TrackerOptions(MaxDetections: 5000)));
        Assert.Throws<ArgumentException>(() => new ObjectTracker(new TrackerOptions(MaxLostSeconds: double.NaN)));
    }

    [Fact]
    public void Updates_after_warm_up_allocate_nothing()
    {
        var tracker = new ObjectTracker(new TrackerOptions());
        var detections = new Detection[22];
        var ids = new int[detections.Length];

        // 20 objects on a grid, each drifting; object 0 vanishes for 2 s every 200 frames (lost, removed, restarted),
        // and a one-frame false positive and a low-score box appear every 7th frame.
        int Fill(int f)
        {
            var n = 0;
            for (var k = 0; k < 20; k++)
            {
                if (k == 0 && f % 200 >= 150) continue;
                detections[n++] = Box(60 + 90 * (k % 5) + (f % 100), 60 + 120 * (k / 5) + (f % 50) * 0.5, 40, 60, 0.6f + 0.01f * k, k % 3);
            }
            if (f % 7 == 0)
            {
                detections[n++] = Box(900, 900, 30, 30, 0.9f);
                detections[n++] = Box(950, 100, 30, 30, 0.3f);
            }
            return n;
        }

        for (var f = 0; f < 300; f++)
        {
            var n = Fill(f);
            tracker.Update(detections.AsSpan(0, n), ids, T0 + f * FrameNs);
        }

        var next = 300; // each window goes on where the last one ended
        var allocated = Allocations.OnThisThread(() =>
        {
            for (var f = next; f < next + 1000; f++)
            {
                var n = Fill(f);
                tracker.Update(detections.AsSpan(0, n), ids, T0 + f * FrameNs);
            }
            next += 1000;
        });

        Assert.Equal(0, allocated);
        Assert.InRange(tracker.Tracks.Length, 19, 20);
    }
}

public sealed class TrackerKeySortTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(1000)]
    public void Keys_come_out_in_the_order_Array_Sort_gives(int n)
    {
        var random = new Random(n);
        var keys = new long[n];
        for (var i = 0; i < n; i++) keys[i] = random.NextInt64(-50, 50) << 32 | (uint)random.Next(8); // many ties
        var expected = (long[])keys.Clone();
        Array.Sort(expected);
        SmartCam.Tracking.ObjectTracker.SortAscending(keys);
        Assert.Equal(expected, keys);
    }
}
