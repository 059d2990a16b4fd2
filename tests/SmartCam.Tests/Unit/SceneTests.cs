using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.Tracking;

namespace SmartCam.Tests.Unit;

/// <summary>
/// Zone and line geometry and the scene monitor. Unless a test says otherwise the frame is 1000×1000 pixels, so a
/// pixel coordinate p is the normalised p/1000 exactly as the float literal (correctly rounded division).
/// </summary>
public class SceneTests
{
    private const int W = 1000, H = 1000;

    private static readonly (float X, float Y)[] Square = [(0.2f, 0.2f), (0.8f, 0.2f), (0.8f, 0.8f), (0.2f, 0.8f)];

    // A "U" open at the top (y down): arms x 0.1..0.3 and 0.7..0.9, notch x 0.3..0.7 from y 0.1 down to 0.7, base y 0.7..0.9.
    private static readonly (float X, float Y)[] U =
        [(0.1f, 0.1f), (0.3f, 0.1f), (0.3f, 0.7f), (0.7f, 0.7f), (0.7f, 0.1f), (0.9f, 0.1f), (0.9f, 0.9f), (0.1f, 0.9f)];

    private static readonly (float X, float Y)[] Triangle = [(0.1f, 0.9f), (0.5f, 0.1f), (0.9f, 0.9f)];

    /// <summary>The config example: drawn top to bottom, "in" = left to right.</summary>
    private static LineDefinition Gate() => new("gate", (0.50f, 0.00f), (0.50f, 1.00f), margin: 0);

    /// <summary>A 20×100 px box whose bottom centre (feet) is at pixel (x, y); its centre is 50 px higher.</summary>
    private static Track Feet(int id, float x, float y, bool matched = true, int classId = 0) => new()
    {
        Id = id, ClassId = classId, X1 = x - 10, X2 = x + 10, Y1 = y - 100, Y2 = y, Matched = matched, Hits = 1,
    };

    private static SceneMonitor Monitor(ZoneDefinition[]? zones = null, LineDefinition[]? lines = null,
        AnchorPoint anchor = AnchorPoint.BottomCenter, int maxTracks = 16) => new(zones ?? [], lines ?? [], anchor, maxTracks);

    /// <summary>One frame at <paramref name="ms"/> milliseconds; returns its events.</summary>
    private static SceneEvent[] Step(SceneMonitor monitor, long ms, params Track[] tracks)
    {
        var events = new SceneEvent[64];
        var n = monitor.Update(tracks, W, H, ms * 1_000_000, events);
        return events[..n];
    }

    [Fact]
    public void A_person_standing_at_the_line_with_jittering_feet_crosses_only_once_the_dead_band_is_left()
    {
        // Feet hover ±2 px around the gate, then walk on: without a band every jitter is a crossing.
        var gate = W * 0.5f;
        (float, float)[] path = [(gate - 20, 300), (gate - 2, 300), (gate + 2, 300), (gate - 2, 300), (gate + 2, 300), (gate - 1, 300), (gate + 20, 300)];
        var bare = Walk(Monitor(lines: [new LineDefinition("gate", (0.5f, 0f), (0.5f, 1f), margin: 0)]), path).Where(e => e.Type == SceneEventType.Cross).ToList();
        var banded = Walk(Monitor(lines: [new LineDefinition("gate", (0.5f, 0f), (0.5f, 1f), margin: 0.005)]), path).Where(e => e.Type == SceneEventType.Cross).ToList();

        Assert.Equal(5, bare.Count); // in, out, in, out, in
        var once = Assert.Single(banded);
        Assert.Equal(LineDirection.In, once.Direction);
    }

    /// <summary>One track moving through the feet positions (pixels), 100 ms apart; all events of the walk.</summary>
    private static List<SceneEvent> Walk(SceneMonitor monitor, params (float X, float Y)[] path)
    {
        var all = new List<SceneEvent>();
        for (var i = 0; i < path.Length; i++) all.AddRange(Step(monitor, i * 100, Feet(1, path[i].X, path[i].Y)));
        return all;
    }

    private static SceneEvent Cross(int track, int line, LineDirection direction, long ms) =>
        new(SceneEventType.Cross, track, 0, -1, line, direction, ms * 1_000_000);

    private static SceneEvent ZoneEvent(SceneEventType type, int track, int zone, long ms, int classId = 0) =>
        new(type, track, classId, zone, -1, LineDirection.In, ms * 1_000_000);

    // ---- Contains ----

    [Fact]
    public void Convex_square_contains_its_interior_only()
    {
        Assert.True(ZoneGeometry.Contains(Square, 0.5f, 0.5f));
        Assert.True(ZoneGeometry.Contains(Square, 0.21f, 0.79f));
        Assert.False(ZoneGeometry.Contains(Square, 0.1f, 0.5f));
        Assert.False(ZoneGeometry.Contains(Square, 0.5f, 0.9f));
        Assert.False(ZoneGeometry.Contains(Square, 0.9f, 0.9f));
    }

