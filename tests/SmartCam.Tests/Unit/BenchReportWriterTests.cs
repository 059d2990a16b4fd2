using SmartCam.Commands.Bench;

namespace SmartCam.Tests.Unit;

/// <summary>
/// Both benches' output, field for field and line for line, as it was when each bench wrote its own JSON by hand:
/// docs/benchmarks.md, scripts/bench.sh and the integration tests read these names and shapes.
/// </summary>
public class BenchReportWriterTests
{
    private static SingleCameraReport Single(double startup, long[] viewers) => new(
        "yolox_nano", "cpu", ["CPUExecutionProvider"], "media/vtest.avi", "max", 1000, 123.456789,
        [("capture", 10, 20, 30, 1000), ("infer", 1000, 2000, 3000, 1000), ("capture_to_publish", 1100, 2100, 3100, 1000)],
        900, 1900, 1.2222222, 1.10526315, 0.98765432,
        0.5, 1234.5678, (0, 12, 34), (1, 2, 0),
        123456789, startup, 3, 1,
        33333, 7, [("capture", 5, 50, 500, 5000), ("infer", 6, 60, 600, 6000), ("publish", 7, 70, 700, 7000)],
        (100, 2), (3, 0)) { ViewerPictures = viewers };

    private static Window Window(int cameras, string lastState) => new(
        20.0004999,
        Enumerable.Range(0, cameras).Select(i => new CameraFigures($"cam{i}", i == cameras - 1 ? lastState : "running", 25.0, 24.98765 - i, 500 + i, i, 40000 + i, 80000 + i, 90000 + i)).ToArray(),
        [0.876543219, 0.5],
        [new("capture.cam0", 1000, 500), new("infer.0", 0, 499), new("infer.1", 7, 0), new("publish", 3, 999)],
        (4, 1, 0), (41000, 81000, 91000, 999));

    private static MultiCameraReport Multi() => new("yolox_nano", "cpu", "media/vtest.avi", 2, 3, 2,
        20000, 30000, 25.0, Window(3, "running"),
        [new(2, 24.9876, true), new(4, 20.1234, false), new(3, 24.5, true)], 5, 3, false, 1.8123456,
        6, Window(6, "running"), 2, "cam1", Window(2, "running"), Window(2, "failed"), 111, 222);

    [Fact]
    public void Single_camera_json_has_every_field_rounded_and_the_bare_model_beside_the_stages()
    {
        Assert.Equal(SingleJson, BenchReportWriter.ToJson(Single(1.23456789, [10, 20, 30])));
    }

    [Fact]
    public void Single_camera_json_says_minus_one_for_an_unknown_start_up()
    {
        Assert.Equal(SingleJsonNoStartup, BenchReportWriter.ToJson(Single(double.NaN, [])));
    }

    [Fact]
    public void Multi_camera_json_has_every_window_the_capacity_fairness_and_dying_camera()
    {
        Assert.Equal(MultiJson, BenchReportWriter.ToJson(Multi()));
    }

    [Fact]
    public void Tables_are_printed_before_the_json_line_and_left_out_with_json_only()
    {
        var table = new StringWriter { NewLine = "\n" };
        BenchReportWriter.Write(Single(1.23456789, [10, 20, 30]), jsonOnly: false, table);
        BenchReportWriter.Write(Single(double.NaN, []), jsonOnly: false, table);
        BenchReportWriter.Write(Multi(), jsonOnly: false, table);
        // Each table ends in an empty line.
        Assert.Equal(SingleTable + SingleJson + "\n" + SingleTableNoStartup + SingleJsonNoStartup + "\n" + MultiTable + MultiJson + "\n",
            table.ToString());

        var json = new StringWriter { NewLine = "\n" };
        BenchReportWriter.Write(Multi(), jsonOnly: true, json);
        Assert.Equal(MultiJson + "\n", json.ToString());
    }

    private const string SingleJson = """
        {"model":"yolox_nano","provider":"cpu","providers":["CPUExecutionProvider"],"source":"media/vtest.avi","pace":"max","frames":1000,"fps":123.46,"latency_us":{"capture":{"p50":10,"p99":20,"max":30,"count":1000},"infer":{"p50":1000,"p99":2000,"max":3000,"count":1000},"capture_to_publish":{"p50":1100,"p99":2100,"max":3100,"count":1000},"bare_session_run":{"p50":900,"p99":1900}},"latency_p50_ratio":1.2222,"latency_p99_ratio":1.1053,"throughput_ratio":0.9877,"bytes_per_frame_pipeline":0.5,"bytes_per_frame_process":1234.568,"bytes_allocated":{"capture":0,"infer":12,"publish":34},"gc":{"gen0":1,"gen1":2,"gen2":0},"peak_rss_bytes":123456789,"startup_s":1.2346,"dropped":3,"burst":1,"deadline":{"period_us":33333,"misses":7},"lateness_us":{"capture":{"p50":5,"p99":50,"p999":500,"max":5000},"infer":{"p50":6,"p99":60,"p999":600,"max":6000},"publish":{"p50":7,"p99":70,"p999":700,"max":7000}},"page_faults":{"minor":100,"major":2,"loop_minor":3,"loop_major":0},"viewer_pictures":[10,20,30]}
        """;

