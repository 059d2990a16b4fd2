namespace SmartCam.Tests.Integration;

/// <summary>
/// Real-time placement, checked from outside in /proc the way an operator would: only our two loop
/// threads are SCHED_FIFO, with the configured priorities and CPUs; everything else is on the
/// housekeeping CPUs. Unprivileged, the service still runs and says once what it is missing.
/// </summary>
public sealed class RealtimeTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The loop CPU: 1 where there are two or more, as on the appliance; housekeeping on 0.</summary>
    private static readonly int LoopCpu = Environment.ProcessorCount > 1 ? 1 : 0;

    private string Config(int port, bool lockMemory = false) => ServiceConfig.Write(_dir, "file://" + Repo.Video, port, camera: "loop: true\n  pace: realtime", waitForSubscribers: 0,
        extra: $$"""
            realtime:
              enabled: true
              threads:
                capture:   { cpus: [{{LoopCpu}}], policy: fifo, priority: 70 }
                inference: { cpus: [{{LoopCpu}}], policy: fifo, priority: 80 }
                publish:   { cpus: [0], policy: other }
              housekeeping_cpus: [0]
              lock_memory: {{(lockMemory ? "true" : "false")}}
            """);

    private sealed record TaskInfo(int Tid, string Name, int Policy, int Priority, string Cpus);

    /// <summary>
    /// Name, policy (stat field 41), real-time priority (field 40) and allowed CPUs of every thread of <paramref name="pid"/>.
    /// A thread that ends between the listing and the reading (a decoder's or the runtime's helper) is left out.
    /// </summary>
    private static List<TaskInfo> Tasks(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task").Select(dir =>
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // The name may contain spaces and parentheses: fields are counted after the last ')'.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var cpus = File.ReadLines(Path.Combine(dir, "status")).First(l => l.StartsWith("Cpus_allowed_list:")).Split('\t')[1].Trim();
                return new TaskInfo(int.Parse(Path.GetFileName(dir)), stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')], int.Parse(fields[38]), int.Parse(fields[37]), cpus);
            }
            catch (IOException)
            {
                return null; // /proc/PID/task/TID is gone: the thread ended
            }
        }).OfType<TaskInfo>().ToList();

    [Fact]
    [Trait("Requires", "root")] // SCHED_FIFO needs CAP_SYS_NICE, lock_memory CAP_IPC_LOCK
    public void Only_the_loop_threads_are_fifo_on_the_loop_cpu_and_status_reports_it()
    {
        var port = ChildProcess.FreePort();
        var statuses = _dir.File("status.jsonl");
        var ready = _dir.File("ready");
        using var collector = ChildProcess.Python(Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{port}",
            "--topic", "status.cam0", "--count", "12", "--timeout", "60", "--schema", Repo.Path("docs", "schema", "status.v1.schema.json"),
            "--out", statuses, "--ready-file", ready);
        using var service = ChildProcess.SmartCam("run", "--config", Config(port, lockMemory: true));
        Assert.True(service.WaitFor(p => p.Stderr.Contains("other threads moved to housekeeping"), TimeSpan.FromSeconds(30)), service.Stderr);
        Assert.Contains("memory locked", service.Stderr);

        var tasks = Tasks(service.Id);
        var fifo = tasks.Where(t => t.Policy == 1).ToList();
        Assert.Equal(2, fifo.Count); // SCHED_FIFO = 1: exactly our two loop threads, none of the runtime's
        Assert.Contains(fifo, t => t.Name == "sc-capture" && t.Priority == 70 && t.Cpus == LoopCpu.ToString());
        Assert.Contains(fifo, t => t.Name == "sc-infer" && t.Priority == 80 && t.Cpus == LoopCpu.ToString());
        var publish = Assert.Single(tasks, t => t.Name == "sc-publish");
        Assert.Equal((0, "0"), (publish.Policy, publish.Cpus));
        // Every thread that is neither a loop thread nor started by one (a decoder helper named after sc-capture) is on housekeeping CPU 0.
        Assert.All(tasks.Where(t => !t.Name.StartsWith("sc-")), t => Assert.Equal("0", t.Cpus));
        Assert.DoesNotContain("not permitted", service.Stderr);

        Assert.True(collector.WaitForExit(TimeSpan.FromSeconds(60)) == 0, collector.Stdout);
        // Status goes out every 200 ms from the start; placement is reported from the first frame on, so the 12th has it.
        var threads = Messages.ReadJsonLines(statuses, wrapped: true)[^1].GetProperty("realtime").GetProperty("threads");
        Assert.Equal($"fifo 80 on cpus {LoopCpu}", threads.GetProperty("inference").GetString());
        Assert.Equal($"fifo 70 on cpus {LoopCpu}", threads.GetProperty("capture").GetString());
        Assert.Equal("other on cpus 0", threads.GetProperty("publish").GetString());

        var last = Messages.ReadJsonLines(statuses, wrapped: true)[^1];
        Assert.True(last.GetProperty("realtime").GetProperty("memory_locked").GetBoolean());
        // Locking stays near the working set (MCL_ONFAULT): populating every mapping measured 444 MB.
        var status = File.ReadAllLines($"/proc/{service.Id}/status");
        long Kb(string key) => long.Parse(status.First(l => l.StartsWith(key)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.InRange(Kb("VmRSS:"), 1, 250 * 1024);

        // Paced at the file's 10 fps: the capture thread sleeps to a schedule, so every loop has lateness samples.
        Assert.Equal(100_000, last.GetProperty("deadline").GetProperty("period_us").GetInt64());
        var lateness = last.GetProperty("lateness_us");
        foreach (var loop in new[] { "capture", "infer", "publish" })
        {
            var l = lateness.GetProperty(loop);
            Assert.True(l.GetProperty("count").GetInt64() > 0, loop);
            var (p50, p99, p999, max) = (l.GetProperty("p50").GetInt64(), l.GetProperty("p99").GetInt64(), l.GetProperty("p999").GetInt64(), l.GetProperty("max").GetInt64());
            Assert.True(p50 <= p99 && p99 <= p999 && p999 <= max, $"{loop}: {p50} {p99} {p999} {max}");
        }
        Assert.True(last.GetProperty("page_faults").GetProperty("minor").GetInt64() > 0);
    }

    [Fact]
    public void Every_frame_misses_a_deadline_shorter_than_inference_and_bench_reports_it()
    {
        // fps: 1000 makes the frame period 1 ms; yolox_nano alone takes several ms, so each frame's
        // detections go out after its deadline, and inference itself overruns every time.
        var port = ChildProcess.FreePort();
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, port, camera: "loop: false\n  pace: max\n  fps: 1000", waitForSubscribers: 0);
        using var bench = ChildProcess.SmartCam("bench", "--config", config, "--frames", "40", "--warmup", "5", "--bare", "20", "--json");
        Assert.True(bench.WaitForExit(TimeSpan.FromSeconds(120)) == 0, bench.Stderr);
        using var report = System.Text.Json.JsonDocument.Parse(bench.Stdout.Trim().Split('\n')[^1]);
        var deadline = report.RootElement.GetProperty("deadline");
        Assert.Equal(1000, deadline.GetProperty("period_us").GetInt64());
        Assert.Equal(40, deadline.GetProperty("misses").GetInt64());
        var infer = report.RootElement.GetProperty("lateness_us").GetProperty("infer");
        var (p50, p99, p999, max) = (infer.GetProperty("p50").GetInt64(), infer.GetProperty("p99").GetInt64(), infer.GetProperty("p999").GetInt64(), infer.GetProperty("max").GetInt64());
        Assert.True(p50 <= p99 && p99 <= p999 && p999 <= max, $"infer lateness: {p50} {p99} {p999} {max}");
        // Reported, but not required to be 0: without locked memory a code page evicted from the page cache (a
        // disk-heavy neighbour, such as an image build, was seen to cause one) is read back in the window.
        var faults = report.RootElement.GetProperty("page_faults");
        Assert.True(faults.GetProperty("major").GetInt64() >= 0 && faults.GetProperty("minor").GetInt64() >= 0, faults.ToString());
    }

    [Fact]
    public void Bench_with_three_live_viewers_connects_them_all_before_measuring_and_the_loop_threads_allocate_nothing()
    {
        // --viewers turns the HTTP server on (a free loopback port) and runs `smartcam view` with one MJPEG client and two
        // pages; the bench exits 1 unless all three are connected before the first frame.
        var config = ServiceConfig.Write(_dir, "file://" + Repo.Video, ChildProcess.FreePort(), waitForSubscribers: 0);
        using var bench = ChildProcess.SmartCam("bench", "--config", config, "--frames", "60", "--warmup", "10", "--bare", "10", "--viewers", "3", "--json");
        Assert.True(bench.WaitForExit(TimeSpan.FromSeconds(180)) == 0, bench.Stderr);
        using var report = System.Text.Json.JsonDocument.Parse(bench.Stdout.Trim().Split('\n')[^1]);
        var root = report.RootElement;
        Assert.Equal(3, root.GetProperty("viewer_pictures").GetArrayLength());
        var allocated = root.GetProperty("bytes_allocated");
        Assert.Equal((0L, 0L, 0L), (allocated.GetProperty("capture").GetInt64(), allocated.GetProperty("infer").GetInt64(), allocated.GetProperty("publish").GetInt64()));
        Assert.Equal(60, root.GetProperty("frames").GetInt64());
    }

    [Fact]
    public void A_process_confined_to_the_housekeeping_cpu_still_accepts_loop_cpus_it_will_move_its_threads_to()
    {
        // systemd starts the service with CPUAffinity=0; the config's CPU 1 exists on the machine all the same.
        using var validate = ChildProcess.Start("taskset", "-c", "0", ChildProcess.SmartCamBinary, "validate", "--config", Config(ChildProcess.FreePort()));
        Assert.True(validate.WaitForExit(TimeSpan.FromSeconds(60)) == 0, validate.Stderr);
    }

    [Fact]
    [Trait("Requires", "root")] // the measuring thread is SCHED_FIFO 90: CAP_SYS_NICE
    public void Jitter_measures_one_wake_up_per_period_on_the_loop_cpu_alone_and_beside_the_pipeline()
    {
        var port = ChildProcess.FreePort();
        using var jitter = ChildProcess.SmartCam("jitter", "--config", Config(port), "--seconds", "1", "--interval-us", "1000", "--json");
        Assert.True(jitter.WaitForExit(TimeSpan.FromSeconds(60)) == 0, jitter.Stderr);
        using var report = System.Text.Json.JsonDocument.Parse(jitter.Stdout);
        foreach (var run in new[] { "idle", "with_pipeline" })
        {
            var r = report.RootElement.GetProperty(run);
            // 1 s at a 1 ms period: the first deadline is one period after the start, the last one before the end.
            Assert.InRange(r.GetProperty("samples").GetInt64(), 990, 1000);
            var (p50, p99, p999, max) = (r.GetProperty("p50_us").GetInt64(), r.GetProperty("p99_us").GetInt64(), r.GetProperty("p999_us").GetInt64(), r.GetProperty("max_us").GetInt64());
            Assert.True(p50 <= p99 && p99 <= p999 && p999 <= max, $"{run}: {p50} {p99} {p999} {max}");
            Assert.Equal($"fifo 90 on cpus {LoopCpu}", r.GetProperty("thread").GetString());
        }
    }

    [Fact]
    public void Without_privileges_it_runs_at_normal_priority_publishes_and_warns_once()
    {
        var port = ChildProcess.FreePort();
        var config = Config(port);
        var received = _dir.File("det.jsonl");
        var ready = _dir.File("ready");
        using var collector = ChildProcess.Python(Repo.Path("tests", "python", "collect_messages.py"), "--endpoint", $"tcp://127.0.0.1:{port}",
            "--topic", "det.cam0", "--count", "5", "--timeout", "60", "--schema", Repo.Path("docs", "schema", "det.v1.schema.json"),
            "--out", received, "--ready-file", ready);
        // Without CAP_SYS_NICE and CAP_IPC_LOCK (dropped from the bounding set, so not even root gets them
        // back) and with RLIMIT_RTPRIO 0, as for an unprivileged service user; the files stay readable
        // wherever the checkout is. Not root, the test run is unprivileged already (and may not drop caps).
        string[] unprivileged = ["prlimit", "--rtprio=0", ChildProcess.SmartCamBinary, "run", "--config", config];
        using var service = Environment.IsPrivilegedProcess
            ? ChildProcess.Start("setpriv", ["--bounding-set=-sys_nice,-ipc_lock", "--inh-caps=-sys_nice,-ipc_lock", "--", .. unprivileged])
            : ChildProcess.Start(unprivileged[0], unprivileged[1..]);
        Assert.True(collector.WaitForExit(TimeSpan.FromSeconds(60)) == 0, collector.Stdout + service.Stderr);
        Assert.True(service.WaitFor(p => p.Stderr.Contains("Realtime: not permitted"), TimeSpan.FromSeconds(30)), service.Stderr);

        var warning = service.Stderr.Split('\n').Where(l => l.Contains("not permitted")).ToList();
        Assert.Single(warning);
        Assert.Contains("CAP_SYS_NICE", warning[0]);
        Assert.Contains("AmbientCapabilities=CAP_SYS_NICE CAP_IPC_LOCK", warning[0]);
        Assert.DoesNotContain(Tasks(service.Id), t => t.Policy == 1);
        // Affinity needs no privilege, so the loop threads are still where they were asked to be.
        Assert.Contains(Tasks(service.Id), t => t.Name == "sc-infer" && t.Cpus == LoopCpu.ToString());
        service.Signal(ChildProcess.SIGTERM);
        Assert.Equal(0, service.WaitForExit(TimeSpan.FromSeconds(15)));
    }
}