    [Fact]
    public void Concave_U_notch_is_outside_and_arms_and_base_inside()
    {
        Assert.False(ZoneGeometry.Contains(U, 0.5f, 0.4f));  // in the notch
        Assert.False(ZoneGeometry.Contains(U, 0.5f, 0.69f)); // notch, just above its floor
        Assert.True(ZoneGeometry.Contains(U, 0.2f, 0.4f));   // left arm
        Assert.True(ZoneGeometry.Contains(U, 0.8f, 0.4f));   // right arm
        Assert.True(ZoneGeometry.Contains(U, 0.5f, 0.8f));   // base, under the notch
        Assert.False(ZoneGeometry.Contains(U, 0.5f, 0.05f)); // above the opening
        Assert.False(ZoneGeometry.Contains(U, 0.95f, 0.5f));
    }

    [Fact]
    public void Ray_level_with_vertices_counts_each_crossing_once()
    {
        // The horizontal through y=0.1 passes the vertices (0.3,0.1) (0.7,0.1) (0.9,0.1); y=0.7 runs along the notch floor.
        Assert.False(ZoneGeometry.Contains(U, 0.5f, 0.1f)); // in the opening, level with the arm tops
        Assert.False(ZoneGeometry.Contains(U, 0.05f, 0.1f));
        Assert.True(ZoneGeometry.Contains(U, 0.2f, 0.7f));  // left arm, level with the notch floor
        Assert.True(ZoneGeometry.Contains(U, 0.8f, 0.7f));
        Assert.False(ZoneGeometry.Contains(Triangle, 0.3f, 0.1f)); // level with the apex, left of it
        Assert.False(ZoneGeometry.Contains(Triangle, 0.7f, 0.1f));
    }

    [Fact]
    public void Point_on_an_edge_is_inside()
    {
        Assert.True(ZoneGeometry.Contains(Square, 0.5f, 0.2f)); // top edge
        Assert.True(ZoneGeometry.Contains(Square, 0.8f, 0.5f)); // right edge
        Assert.True(ZoneGeometry.Contains(U, 0.5f, 0.7f));      // notch floor
        Assert.True(ZoneGeometry.Contains(U, 0.3f, 0.4f));      // notch wall
        // Midpoint of the diagonal edge (0.1,0.9)-(0.5,0.1): not exactly representable, on within the tolerance.
        Assert.True(ZoneGeometry.Contains(Triangle, 0.3f, 0.5f));
        Assert.True(ZoneGeometry.OnBoundary(Triangle, 0.3f, 0.5f));
    }

    [Fact]
    public void Point_on_a_vertex_is_inside()
    {
        Assert.True(ZoneGeometry.Contains(Square, 0.2f, 0.2f));
        Assert.True(ZoneGeometry.Contains(Square, 0.8f, 0.8f));
        Assert.True(ZoneGeometry.Contains(U, 0.3f, 0.7f)); // the notch's inner (reflex) corner
        Assert.True(ZoneGeometry.Contains(U, 0.7f, 0.1f));
        Assert.True(ZoneGeometry.Contains(Triangle, 0.5f, 0.1f));
    }

    [Fact]
    public void Point_just_off_an_edge_beyond_the_tolerance_is_outside()
    {
        Assert.False(ZoneGeometry.Contains(Square, 0.5f, 0.2f - 1e-5f));
        Assert.True(ZoneGeometry.Contains(Square, 0.5f, 0.2f + 1e-5f));
    }

    [Fact]
    public void Triangle_contains_its_interior_only()
    {
        Assert.True(ZoneGeometry.Contains(Triangle, 0.5f, 0.5f));
        Assert.True(ZoneGeometry.Contains(Triangle, 0.5f, 0.85f));
        Assert.False(ZoneGeometry.Contains(Triangle, 0.2f, 0.3f)); // left of the left edge
        Assert.False(ZoneGeometry.Contains(Triangle, 0.8f, 0.3f));
        Assert.False(ZoneGeometry.Contains(Triangle, 0.5f, 0.95f));
    }