    private const string SingleJsonNoStartup = """
        {"model":"yolox_nano","provider":"cpu","providers":["CPUExecutionProvider"],"source":"media/vtest.avi","pace":"max","frames":1000,"fps":123.46,"latency_us":{"capture":{"p50":10,"p99":20,"max":30,"count":1000},"infer":{"p50":1000,"p99":2000,"max":3000,"count":1000},"capture_to_publish":{"p50":1100,"p99":2100,"max":3100,"count":1000},"bare_session_run":{"p50":900,"p99":1900}},"latency_p50_ratio":1.2222,"latency_p99_ratio":1.1053,"throughput_ratio":0.9877,"bytes_per_frame_pipeline":0.5,"bytes_per_frame_process":1234.568,"bytes_allocated":{"capture":0,"infer":12,"publish":34},"gc":{"gen0":1,"gen1":2,"gen2":0},"peak_rss_bytes":123456789,"startup_s":-1,"dropped":3,"burst":1,"deadline":{"period_us":33333,"misses":7},"lateness_us":{"capture":{"p50":5,"p99":50,"p999":500,"max":5000},"infer":{"p50":6,"p99":60,"p999":600,"max":6000},"publish":{"p50":7,"p99":70,"p999":700,"max":7000}},"page_faults":{"minor":100,"major":2,"loop_minor":3,"loop_major":0},"viewer_pictures":[]}
        """;

    private const string MultiJson = """
        {"model":"yolox_nano","provider":"cpu","source":"media/vtest.avi","instances":2,"bare_session_run_us":{"p50":20000,"p99":30000},"nominal_fps":25,"warmup_s":2,"peak_rss_bytes_configured":111,"peak_rss_bytes":222,"configured":{"window_s":20,"cameras":[{"id":"cam0","state":"running","fps":24.988,"nominal_fps":25,"processed":500,"dropped":0,"capture_to_publish_us":{"p50":40000,"p99":80000,"max":90000}},{"id":"cam1","state":"running","fps":23.988,"nominal_fps":25,"processed":501,"dropped":1,"capture_to_publish_us":{"p50":40001,"p99":80001,"max":90001}},{"id":"cam2","state":"running","fps":22.988,"nominal_fps":25,"processed":502,"dropped":2,"capture_to_publish_us":{"p50":40002,"p99":80002,"max":90002}}],"min_fps":22.988,"max_fps":24.988,"detector_load":[0.8765,0.5],"bytes_per_frame":{"capture.cam0":2,"infer.0":0,"infer.1":7,"publish":0.003},"bytes_allocated":{"capture.cam0":1000,"infer.0":0,"infer.1":7,"publish":3},"gc":{"gen0":4,"gen1":1,"gen2":0}},"capacity":{"cameras":3,"limited":false,"target":1.812,"met":true,"probe_s":5,"probes":[{"cameras":2,"min_fps":24.988,"kept":true},{"cameras":4,"min_fps":20.123,"kept":false},{"cameras":3,"min_fps":24.5,"kept":true}]},"overload":{"cameras":6,"min_fps":19.988,"max_fps":24.988,"fairness":0.7999,"met":false,"window":{"window_s":20,"cameras":[{"id":"cam0","state":"running","fps":24.988,"nominal_fps":25,"processed":500,"dropped":0,"capture_to_publish_us":{"p50":40000,"p99":80000,"max":90000}},{"id":"cam1","state":"running","fps":23.988,"nominal_fps":25,"processed":501,"dropped":1,"capture_to_publish_us":{"p50":40001,"p99":80001,"max":90001}},{"id":"cam2","state":"running","fps":22.988,"nominal_fps":25,"processed":502,"dropped":2,"capture_to_publish_us":{"p50":40002,"p99":80002,"max":90002}},{"id":"cam3","state":"running","fps":21.988,"nominal_fps":25,"processed":503,"dropped":3,"capture_to_publish_us":{"p50":40003,"p99":80003,"max":90003}},{"id":"cam4","state":"running","fps":20.988,"nominal_fps":25,"processed":504,"dropped":4,"capture_to_publish_us":{"p50":40004,"p99":80004,"max":90004}},{"id":"cam5","state":"running","fps":19.988,"nominal_fps":25,"processed":505,"dropped":5,"capture_to_publish_us":{"p50":40005,"p99":80005,"max":90005}}],"min_fps":19.988,"max_fps":24.988,"detector_load":[0.8765,0.5],"bytes_per_frame":{"capture.cam0":2,"infer.0":0,"infer.1":7,"publish":0.003},"bytes_allocated":{"capture.cam0":1000,"infer.0":0,"infer.1":7,"publish":3},"gc":{"gen0":4,"gen1":1,"gen2":0}}},"camera_dying":{"cameras":2,"camera":"cam1","others_p99_before_us":81000,"others_p99_after_us":81000,"others_p99_change":0,"met":true,"others_p50_before_us":41000,"others_p50_after_us":41000,"others_max_before_us":91000,"others_max_after_us":91000,"others_min_fps_before":24.988,"others_min_fps_after":24.988,"state_after":"failed"}}
        """;

