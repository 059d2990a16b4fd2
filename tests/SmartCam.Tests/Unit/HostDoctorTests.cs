using System.Runtime.InteropServices;
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
        // UEFI Secure Boot on (4 attribute bytes, then 1) and the kernel locked down, as Debian's kernel does then.
        Directory.CreateDirectory(Path.Combine(root.Path, "sys/firmware/efi/efivars"));
        File.WriteAllBytes(Path.Combine(root.Path, HostDoctor.SecureBootVariable), [6, 0, 0, 0, 1]);
        Put(root, "sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
        // cgroup v2, the service's unit as the appliance confines it.
        Put(root, "proc/self/cgroup", "0::/system.slice/smartcam.service\n");
        Put(root, "sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
        Put(root, "sys/fs/cgroup/system.slice/smartcam.service/cpuset.cpus.effective", "0-1\n");
        Put(root, "sys/fs/cgroup/system.slice/smartcam.service/memory.max", "1073741824\n");
        Put(root, "sys/fs/cgroup/system.slice/smartcam.service/pids.max", "256\n");
        return root;
    }

    /// <summary>A cgroup v1 host (podman's container cgroup under libpod_parent) with the given RT budget.</summary>
    private static void CgroupV1(TempDir root, string rtRuntimeUs)
    {
        const string Cg = "/libpod_parent/libpod-1f2e";
        Put(root, "proc/self/cgroup", $"12:pids:{Cg}\n7:memory:{Cg}\n4:cpu,cpuacct:{Cg}\n3:cpuset:{Cg}\n0::{Cg}\n");
        Put(root, $"sys/fs/cgroup/cpu,cpuacct{Cg}/cpu.rt_runtime_us", rtRuntimeUs + "\n");
        Put(root, $"sys/fs/cgroup/memory{Cg}/memory.limit_in_bytes", "536870912\n");
        Put(root, $"sys/fs/cgroup/pids{Cg}/pids.max", "512\n");
        Put(root, $"sys/fs/cgroup/cpuset{Cg}/cpuset.effective_cpus", "0-1\n");
    }

    [Fact]
    public void A_cgroup_v1_without_a_realtime_budget_fails_when_the_config_asks_for_fifo()
    {
        using var root = RealtimeHost();
        using var dir = new TempDir();
        CgroupV1(root, "0");
        var cg = new HostDoctor(root.Path, Config(dir, loopCpu: 1)).Run().Single(c => c.Name == "cgroup");
        Assert.Equal(CheckStatus.Fail, cg.Status);
        Assert.Equal("v1 /libpod_parent/libpod-1f2e: cpus 0-1, memory 512 MiB, tasks 512, cpu.rt_runtime_us 0 (no real-time budget: SCHED_FIFO is refused with EPERM)", cg.Found);
        Assert.Contains("--cpu-rt-runtime", cg.Fix);
        // Without a config nothing asks for FIFO yet: a warning.
        Assert.Equal(CheckStatus.Warn, new HostDoctor(root.Path, null).Run().Single(c => c.Name == "cgroup").Status);
        CgroupV1(root, "950000");
        Assert.Equal(CheckStatus.Pass, new HostDoctor(root.Path, Config(dir, loopCpu: 1)).Run().Single(c => c.Name == "cgroup").Status);
        // v1 says "no limit" with the largest page-aligned long.
        Put(root, "sys/fs/cgroup/memory/libpod_parent/libpod-1f2e/memory.limit_in_bytes", "9223372036854771712\n");
        var unlimited = new HostDoctor(root.Path, Config(dir, loopCpu: 1)).Run().Single(c => c.Name == "cgroup");
        Assert.Equal((CheckStatus.Warn, "v1 /libpod_parent/libpod-1f2e: cpus 0-1, memory max, tasks 512, cpu.rt_runtime_us 950000 (no memory limit)"), (unlimited.Status, unlimited.Found));
    }

    [Fact]
    public void Loop_cpus_outside_the_cgroup_fail_and_no_memory_limit_warns()
    {
        using var root = RealtimeHost();
        using var dir = new TempDir();
        Put(root, "sys/fs/cgroup/system.slice/smartcam.service/cpuset.cpus.effective", "0\n");
        var cg = new HostDoctor(root.Path, Config(dir, loopCpu: 1)).Run().Single(c => c.Name == "cgroup");
        Assert.Equal(CheckStatus.Fail, cg.Status);
        Assert.Equal("v2 /system.slice/smartcam.service: cpus 0, memory 1024 MiB, tasks 256 (the config's realtime threads use cpus 1, outside it)", cg.Found);

        Put(root, "sys/fs/cgroup/system.slice/smartcam.service/cpuset.cpus.effective", "0-1\n");
        Put(root, "sys/fs/cgroup/system.slice/smartcam.service/memory.max", "max\n");
        cg = new HostDoctor(root.Path, Config(dir, loopCpu: 1)).Run().Single(c => c.Name == "cgroup");
        Assert.Equal(CheckStatus.Warn, cg.Status);
        Assert.Contains("MemoryMax=", cg.Fix);
    }

    [Theory]
    [InlineData(new byte[] { 6, 0, 0, 0, 0 }, "[none] integrity confidentiality", "disabled", "none")]
    [InlineData(null, "none integrity [confidentiality]", "not booted through UEFI (legacy BIOS boot)", "confidentiality")]
    [InlineData(new byte[0], "none [integrity] confidentiality", "cannot read the SecureBoot EFI variable", "integrity")]
    [InlineData(new byte[0], "none [integrity] confidentiality", "cannot read the SecureBoot EFI variable (Could not find file", "integrity", "efi=runtime")]
    public void Secure_boot_off_and_no_lockdown_warn_with_a_fix(byte[]? secureBootVariable, string lockdown, string sbFound, string lockdownFound, string? fix = null)
    {
        using var root = RealtimeHost();
        // A PREEMPT_RT kernel (RealtimeHost) without efi=runtime offers no EFI variables: the fix says so; with it, the generic fix.
        if (fix is null) Put(root, "proc/cmdline", File.ReadAllText(Path.Combine(root.Path, "proc/cmdline")).TrimEnd() + " efi=runtime\n");
        var variable = Path.Combine(root.Path, HostDoctor.SecureBootVariable);
        if (secureBootVariable is null) Directory.Delete(Path.Combine(root.Path, "sys/firmware/efi"), recursive: true);
        else if (secureBootVariable.Length == 0) File.Delete(variable); // UEFI, but no variable to read: efivarfs not mounted, or no runtime services
        else File.WriteAllBytes(variable, secureBootVariable);
        Put(root, "sys/kernel/security/lockdown", lockdown + "\n");
        var checks = new HostDoctor(root.Path, null).Run().ToDictionary(c => c.Name);
        Assert.Equal(CheckStatus.Warn, checks["Secure Boot"].Status);
        Assert.StartsWith(sbFound, checks["Secure Boot"].Found);
        Assert.NotEmpty(checks["Secure Boot"].Fix);
        if (secureBootVariable is { Length: 0 })
            Assert.Equal(fix is not null, checks["Secure Boot"].Fix.StartsWith("add efi=runtime", StringComparison.Ordinal));
        var expected = lockdownFound == "none" ? CheckStatus.Warn : CheckStatus.Pass;
        Assert.Equal((expected, lockdownFound), (checks["kernel lockdown"].Status, checks["kernel lockdown"].Found));
    }

    [Fact]
    public void In_a_container_with_a_cgroup_namespace_its_cgroup_is_the_mount()
    {
        using var root = RealtimeHost();
        Put(root, "proc/self/cgroup", "0::/\n");
        Put(root, "sys/fs/cgroup/cpuset.cpus.effective", "2-3\n");
        Put(root, "sys/fs/cgroup/memory.max", "2147483648\n");
        Put(root, "sys/fs/cgroup/pids.max", "max\n");
        var cg = new HostDoctor(root.Path, null).Run().Single(c => c.Name == "cgroup");
        Assert.Equal((CheckStatus.Pass, "v2 /: cpus 2-3, memory 2048 MiB, tasks max"), (cg.Status, cg.Found));
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
        Assert.Equal(18, checks.Count);
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
        Assert.Equal("install linux-image-rt-amd64 and boot it", checks["PREEMPT_RT kernel"].Fix); // the tests run on linux-x64
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

    [Theory]
    [InlineData(Architecture.X64, "linux-image-rt-amd64")]
    [InlineData(Architecture.Arm64, "linux-image-rt-arm64")]
    public void The_kernel_fix_names_debians_rt_kernel_for_the_architecture(Architecture architecture, string package) =>
        Assert.Equal(package, HostDoctor.RealtimeKernelPackage(architecture));

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