    [Fact]
    public void Contains_agrees_with_a_winding_number_test_on_random_points()
    {
        // A concave star and the U; points nearer an edge than 1e-4 are skipped (the boundary rule is tested above).
        var star = new (float X, float Y)[10];
        for (var k = 0; k < 10; k++)
        {
            var r = k % 2 == 0 ? 0.45 : 0.15;
            var a = Math.PI * k / 5;
            star[k] = ((float)(0.5 + r * Math.Cos(a)), (float)(0.5 + r * Math.Sin(a)));
        }
        var random = new Random(1234);
        foreach (var polygon in new[] { star, U, Triangle, Square })
        {
            int checkedPoints = 0, inside = 0;
            for (var n = 0; n < 5000; n++)
            {
                float x = random.NextSingle(), y = random.NextSingle();
                if (NearEdge(polygon, x, y)) continue;
                var expected = WindingNumber(polygon, x, y) != 0;
                Assert.True(expected == ZoneGeometry.Contains(polygon, x, y), $"({x}, {y})");
                checkedPoints++;
                if (expected) inside++;
            }
            Assert.True(checkedPoints > 4900);
            Assert.InRange(inside, 100, checkedPoints - 100); // both answers exercised
        }
    }

    private static int WindingNumber((float X, float Y)[] p, double x, double y)
    {
        var wn = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var (ax, ay) = p[i];
            var (bx, by) = p[(i + 1) % p.Length];
            var isLeft = (bx - ax) * (y - ay) - (x - ax) * (by - ay);
            if (ay <= y) { if (by > y && isLeft > 0) wn++; }
            else if (by <= y && isLeft < 0) wn--;
        }
        return wn;
    }

    private static bool NearEdge((float X, float Y)[] p, double x, double y)
    {
        for (var i = 0; i < p.Length; i++)
        {
            var (ax, ay) = p[i];
            var (bx, by) = p[(i + 1) % p.Length];
            double dx = bx - ax, dy = by - ay;
            var t = Math.Clamp(((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy), 0, 1);
            if (Math.Sqrt(Math.Pow(ax + t * dx - x, 2) + Math.Pow(ay + t * dy - y, 2)) < 1e-4) return true;
        }
        return false;
    }

    // ---- Validation ----

    [Fact]
    public void Valid_zone_and_line_have_no_problem()
    {
        Assert.Null(ZoneDefinition.Validate(U, 5));
        Assert.Null(ZoneDefinition.Validate([(0f, 0f), (1f, 0f), (1f, 1f)]));
        Assert.Null(LineDefinition.Validate((0.5f, 0f), (0.5f, 1f)));
    }

    [Fact]
    public void Zone_with_fewer_than_three_points_is_rejected()
    {
        Assert.Equal("a zone needs at least 3 points, got 2", ZoneDefinition.Validate([(0.1f, 0.1f), (0.5f, 0.5f)]));
    }

    [Fact]
    public void Zone_coordinate_above_one_is_rejected_naming_the_point()
    {
        var problem = ZoneDefinition.Validate([(0.1f, 0.1f), (1.2f, 0.5f), (0.1f, 0.9f)]);
        Assert.Equal("point 2 (1.2, 0.5) is outside 0..1: coordinates are fractions of the image width and height", problem);
    }

    [Fact]
    public void Zone_coordinate_below_zero_is_rejected_naming_the_point()
    {
        var problem = ZoneDefinition.Validate([(0.1f, 0.1f), (0.5f, 0.5f), (0.1f, -0.1f)]);
        Assert.StartsWith("point 3 (0.1, -0.1) is outside 0..1", problem);
    }

    [Fact]
    public void Zone_coordinate_NaN_is_rejected()
    {
        Assert.StartsWith("point 1 (NaN, 0.5) is outside 0..1", ZoneDefinition.Validate([(float.NaN, 0.5f), (0.5f, 0.5f), (0.1f, 0.1f)]));
    }

    [Fact]
    public void Zero_area_zone_is_rejected()
    {
        Assert.StartsWith("the zone has no area", ZoneDefinition.Validate([(0.1f, 0.1f), (0.5f, 0.5f), (0.9f, 0.9f)]));
        Assert.StartsWith("the zone has no area", ZoneDefinition.Validate([(0.3f, 0.3f), (0.3f, 0.3f), (0.3f, 0.3f)]));
    }

    [Fact]
    public void Negative_loiter_time_is_rejected()
    {
        Assert.Equal("loiter time must be 0 (off) or a positive number of seconds, got -1", ZoneDefinition.Validate(Square, -1));
    }

    [Fact]
    public void Zone_constructor_throws_the_validation_message()
    {
        var e = Assert.Throws<ArgumentException>(() => new ZoneDefinition("z", [(0.1f, 0.1f), (0.5f, 0.5f)]));
        Assert.StartsWith("a zone needs at least 3 points, got 2", e.Message);
    }

    [Fact]
    public void Line_with_identical_points_is_rejected()
    {
        Assert.Equal("the line's two points are the same (0.3, 0.4): a line needs two distinct points",
            LineDefinition.Validate((0.3f, 0.4f), (0.3f, 0.4f)));
        var e = Assert.Throws<ArgumentException>(() => new LineDefinition("l", (0.3f, 0.4f), (0.3f, 0.4f), margin: 0));
        Assert.StartsWith("the line's two points are the same", e.Message);
    }

    [Fact]
    public void Line_point_outside_the_image_is_rejected()
    {
        Assert.StartsWith("point 2 (0.5, 1.2) is outside 0..1", LineDefinition.Validate((0.5f, 0f), (0.5f, 1.2f)));
        Assert.StartsWith("point 1 (-0.1, 0) is outside 0..1", LineDefinition.Validate((-0.1f, 0f), (0.5f, 1f)));
    }

    // ---- Lines ----

    [Fact]
    public void Side_of_the_example_gate_is_positive_on_the_left()
    {
        // side = (Bx-Ax)(py-Ay) - (By-Ay)(px-Ax) = 0*(py) - 1*(px - 0.5) = 0.5 - px
        Assert.Equal(1, Gate().SideOf(0.2, 0.5));
        Assert.Equal(-1, Gate().SideOf(0.8, 0.5));
        Assert.Equal(0, Gate().SideOf(0.5, 0.3));
        Assert.Equal(0, Gate().SideOf(0.5, 1.7)); // on the extension: side is about the infinite line
    }

    [Fact]
    public void Example_gate_left_to_right_is_in()
    {
        var events = Walk(Monitor(lines: [Gate()]), (300, 500), (450, 500), (550, 500), (700, 500));
        Assert.Equal([Cross(1, 0, LineDirection.In, 200)], events);
    }

    [Fact]
    public void Example_gate_right_to_left_is_out()
    {
        var events = Walk(Monitor(lines: [Gate()]), (700, 500), (550, 500), (450, 500), (300, 500));
        Assert.Equal([Cross(1, 0, LineDirection.Out, 200)], events);
    }

    [Fact]
    public void Moving_parallel_to_the_line_gives_nothing()
    {
        Assert.Empty(Walk(Monitor(lines: [Gate()]), (400, 0), (400, 300), (400, 600), (400, 999)));
    }

    [Fact]
    public void First_position_of_a_track_gives_no_cross()
    {
        Assert.Empty(Walk(Monitor(lines: [Gate()]), (700, 500), (700, 510)));
    }

    [Fact]
    public void Crossing_the_extension_beyond_the_segment_end_gives_nothing_but_sets_the_side()
    {
        var monitor = Monitor(lines: [new LineDefinition("short", (0.5f, 0.2f), (0.5f, 0.6f), margin: 0)]);
        Assert.Empty(Step(monitor, 0, Feet(1, 400, 800)));
        Assert.Empty(Step(monitor, 100, Feet(1, 600, 800))); // below B: passes the end
        Assert.Empty(Step(monitor, 200, Feet(1, 600, 400))); // up, on the right side now
        // Back through the segment: right to left is Out, judged from the side taken when passing the end.
        Assert.Equal([Cross(1, 0, LineDirection.Out, 300)], Step(monitor, 300, Feet(1, 400, 400)));
    }

    [Fact]
    public void Passing_exactly_through_an_end_of_the_segment_counts()
    {
        var monitor = Monitor(lines: [new LineDefinition("short", (0.5f, 0.2f), (0.5f, 0.6f), margin: 0)]);
        Step(monitor, 0, Feet(1, 400, 600));
        Assert.Equal([Cross(1, 0, LineDirection.In, 100)], Step(monitor, 100, Feet(1, 600, 600)));
    }

    [Fact]
    public void Stopping_on_the_line_then_going_on_gives_exactly_one_cross()
    {
        var events = Walk(Monitor(lines: [Gate()]), (400, 500), (500, 500), (500, 510), (500, 520), (600, 520));
        Assert.Equal([Cross(1, 0, LineDirection.In, 400)], events);
    }

    [Fact]
    public void Touching_the_line_and_going_back_gives_nothing()
    {
        Assert.Empty(Walk(Monitor(lines: [Gate()]), (400, 500), (500, 500), (500, 500), (400, 500), (300, 500)));
    }

    [Fact]
    public void Touching_going_back_then_crossing_counts_once()
    {
        var events = Walk(Monitor(lines: [Gate()]), (400, 500), (500, 500), (400, 500), (600, 500));
        Assert.Equal([Cross(1, 0, LineDirection.In, 300)], events);
    }

    [Fact]
    public void Crossing_back_and_forth_gives_one_event_each_way()
    {
        var events = Walk(Monitor(lines: [Gate()]), (400, 500), (600, 500), (400, 500), (600, 500));
        Assert.Equal([Cross(1, 0, LineDirection.In, 100), Cross(1, 0, LineDirection.Out, 200), Cross(1, 0, LineDirection.In, 300)], events);
    }

    [Fact]
    public void Diagonal_line_direction()
    {
        // A=(0,0) top-left, B=(1,1) bottom-right. side = 1*(py-0) - 1*(px-0) = py - px.
        // (0.2,0.8): 0.6 > 0, the left side (below-left of the diagonal); (0.8,0.2): -0.6, the right. So up-right is In.
        var line = new LineDefinition("diag", (0f, 0f), (1f, 1f), margin: 0);
        Assert.Equal(1, line.SideOf(0.2, 0.8));
        Assert.Equal([Cross(1, 0, LineDirection.In, 100)], Walk(Monitor(lines: [line]), (200, 800), (800, 200)));
        Assert.Equal([Cross(1, 0, LineDirection.Out, 100)], Walk(Monitor(lines: [line]), (800, 200), (200, 800)));
    }

    [Fact]
    public void Horizontal_line_direction_follows_the_drawing_order()
    {
        // A=(0.1,0.5) left, B=(0.9,0.5) right: side = 0.8*(py-0.5) - 0 > 0 below the line. Moving up is In.
        var leftToRight = new LineDefinition("lr", (0.1f, 0.5f), (0.9f, 0.5f), margin: 0);
        Assert.Equal([Cross(1, 0, LineDirection.In, 100)], Walk(Monitor(lines: [leftToRight]), (500, 700), (500, 300)));
        // Drawn the other way, the same movement is Out.
        var rightToLeft = new LineDefinition("rl", (0.9f, 0.5f), (0.1f, 0.5f), margin: 0);
        Assert.Equal([Cross(1, 0, LineDirection.Out, 100)], Walk(Monitor(lines: [rightToLeft]), (500, 700), (500, 300)));
    }

    [Fact]
    public void Anchor_decides_whether_a_box_crossed()
    {
        // A gate over the top half only (y 0..0.5), and a box from y 0.2 to 0.7 moving from x 0.4 to 0.6: its centre
        // (y 0.45) goes through the gate; its feet (y 0.7) pass below the gate's end.
        var gate = new LineDefinition("upper", (0.5f, 0f), (0.5f, 0.5f), margin: 0);
        static Track Tall(float x) => new() { Id = 1, X1 = x - 10, X2 = x + 10, Y1 = 200, Y2 = 700, Matched = true };
        foreach (var anchor in new[] { AnchorPoint.Center, AnchorPoint.BottomCenter })
        {
            var monitor = Monitor(lines: [gate], anchor: anchor);
            Step(monitor, 0, Tall(400));
            var events = Step(monitor, 100, Tall(600));
            if (anchor == AnchorPoint.Center) Assert.Equal([Cross(1, 0, LineDirection.In, 100)], events);
            else Assert.Empty(events);
        }
    }

    [Fact]
    public void Several_lines_report_their_index()
    {
        var second = new LineDefinition("second", (0.7f, 0f), (0.7f, 1f), margin: 0);
        var events = Walk(Monitor(lines: [Gate(), second]), (400, 500), (600, 500), (800, 500));
        Assert.Equal([Cross(1, 0, LineDirection.In, 100), Cross(1, 1, LineDirection.In, 200)], events);
    }

    [Fact]
    public void Prediction_alone_does_not_cross_and_the_cross_fires_when_a_match_confirms_it()
    {
        var monitor = Monitor(lines: [Gate()]);
        Step(monitor, 0, Feet(1, 400, 500));
        Assert.Empty(Step(monitor, 100, Feet(1, 600, 500, matched: false)));
        Assert.Empty(Step(monitor, 200, Feet(1, 650, 500, matched: false)));
        // The movement is judged from the last matched position (400) to this one.
        Assert.Equal([Cross(1, 0, LineDirection.In, 300)], Step(monitor, 300, Feet(1, 700, 500)));
        Assert.Empty(Step(monitor, 400, Feet(1, 750, 500)));
    }

    [Fact]
    public void Prediction_across_the_line_that_comes_back_or_ends_gives_nothing()
    {
        var monitor = Monitor(lines: [Gate()]);
        Step(monitor, 0, Feet(1, 400, 500), Feet(2, 400, 700));
        Assert.Empty(Step(monitor, 100, Feet(1, 600, 500, matched: false), Feet(2, 600, 700, matched: false)));
        Assert.Empty(Step(monitor, 200, Feet(1, 450, 500))); // 1 matched back on the left; 2 ended while predicted
    }

    // ---- Zones ----

    [Fact]
    public void Enter_leave_and_count()
    {
        var monitor = Monitor(zones: [new ZoneDefinition("square", Square)]);
        Assert.Empty(Step(monitor, 0, Feet(1, 100, 500, classId: 2)));
        Assert.Equal(0, monitor.ZoneCounts[0]);

        Assert.Equal([ZoneEvent(SceneEventType.Enter, 1, 0, 100, classId: 2)], Step(monitor, 100, Feet(1, 300, 500, classId: 2)));
        Assert.Equal(1, monitor.ZoneCounts[0]);
        Assert.True(monitor.IsInZone(1, 0));
        Assert.Empty(Step(monitor, 200, Feet(1, 400, 500, classId: 2)));

        Assert.Equal([ZoneEvent(SceneEventType.Leave, 1, 0, 300, classId: 2)], Step(monitor, 300, Feet(1, 900, 500, classId: 2)));
        Assert.Equal(0, monitor.ZoneCounts[0]);
        Assert.False(monitor.IsInZone(1, 0));
    }

    [Fact]
    public void New_track_first_seen_inside_enters()
    {
        var monitor = Monitor(zones: [new ZoneDefinition("square", Square)]);
        Assert.Equal([ZoneEvent(SceneEventType.Enter, 7, 0, 0)], Step(monitor, 0, Feet(7, 500, 500)));
        Assert.Equal(1, monitor.ZoneCounts[0]);
    }

    [Fact]
    public void Count_and_membership_follow_several_tracks()
    {
        var monitor = Monitor(zones: [new ZoneDefinition("square", Square)]);
        Step(monitor, 0, Feet(1, 500, 500), Feet(2, 100, 100), Feet(3, 300, 300));
        Assert.Equal(2, monitor.ZoneCounts[0]);
        Assert.True(monitor.IsInZone(1, 0));
        Assert.True(monitor.IsInZone(3, 0));
        Assert.False(monitor.IsInZone(2, 0));
        Assert.False(monitor.IsInZone(99, 0));
    }

    [Fact]
    public void Track_ending_inside_leaves_and_the_count_drops()
    {
        var monitor = Monitor(zones: [new ZoneDefinition("square", Square)]);
        Step(monitor, 0, Feet(1, 500, 500, classId: 3), Feet(2, 600, 600));
        Assert.Equal(2, monitor.ZoneCounts[0]);
        Assert.Equal([ZoneEvent(SceneEventType.Leave, 1, 0, 100, classId: 3)], Step(monitor, 100, Feet(2, 600, 600)));
        Assert.Equal(1, monitor.ZoneCounts[0]);
        Assert.False(monitor.IsInZone(1, 0));
        Assert.Equal([ZoneEvent(SceneEventType.Leave, 2, 0, 200)], Step(monitor, 200));
        Assert.Equal(0, monitor.ZoneCounts[0]);
    }

    [Fact]
    public void Loiter_fires_once_per_visit_after_the_loiter_time()
    {
        var monitor = Monitor(zones: [new ZoneDefinition("square", Square, loiterSeconds: 2)]);
        Step(monitor, 0, Feet(1, 500, 500)); // enters at t=0
        Assert.Empty(Step(monitor, 1000, Feet(1, 500, 500)));
        Assert.Empty(Step(monitor, 1999, Feet(1, 500, 500)));
        Assert.Equal([ZoneEvent(SceneEventType.Loiter, 1, 0, 2000)], Step(monitor, 2000, Feet(1, 500, 500)));
        Assert.Empty(Step(monitor, 3000, Feet(1, 500, 500)));
        Assert.Empty(Step(monitor, 9000, Feet(1, 500, 500)));

        Step(monitor, 9100, Feet(1, 900, 500));                // leaves
        Step(monitor, 9200, Feet(1, 500, 500));                // re-enters: the clock restarts
        Assert.Empty(Step(monitor, 11100, Feet(1, 500, 500)));
        Assert.Equal([ZoneEvent(SceneEventType.Loiter, 1, 0, 11200)], Step(monitor, 11200, Feet(1, 500, 500)));
    }

    [Fact]
    public void Zero_loiter_time_gives_no_loiter_events()
    {
        var monitor = Monitor(zones: [new ZoneDefinition("square", Square)]);
        Step(monitor, 0, Feet(1, 500, 500));
        Assert.Empty(Step(monitor, 3_600_000, Feet(1, 500, 500)));
    }

    [Fact]
    public void Overlapping_zones_are_tracked_independently()
    {
        var left = new ZoneDefinition("left", [(0.1f, 0.1f), (0.6f, 0.1f), (0.6f, 0.9f), (0.1f, 0.9f)]);
        var right = new ZoneDefinition("right", [(0.4f, 0.1f), (0.9f, 0.1f), (0.9f, 0.9f), (0.4f, 0.9f)]);
        var monitor = Monitor(zones: [left, right]);

        Assert.Equal([ZoneEvent(SceneEventType.Enter, 1, 0, 0)], Step(monitor, 0, Feet(1, 200, 500)));
        Assert.Equal([ZoneEvent(SceneEventType.Enter, 1, 1, 100)], Step(monitor, 100, Feet(1, 500, 500))); // both
        Assert.Equal([1, 1], monitor.ZoneCounts.ToArray());
        Assert.Equal([ZoneEvent(SceneEventType.Leave, 1, 0, 200)], Step(monitor, 200, Feet(1, 800, 500)));
        Assert.Equal([0, 1], monitor.ZoneCounts.ToArray());
        Assert.Equal([ZoneEvent(SceneEventType.Enter, 1, 0, 300), ZoneEvent(SceneEventType.Leave, 1, 1, 300)],
            Step(monitor, 300, Feet(1, 200, 500))); // jumps from right-only to left-only: by zone index
    }

    [Fact]
    public void Same_normalised_zone_works_at_any_frame_size()
    {
        var zone = new ZoneDefinition("middle", [(0.25f, 0.25f), (0.75f, 0.25f), (0.75f, 0.75f), (0.25f, 0.75f)]);
        var events = new SceneEvent[8];
        static Track At(int id, float x, float y) => new() { Id = id, X1 = x - 5, X2 = x + 5, Y1 = y - 20, Y2 = y, Matched = true };

        var small = Monitor(zones: [zone]);
        // 640x480: (320,300) -> (0.5, 0.625) inside; (100,100) -> (0.156, 0.208) outside; (480,360) -> (0.75,0.75) corner
        Assert.Equal(2, small.Update([At(1, 320, 300), At(2, 100, 100), At(3, 480, 360)], 640, 480, 0, events));
        Assert.Equal(2, small.ZoneCounts[0]);
        Assert.True(small.IsInZone(3, 0));

        var large = Monitor(zones: [zone]);
        // 1280x720: the same places, doubled in x and 1.5× in y.
        Assert.Equal(2, large.Update([At(1, 640, 450), At(2, 200, 150), At(3, 960, 540)], 1280, 720, 0, events));
        Assert.Equal(2, large.ZoneCounts[0]);
        Assert.True(large.IsInZone(1, 0) && !large.IsInZone(2, 0) && large.IsInZone(3, 0));
    }

    [Fact]
    public void Predicted_boxes_move_zone_membership()
    {
        var monitor = Monitor(zones: [new ZoneDefinition("square", Square)]);
        Step(monitor, 0, Feet(1, 100, 500));
        Assert.Equal([ZoneEvent(SceneEventType.Enter, 1, 0, 100)], Step(monitor, 100, Feet(1, 500, 500, matched: false)));
        Assert.Equal(1, monitor.ZoneCounts[0]);
        Assert.Equal([ZoneEvent(SceneEventType.Leave, 1, 0, 200)], Step(monitor, 200, Feet(1, 900, 500, matched: false)));
    }

    [Fact]
    public void Per_frame_order_is_tracks_in_span_order_then_ended_tracks()
    {
        var zone = new ZoneDefinition("square", Square);
        var monitor = Monitor(zones: [zone], lines: [Gate()]);
        Step(monitor, 0, Feet(1, 400, 500), Feet(2, 100, 100), Feet(3, 300, 300));
        var events = Step(monitor, 100, Feet(2, 300, 500), Feet(1, 600, 500));
        Assert.Equal(
        [
            ZoneEvent(SceneEventType.Enter, 2, 0, 100),
            Cross(1, 0, LineDirection.In, 100),
            ZoneEvent(SceneEventType.Leave, 3, 0, 100),
        ], events);
    }

    // ---- Monitor mechanics ----

    [Fact]
    public void Events_beyond_the_span_are_dropped_and_counted_but_state_is_kept()
    {
        var monitor = Monitor(zones: [new ZoneDefinition("square", Square)]);
        var events = new SceneEvent[1];
        Assert.Equal(1, monitor.Update([Feet(1, 500, 500), Feet(2, 500, 500), Feet(3, 500, 500)], W, H, 0, events));
        Assert.Equal(1, events[0].TrackId);
        Assert.Equal(2, monitor.DroppedEvents);
        Assert.Equal(3, monitor.ZoneCounts[0]);
    }

    [Fact]
    public void Tracks_beyond_capacity_are_ignored_until_a_slot_frees()
    {
        var monitor = Monitor(zones: [new ZoneDefinition("square", Square)], maxTracks: 2);
        Assert.Equal(2, Step(monitor, 0, Feet(1, 500, 500), Feet(2, 500, 500), Feet(3, 500, 500)).Length);
        Assert.Equal(1, monitor.IgnoredTracks);
        Assert.False(monitor.IsInZone(3, 0));
        Assert.Equal(2, monitor.ZoneCounts[0]);

        Assert.Equal([ZoneEvent(SceneEventType.Leave, 1, 0, 100)], Step(monitor, 100, Feet(2, 500, 500), Feet(3, 500, 500)));
        Assert.Equal([ZoneEvent(SceneEventType.Enter, 3, 0, 200)], Step(monitor, 200, Feet(2, 500, 500), Feet(3, 500, 500)));
    }

    [Fact]
    public void Slots_are_reused_across_many_short_tracks()
    {
        // 300 tracks, each alive for 3 frames (x 400, 500, 600: enters the square, crosses the gate), three at a
        // time, through a monitor with 4 slots. The last frames have no tracks, so every track ends.
        var monitor = Monitor(zones: [new ZoneDefinition("square", Square)], lines: [Gate()], maxTracks: 4);
        int enters = 0, leaves = 0, crosses = 0;
        for (var frame = 0; frame < 305; frame++)
        {
            var tracks = new List<Track>();
            for (var id = frame - 2; id <= frame; id++)
                if (id >= 1 && id <= 300) tracks.Add(Feet(id, 400 + 100 * (frame - id), 500));
            foreach (var e in Step(monitor, frame * 100, [.. tracks]))
                if (e.Type == SceneEventType.Enter) enters++;
                else if (e.Type == SceneEventType.Leave) leaves++;
                else if (e.Type == SceneEventType.Cross) crosses++;
            Assert.Equal(tracks.Count, monitor.ZoneCounts[0]);
        }
        Assert.Equal((300, 300, 300), (enters, leaves, crosses));
        Assert.Equal(0, monitor.ZoneCounts[0]);
        Assert.Equal(0, monitor.IgnoredTracks);
    }

    [Fact]
    public void Reset_forgets_tracks_without_events()
    {
        var monitor = Monitor(zones: [new ZoneDefinition("square", Square)], lines: [Gate()]);
        Step(monitor, 0, Feet(1, 400, 500));
        monitor.Reset();
        Assert.Equal(0, monitor.ZoneCounts[0]);
        Assert.False(monitor.IsInZone(1, 0));
        // Seen afresh: enters again, and its old side is forgotten so no Cross.
        Assert.Equal([ZoneEvent(SceneEventType.Enter, 1, 0, 100)], Step(monitor, 100, Feet(1, 600, 500)));
    }

    [Fact]
    public void Track_id_zero_is_ignored()
    {
        var monitor = Monitor(zones: [new ZoneDefinition("square", Square)]);
        Assert.Empty(Step(monitor, 0, Feet(0, 500, 500)));
        Assert.Equal(1, monitor.IgnoredTracks);
    }

    [Fact]
    public void Event_span_of_MaxEventsPerUpdate_never_overflows()
    {
        var zones = new[] { new ZoneDefinition("a", Square), new ZoneDefinition("b", U) };
        var monitor = Monitor(zones: zones, lines: [Gate()], maxTracks: 3);
        Assert.Equal(9, monitor.MaxEventsPerUpdate);
        var events = new SceneEvent[monitor.MaxEventsPerUpdate];
        monitor.Update([Feet(1, 400, 750), Feet(2, 400, 750), Feet(3, 400, 750)], W, H, 0, events); // all in both zones
        // 1 crosses the gate (1 event; it stays in both zones), 2 and 3 end inside both zones (4 Leaves).
        var n = monitor.Update([Feet(1, 600, 750)], W, H, 100, events);
        Assert.Equal(5, n);
        Assert.Equal(0, monitor.DroppedEvents);
    }

    [Fact]
    public void Thousand_updates_with_20_tracks_3_zones_2_lines_allocate_nothing()
    {
        var zones = new[]
        {
            new ZoneDefinition("a", Square, loiterSeconds: 1),
            new ZoneDefinition("b", U, loiterSeconds: 0.5),
            new ZoneDefinition("c", Triangle),
        };
        var lines = new[] { Gate(), new LineDefinition("diag", (0f, 0f), (1f, 1f), margin: 0) };
        var monitor = new SceneMonitor(zones, lines, AnchorPoint.BottomCenter, maxTracks: 64);
        var tracks = new Track[20];
        var events = new SceneEvent[monitor.MaxEventsPerUpdate];
        var total = 0L;

        void Run(int from, int to)
        {
            for (var frame = from; frame < to; frame++)
            {
                for (var i = 0; i < tracks.Length; i++)
                {
                    // Tracks circle the frame and are replaced by a new id every 50 frames, so enters, leaves,
                    // crosses, loiters, ends and slot reuse all happen.
                    var phase = frame * 0.05 + i;
                    var x = 500 + 400 * (float)Math.Cos(phase);
                    var y = 500 + 400 * (float)Math.Sin(phase * 1.3);
                    tracks[i] = Feet(1 + i + 20 * (frame / 50 + (i % 3)), x, y, matched: frame % 7 != i % 7);
                }
                total += monitor.Update(tracks, W, H, frame * 33_000_000L, events);
            }
        }

        Run(0, 200);
        var next = 200; // each window goes on where the last one ended
        var allocated = Allocations.OnThisThread(() => { Run(next, next + 1000); next += 1000; });

        Assert.Equal(0, allocated);
        Assert.True(total > 1000, $"only {total} events: the workload should exercise the event paths");
        Assert.Equal(0, monitor.DroppedEvents);
    }
}
