using SmartCam.Actuation;
using SmartCam.Configuration;
using SmartCam.Messaging;
using SmartCam.Tracking;

namespace SmartCam.Tests.Unit;

/// <summary>
/// What a live reload carries from the running scene to the next, stage by stage, on hand-made tracks and timelines:
/// who is in which zone, each track's side of a line, unchanged rules' state and the outputs' last requests, the lines'
/// crossing counts; and that the switch itself allocates nothing (it runs on the inference and publish threads).
/// </summary>
public class SceneReloadTests
{
    private const int W = 1000, H = 1000;
    private static readonly (float X, float Y)[] Left = [(0.0f, 0.0f), (0.5f, 0.0f), (0.5f, 1.0f), (0.0f, 1.0f)];
    private static readonly (float X, float Y)[] Right = [(0.5f, 0.0f), (1.0f, 0.0f), (1.0f, 1.0f), (0.5f, 1.0f)];
    private static readonly (float X, float Y)[] All = [(0.0f, 0.0f), (1.0f, 0.0f), (1.0f, 1.0f), (0.0f, 1.0f)];

    private static Track Feet(int id, float x, float y) => new() { Id = id, X1 = x - 20, X2 = x + 20, Y1 = y - 100, Y2 = y, Score = 0.9f, Matched = true };

    private static List<SceneEvent> Update(SceneMonitor monitor, long ms, params Track[] tracks)
    {
        var events = new SceneEvent[monitor.MaxEventsPerUpdate];
        var n = monitor.Update(tracks, W, H, ms * 1_000_000, events);
        return events[..n].ToList();
    }

    [Fact]
    public void A_zone_kept_by_name_keeps_who_is_inside_a_moved_zone_gives_just_the_change_a_new_zone_an_enter()
    {
        var running = new SceneMonitor([new ZoneDefinition("stay", All), new ZoneDefinition("moves", Left), new ZoneDefinition("goes", All)], []);
        Update(running, 0, Feet(1, 200, 500), Feet(2, 800, 500)); // 1 left, 2 right: both in stay and goes, 1 in moves
        Assert.Equal([2, 1, 2], running.ZoneCounts.ToArray());

        var next = new SceneMonitor([new ZoneDefinition("moves", Right), new ZoneDefinition("stay", All), new ZoneDefinition("new", Left)], []);
        next.CarryFrom(running);
        Assert.Equal([1, 2, 0], next.ZoneCounts.ToArray()); // carried by name, before the next frame
        Assert.True(next.IsInZone(1, 0));

        var events = Update(next, 100, Feet(1, 200, 500), Feet(2, 800, 500));
        // "moves" went from the left half to the right one: 1 leaves it, 2 enters; "stay" says nothing; "new" has 1 enter.
        Assert.Equal(
            [(SceneEventType.Leave, 1, 0), (SceneEventType.Enter, 1, 2), (SceneEventType.Enter, 2, 0)],
            events.Select(e => (e.Type, e.TrackId, e.Zone)).ToArray());
        Assert.Equal([1, 2, 1], next.ZoneCounts.ToArray());
    }

    [Fact]
    public void A_line_keeps_each_tracks_side_only_when_unchanged_so_moving_it_over_someone_counts_no_crossing()
    {
        var gate = new LineDefinition("gate", (0.5f, 0f), (0.5f, 1f), margin: 0);
        var running = new SceneMonitor([], [gate]);
        Update(running, 0, Feet(1, 400, 500));

        var same = new SceneMonitor([], [new LineDefinition("gate", (0.5f, 0f), (0.5f, 1f), margin: 0)]);
        same.CarryFrom(running);
        Assert.Equal(SceneEventType.Cross, Assert.Single(Update(same, 100, Feet(1, 600, 500))).Type); // the side it had counts

        var moved = new SceneMonitor([], [new LineDefinition("gate", (0.3f, 0f), (0.3f, 1f), margin: 0)]);
        moved.CarryFrom(running); // the line now lies left of the standing track: no side carried, no crossing
        Assert.Empty(Update(moved, 100, Feet(1, 400, 500)));
        Assert.Empty(Update(moved, 200, Feet(1, 420, 500)));
        Assert.Equal(SceneEventType.Cross, Assert.Single(Update(moved, 300, Feet(1, 200, 500))).Type); // a real one still counts
    }

    [Fact]
    public void An_unchanged_rule_keeps_its_output_a_changed_rule_releases_it_at_the_next_frame()
    {
        const long Ms = 1_000_000;
        var held = new RuleTiming(1, 0, 0, 0);
        var running = new RuleEngine([("lamp-rule", 0, held), ("beacon-rule", 1, held)], 2);
        running.Evaluate([true, true], 100 * Ms, 100 * Ms, null);
        Assert.True(running.OutputActive(0, 100 * Ms) && running.OutputActive(1, 100 * Ms));

        // The lamp's rule unchanged (index 1 now), the beacon's changed: no state to take over.
        var next = new RuleEngine([("beacon-rule", 1, new RuleTiming(1, 500, 0, 0)), ("lamp-rule", 0, held)], 2);
        next.CarryFrom(running, [-1, 0]);
        Assert.Equal(1, next.States[1].Fired);
        Assert.True(next.States[1].Debounced);

        next.Evaluate([false, true], 200 * Ms, 200 * Ms, null);
        Assert.True(next.OutputActive(0, 200 * Ms)); // still on, and no new firing
        Assert.Equal(1, next.States[1].Fired);
        Assert.False(next.OutputActive(1, 200 * Ms)); // released: its new rule has not seen its condition
        Assert.Equal(0, next.States[0].Fired);

        next.Evaluate([true, true], 300 * Ms, 300 * Ms, null);
        Assert.True(next.OutputActive(1, 300 * Ms)); // and follows the new rule from then on
        Assert.Equal(1, next.States[0].Fired);
    }

