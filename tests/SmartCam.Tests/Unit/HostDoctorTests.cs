using SmartCam.Configuration;
using SmartCam.Realtime;

namespace SmartCam.Tests.Unit;

/// <summary><c>smartcam doctor</c>'s checks against fake /sys and /proc trees written here, one RT-ready and one not.</summary>
public class HostDoctorTests
{
    private static void Put(TempDir root, string path, string text)
    {
        var full = Path.Combine(root.Path, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    private static TempDir RealtimeHost()
    {
        var root = new TempDir();
        Put(root, "sys/kernel/realtime", "1\n");
        Put(root, "proc/sys/kernel/version", "#1 SMP PREEMPT_RT Debian 6.1.192-1\n");
        Put(root, "sys/devices/system/cpu/isolated", "1\n");
        Put(root, "sys/devices/system/cpu/nohz_full", "1\n");
        Put(root, "proc/cmdline", "root=/dev/vda2 isolcpus=1 nohz_full=1 rcu_nocbs=1 irqaffinity=0 rcutree.kthread_prio=90\n");
        Put(root, "proc/irq/24/smp_affinity_list", "0\n");
        Put(root, "proc/irq/25/smp_affinity_list", "0-1\n");
        Put(root, "sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "performance\n");
        Put(root, "sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "performance\n");
        Put(root, "proc/sys/kernel/sched_rt_runtime_us", "950000\n");
        Put(root, "proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
        Put(root, "proc/self/limits", "Limit                     Soft Limit           Hard Limit           Units\nMax locked memory         unlimited            unlimited            bytes\nMax realtime priority     99                   99\n");
        // CapEff with bits 14 (CAP_IPC_LOCK) and 23 (CAP_SYS_NICE): 0x4000 | 0x800000 = 0x804000.
        Put(root, "proc/self/status", "Name:\tsmartcam\nCapEff:\t0000000000804000\n");
        Put(root, "dev/video0", "");
        return root;
    }

    private static SmartCamConfig Config(TempDir dir, int loopCpu) => ConfigLoader.Load(dir.Write("c.yaml", $$"""
        camera: { source: 'v4l2:///dev/video0' }
        model: { path: {{Repo.Model}} }
        realtime: { threads: { inference: { cpus: [{{loopCpu}}], policy: fifo, priority: 80 } } }
        """));

    [Fact]
    public void A_realtime_ready_host_passes_everything()
    {
        using var root = RealtimeHost();
        using var dir = new TempDir();
        // The fake host isolates CPU 1, as the appliance does (the config may name it: these machines have 2 CPUs).
        var checks = new HostDoctor(root.Path, Config(dir, loopCpu: 1)).Run();
        Assert.All(checks, c => Assert.True(c.Status == CheckStatus.Pass, $"{c.Name}: {c.Found}"));
        Assert.Equal(15, checks.Count);
    }

    [Fact]
    public void A_plain_host_fails_on_the_kernel_and_the_camera_and_warns_with_fixes()
    {
        using var root = RealtimeHost();
        Put(root, "sys/kernel/realtime", "0\n");
        Put(root, "proc/sys/kernel/version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.158-1\n");
        Put(root, "sys/devices/system/cpu/isolated", "\n");
        Put(root, "proc/sys/kernel/sched_rt_runtime_us", "-1\n");
        Put(root, "proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n/swapfile file 1048572 0 -2\n");
        Put(root, "proc/self/limits", "Max locked memory         8388608              8388608              bytes\nMax realtime priority     0                    0\n");
        Put(root, "proc/self/status", "CapEff:\t0000000000000000\n");
        File.Delete(Path.Combine(root.Path, "dev/video0"));
        using var dir = new TempDir();
        var checks = new HostDoctor(root.Path, Config(dir, loopCpu: 0)).Run().ToDictionary(c => c.Name);

        Assert.Equal(CheckStatus.Fail, checks["PREEMPT_RT kernel"].Status);
        Assert.Contains("PREEMPT_DYNAMIC", checks["PREEMPT_RT kernel"].Found);
        Assert.Equal(CheckStatus.Fail, checks["camera"].Status);
        Assert.Contains("/dev/video0 does not exist", checks["camera"].Found);
        foreach (var name in new[] { "isolated CPUs", "sched_rt_runtime_us", "swap", "RLIMIT_RTPRIO", "RLIMIT_MEMLOCK", "capabilities", "loop CPUs isolated" })
        {
            Assert.Equal(CheckStatus.Warn, checks[name].Status);
            Assert.NotEmpty(checks[name].Fix);
        }
        Assert.Contains("LimitRTPRIO=99", checks["RLIMIT_RTPRIO"].Fix);
        Assert.Contains("AmbientCapabilities=CAP_SYS_NICE CAP_IPC_LOCK", checks["capabilities"].Fix);
    }

    [Theory]
    [InlineData("root=/dev/vda2 isolcpus=1", CheckStatus.Warn, "not set")]
    [InlineData("isolcpus=1 rcutree.kthread_prio=50", CheckStatus.Warn, "not above the loop's 80")]
    [InlineData("isolcpus=1 rcutree.kthread_prio=80", CheckStatus.Warn, "not above the loop's 80")]
    [InlineData("isolcpus=1 rcutree.kthread_prio=81 quiet", CheckStatus.Pass, "rcutree.kthread_prio=81, above the loop's 80")]
    public void Rcu_boost_must_be_above_the_loop_threads(string cmdline, CheckStatus expected, string found)
    {
        using var root = RealtimeHost();
        Put(root, "proc/cmdline", cmdline + "\n");
        using var dir = new TempDir();
        var rcu = new HostDoctor(root.Path, Config(dir, loopCpu: 1)).Run().Single(c => c.Name == "RCU boost priority");
        Assert.Equal(expected, rcu.Status);
        Assert.Contains(found, rcu.Found);
        if (expected == CheckStatus.Warn) Assert.Contains("rcutree.kthread_prio=90", rcu.Fix);
    }

    [Fact]
    public void Irqs_pinned_to_isolated_cpus_are_named()
    {
        using var root = RealtimeHost();
        Put(root, "proc/irq/31/smp_affinity_list", "1\n");
        var irq = new HostDoctor(root.Path, null).Run().Single(c => c.Name == "IRQ affinity");
        Assert.Equal(CheckStatus.Warn, irq.Status);
        Assert.Contains("31", irq.Found);
        Assert.DoesNotContain("25", irq.Found); // allowed on 0-1: steerable, not pinned
    }

    [Theory]
    [InlineData("1-3,5", new[] { 1, 2, 3, 5 })]
    [InlineData("0", new[] { 0 })]
    [InlineData("", new int[0])]
    public void Kernel_cpu_lists_parse(string text, int[] expected) => Assert.Equal(expected, HostDoctor.CpuList(text));
}