    private const string SingleTable = """
        model yolox_nano, source media/vtest.avi, pace max: 1000 frames measured after warm-up
        provider cpu: session on CPUExecutionProvider

        stage                    p50 µs     p99 µs     max µs    samples
        capture                      10         20         30       1000
        infer                      1000       2000       3000       1000
        capture_to_publish         1100       2100       3100       1000
        bare session.Run            900       1900

        throughput             123.5 fps = 0.988 × the bare model's 1/p50 (1111.1 fps)
        capture→publish p50    1.222 × bare p50;  p99 1.105 × bare p99
        allocated per frame    0.5 B on the pipeline threads, 1234.568 B process-wide
        allocated in total     capture 0 B, infer 12 B, publish 34 B
        GCs during the run     gen0 1, gen1 2, gen2 0
        peak RSS               117.7 MB
        start-up to first det. 1.235 s
        frames dropped         3 (and 1 replaced in a burst from a live source)
        deadline               period 33333 µs, 7 frames published later than one period after capture
        page faults            process 100 minor, 2 major; loop threads 3 minor, 0 major
        live viewers           3 (MJPEG, then pages): pictures received 10, 20, 30

        loop lateness            p50 µs     p99 µs   p99.9 µs     max µs
        capture                       5         50        500       5000
        infer                         6         60        600       6000
        publish                       7         70        700       7000


        """;

    /// <summary>The same report with no start-up figure (NaN) and no viewers: those two lines change, nothing else.</summary>
    private static readonly string SingleTableNoStartup = SingleTable
        .Replace("start-up to first det. 1.235 s", "start-up to first det. NaN s", StringComparison.Ordinal)
        .Replace("live viewers           3 (MJPEG, then pages): pictures received 10, 20, 30\n", "", StringComparison.Ordinal);


    private const string MultiTable = """
        model yolox_nano, provider cpu, 2 detector instance(s); bare session.Run p50 20.0 ms, p99 30.0 ms (50.0 fps)
        3 configured cameras, 20.0 s measured after 2 s warm-up:

        camera           fps  processed  dropped   c→p p50 ms   p99 ms   max ms  state
        cam0           24.99        500        0         40.0     80.0     90.0  running
        cam1           23.99        501        1         40.0     80.0     90.0  running
        cam2           22.99        502        2         40.0     80.0     90.0  running
        detector load          87.7 %, 50.0 %
        bytes per frame        capture.cam0 2, infer.0 0, infer.1 7, publish 0.003
        GCs in the window      gen0 4, gen1 1, gen2 0
        peak RSS               0.0 MB with the configured cameras (0.0 MB over the whole bench)
        dropped: files lose no frame, they play late: nominal fps × window − processed; live cameras: frames replaced unread

        capacity               3 cameras like the first keep ≥ 95 % of their 25 fps (5 s probes: 2 kept min 24.99, 4 not min 20.12, 3 kept min 24.50)
          target               ≥ 0.9 × 50.0 fps / 25 fps = 1.81: met
        fairness at 2×         6 cameras, 20.0 s: min 19.99 fps, max 24.99 fps, min/max 0.800 (target ≥ 0.9: not met); detector load 137.7 %
        one camera dying       2 cameras, cam1's file removed: the others' capture→publish p99 81.0 → 81.0 ms (0.0 %, target within ±10 %: met), p50 41.0 → 41.0 ms, max 91.0 → 91.0 ms; cam1 failed
          others' fps          before min 24.99, after min 24.99


        """;
}