    [Fact]
    public void A_rule_continues_when_its_zone_is_the_same_by_name_even_at_another_index()
    {
        var a = new ZoneDefinition("a", Left);
        var b = new ZoneDefinition("b", Right);
        var timing = new RuleTiming(3, 1000, 0, 0);
        var running = new SceneConfig { Zones = [a, b], Rules = [new RuleConfig("in-b", ["person"], 0.5f, 1, -1, null, 0, timing)] };
        var next = new SceneConfig { Zones = [b, a], Rules = [new RuleConfig("in-b", ["person"], 0.5f, 0, -1, null, 0, timing), new RuleConfig("in-a", ["person"], 0.5f, 0, -1, null, 0, timing)] };
        var into = new int[2];
        next.RunningRuleOf(running, into);
        Assert.Equal([0, -1], into); // in-a names zone index 0, which is b now: a different rule
        var retimed = new SceneConfig { Zones = [a, b], Rules = [new RuleConfig("in-b", ["person"], 0.5f, 1, -1, null, 0, timing with { HoldMs = 2000 })] };
        retimed.RunningRuleOf(running, into.AsSpan(0, 1));
        Assert.Equal(-1, into[0]);
    }

    [Fact]
    public void Lines_keep_their_crossing_totals_by_name_across_a_switch_of_the_publish_threads_names()
    {
        var gate = new LineDefinition("gate", (0.5f, 0f), (0.5f, 1f), margin: 0);
        var scene = new SceneConfig { Lines = [gate] };
        var writer = new MessageWriter("cam0", "m", ["person"], scene);
        var result = new DetectionResult(4, 4, 1);
        writer.WriteSceneEvent(result, new SceneEvent(SceneEventType.Cross, 1, 0, -1, 0, LineDirection.In, 0), 0);
        writer.WriteSceneEvent(result, new SceneEvent(SceneEventType.Cross, 2, 0, -1, 0, LineDirection.Out, 0), 0);

        var moved = new SceneConfig { Lines = [new LineDefinition("door", (0.1f, 0f), (0.1f, 1f), margin: 0), new LineDefinition("gate", (0.6f, 0f), (0.6f, 1f), margin: 0)] };
        var names = new SceneNames(moved, reload: true, "lines: +door ~gate", "0123456789abcdef");
        var allocated = Allocations.OnThisThread(() => writer.Switch(names));
        Assert.Equal(0, allocated);
        Assert.Equal([0, 0, 1, 1], names.Crossings); // door new, gate's in and out kept
        writer.WriteConfigEvent(names, 7, 0, 123);
        var json = System.Text.Json.JsonDocument.Parse(writer.Buffer.WrittenSpan.ToArray()).RootElement;
        Assert.Equal("config", json.GetProperty("type").GetString());
        Assert.Equal("lines: +door ~gate", json.GetProperty("summary").GetString());
        Assert.Equal("0123456789abcdef", json.GetProperty("hash").GetString());
        Assert.Equal(7, json.GetProperty("seq").GetInt64());
    }

    [Fact]
    public void Taking_over_a_running_scene_allocates_nothing()
    {
        var zones = new[] { new ZoneDefinition("a", Left), new ZoneDefinition("b", Right) };
        var gate = new LineDefinition("gate", (0.5f, 0f), (0.5f, 1f), margin: 0);
        var timing = new RuleTiming(1, 100, 0, 0);
        var scene = new SceneConfig { Zones = zones, Lines = [gate], Rules = [new RuleConfig("in-a", [], 0f, 0, -1, null, 0, timing)] };
        var next = scene with { Zones = [zones[1], new ZoneDefinition("a", Right)], Tracker = scene.Tracker with { MinHits = 1 } };
        var running = new SceneStage(scene);
        var events = new SceneEvent[running.MaxEvents];
        running.Run([new SmartCam.Inference.Detection { X1 = 100, Y1 = 100, X2 = 200, Y2 = 400, Score = 0.9f }], new int[1], W, H, 0, events);
        var runningRules = new RuleStage(scene.Rules, ["person"], null, 1);
        var stages = Enumerable.Range(0, 12).Select(_ => (new SceneStage(next, takesOver: true), new RuleStage(next.Rules, ["person"], null, 1))).ToArray();
        var i = 0;
        var allocated = Allocations.OnThisThread(() =>
        {
            var (stage, rules) = stages[i++];
            stage.TakeOver(running);
            rules.TakeOver(runningRules, scene, next);
        });
        Assert.Equal(0, allocated);
    }
}
