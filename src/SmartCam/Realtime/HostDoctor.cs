using System.Globalization;
using System.Runtime.InteropServices;
using SmartCam.Configuration;
using SmartCam.Core;

namespace SmartCam.Realtime;

public enum CheckStatus { Pass, Warn, Fail }

/// <summary>One finding: what was checked, what was found, and how to fix it when it is not a pass.</summary>
public sealed record Check(string Name, CheckStatus Status, string Found, string Fix = "");

/// <summary>
/// Inspects the host for what a real-time camera loop needs. Every file is read under
/// <c>root</c> (normally "/"), so tests can point it at a fake sysfs/procfs tree.
/// </summary>
public sealed class HostDoctor(string root, SmartCamConfig? config)
{
    internal const int CapIpcLock = 14, CapSysNice = 23;

    /// <summary>The UEFI variable SecureBoot (EFI_GLOBAL_VARIABLE's GUID) under efivarfs, relative to the root.</summary>
    internal const string SecureBootVariable = "sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c";

    /// <summary>The effective capability set from the text of /proc/&lt;pid&gt;/status (its CapEff line), 0 when absent.</summary>
    internal static ulong EffectiveCapabilities(string? status)
    {
        var line = (status ?? "").Split('\n').FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return line is not null && ulong.TryParse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var caps) ? caps : 0;
    }

    public List<Check> Run()
    {
        var isolated = CpuList(Read("sys/devices/system/cpu/isolated"));
        var cmdline = Read("proc/cmdline") ?? "";
        var checks = new List<Check>
        {
            Kernel(),
            isolated.Count > 0
                ? new Check("isolated CPUs", CheckStatus.Pass, $"isolcpus {Cpus(isolated)}")
                : new Check("isolated CPUs", CheckStatus.Warn, "none", "add isolcpus=<the loop CPUs, e.g. 1> to the kernel command line"),
            CpuListParameter("nohz_full", Read("sys/devices/system/cpu/nohz_full"), isolated),
            CpuListParameter("rcu_nocbs", Parameter(cmdline, "rcu_nocbs"), isolated),
            Irqs(isolated),
            Governor(),
            RtRuntime(),
            Swap(),
            Limit("RLIMIT_RTPRIO", "Max realtime priority", v => v is "unlimited" || (int.TryParse(v, out var n) && n >= 1),
                "LimitRTPRIO=99 in the systemd unit (or CAP_SYS_NICE)"),
            Limit("RLIMIT_MEMLOCK", "Max locked memory", v => v is "unlimited" || (long.TryParse(v, out var n) && n >= 512L << 20),
                "LimitMEMLOCK=infinity in the systemd unit (or CAP_IPC_LOCK)"),
            Capabilities(),
            Cgroup(),
            SecureBoot(),
            Lockdown(),
            Image(),
        };
        if (config is not null)
        {
            checks.Add(LoopCpusIsolated(isolated));
            checks.Add(RcuBoost(cmdline));
            if (config.Camera.Kind == SourceKind.V4l2) checks.Add(Camera(config.Camera.Location));
        }
        return checks;
    }

    /// <summary>Not a readiness check, a fact for the report: which image and root slot this box runs (docs/updates.md).</summary>
    private Check Image() => ApplianceImage.Read(root) is { } image
        ? new Check("appliance image", CheckStatus.Pass, image.Slot is null ? $"{image.Version} (not booted through a RAUC slot)" : $"{image.Version}, booted slot {image.Slot}")
        : new Check("appliance image", CheckStatus.Pass, $"none (no /{ApplianceImage.ReleaseFile}: not the SmartCam image)");

    private Check Kernel()
    {
        var realtime = Read("sys/kernel/realtime")?.Trim();
        var version = Read("proc/sys/kernel/version")?.Trim() ?? "unknown";
        return realtime == "1" || version.Contains("PREEMPT_RT", StringComparison.Ordinal)
            ? new Check("PREEMPT_RT kernel", CheckStatus.Pass, version)
            : new Check("PREEMPT_RT kernel", CheckStatus.Fail, $"not real-time ({version})", $"install {RealtimeKernelPackage(RuntimeInformation.OSArchitecture)} and boot it");
    }

    /// <summary>Debian's PREEMPT_RT kernel package for the box's architecture.</summary>
    internal static string RealtimeKernelPackage(Architecture architecture) =>
        architecture == Architecture.Arm64 ? "linux-image-rt-arm64" : "linux-image-rt-amd64";

    private static Check CpuListParameter(string name, string? value, List<int> isolated)
    {
        var cpus = CpuList(value);
        if (cpus.Count == 0) return new Check(name, CheckStatus.Warn, "not set", $"add {name}=<the isolated CPUs> to the kernel command line");
        return isolated.All(cpus.Contains)
            ? new Check(name, CheckStatus.Pass, Cpus(cpus))
            : new Check(name, CheckStatus.Warn, $"{Cpus(cpus)} does not cover the isolated CPUs {Cpus(isolated)}", $"set {name}={Cpus(isolated)}");
    }

    private Check Irqs(List<int> isolated)
    {
        if (isolated.Count == 0) return new Check("IRQ affinity", CheckStatus.Warn, "no isolated CPUs to keep IRQs away from", "isolate the loop CPUs first");
        var onIsolated = new List<string>();
        var dir = Path.Combine(root, "proc/irq");
        if (Directory.Exists(dir))
        {
            try
            {
                foreach (var irq in Directory.EnumerateDirectories(dir))
                {
                    var cpus = CpuList(Read(Path.GetRelativePath(root, Path.Combine(irq, "smp_affinity_list"))));
                    // An IRQ allowed everywhere (the default) is steered by irqaffinity=; one pinned to an isolated CPU is not.
                    if (cpus.Count > 0 && cpus.All(isolated.Contains)) onIsolated.Add(Path.GetFileName(irq));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A sandbox (AppArmor, a container) may hide them: say so rather than guess.
                return new Check("IRQ affinity", CheckStatus.Warn, $"cannot read {dir}: {e.Message}", "run smartcam doctor where /proc/irq is readable");
            }
        }
        return onIsolated.Count == 0
            ? new Check("IRQ affinity", CheckStatus.Pass, $"no IRQ is bound to isolated CPUs {Cpus(isolated)}")
            : new Check("IRQ affinity", CheckStatus.Warn, $"IRQs {string.Join(",", onIsolated.Take(8))} are bound to isolated CPUs",
                "add irqaffinity=<housekeeping CPUs> to the kernel command line or write them to /proc/irq/N/smp_affinity_list");
    }

    private Check Governor()
    {
        var governors = new SortedSet<string>();
        var dir = Path.Combine(root, "sys/devices/system/cpu");
        try
        {
            if (Directory.Exists(dir))
                foreach (var cpu in Directory.EnumerateDirectories(dir, "cpu*"))
                    if (Read(Path.GetRelativePath(root, Path.Combine(cpu, "cpufreq/scaling_governor"))) is { } g) governors.Add(g.Trim());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Check("CPU frequency governor", CheckStatus.Warn, $"cannot read {dir}: {e.Message}");
        }
        if (governors.Count == 0) return new Check("CPU frequency governor", CheckStatus.Pass, "no cpufreq (fixed frequency or a VM)");
        return governors.SetEquals(["performance"])
            ? new Check("CPU frequency governor", CheckStatus.Pass, "performance")
            : new Check("CPU frequency governor", CheckStatus.Warn, string.Join(", ", governors), "set the performance governor (cpupower frequency-set -g performance)");
    }

    /// <summary>
    /// RT throttling is the kernel's safety net for a loop that keeps its CPU busy (a detector slower than the camera):
    /// per-CPU kernel work queued there (LRU drains, which block and device set-up wait for) gets the last
    /// 1 − runtime/period of each period. Off (-1), that work never runs and whatever waits for it hangs: seen in QEMU,
    /// `rauc install` stuck in the kernel. A loop that keeps up never reaches the limit, so it costs nothing then.
    /// </summary>
    private Check RtRuntime()
    {
        var value = Read("proc/sys/kernel/sched_rt_runtime_us")?.Trim() ?? "unknown";
        var period = long.TryParse(Read("proc/sys/kernel/sched_rt_period_us")?.Trim(), CultureInfo.InvariantCulture, out var p) ? p : 1_000_000;
        const string Fix = "kernel.sched_rt_runtime_us = 950000 (the kernel's default) in /etc/sysctl.d/: a loop thread that keeps its CPU busy otherwise starves the kernel's work there";
        if (!long.TryParse(value, CultureInfo.InvariantCulture, out var runtime)) return new Check("sched_rt_runtime_us", CheckStatus.Warn, $"cannot read it ({value})", Fix);
        return runtime >= 0 && runtime < period
            ? new Check("sched_rt_runtime_us", CheckStatus.Pass, $"{runtime} of {period} µs (a busy loop leaves {(period - runtime) / 1000} ms per period to the kernel's work on its CPU)")
            : new Check("sched_rt_runtime_us", CheckStatus.Warn, runtime < 0 ? "-1 (RT throttling off: a busy loop thread can starve the kernel's work on its CPU and hang the box)" : $"{runtime} of {period} µs (no time left for other threads)", Fix);
    }

    private Check Swap()
    {
        var lines = (Read("proc/swaps") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length <= 1
            ? new Check("swap", CheckStatus.Pass, "off")
            : new Check("swap", CheckStatus.Warn, $"{lines.Length - 1} swap area(s) active", "swapoff -a and remove swap from /etc/fstab (or lock memory)");
    }

    private Check Limit(string name, string label, Func<string, bool> good, string fix)
    {
        var line = (Read("proc/self/limits") ?? "").Split('\n').FirstOrDefault(l => l.StartsWith(label, StringComparison.Ordinal));
        var soft = line is null ? "unknown" : line[label.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return good(soft) ? new Check(name, CheckStatus.Pass, soft) : new Check(name, CheckStatus.Warn, soft, fix);
    }

    private Check Capabilities()
    {
        var caps = EffectiveCapabilities(Read("proc/self/status"));
        bool nice = (caps & (1UL << CapSysNice)) != 0, ipcLock = (caps & (1UL << CapIpcLock)) != 0;
        var found = $"CAP_SYS_NICE {(nice ? "yes" : "no")}, CAP_IPC_LOCK {(ipcLock ? "yes" : "no")}";
        return nice && ipcLock
            ? new Check("capabilities", CheckStatus.Pass, found)
            : new Check("capabilities", CheckStatus.Warn, found, "AmbientCapabilities=CAP_SYS_NICE CAP_IPC_LOCK in the systemd unit; in a container --cap-add SYS_NICE,IPC_LOCK (podman), in a pod securityContext.capabilities.add");
    }

    /// <summary>
    /// The cgroup the doctor runs in (the service's, when it runs in the unit or the pod): the CPUs, memory and tasks
    /// it may use and, on a cgroup v1 host with RT group scheduling, its real-time budget. A budget of 0 (podman's
    /// and most runtimes' default there) makes the kernel refuse SCHED_FIFO with EPERM although CAP_SYS_NICE is held;
    /// CPUs outside the cgroup make the loop threads' affinity fail.
    /// </summary>
    private Check Cgroup()
    {
        const string Name = "cgroup";
        var lines = (Read("proc/self/cgroup") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(':', 3)).Where(f => f.Length == 3).ToList();
        if (lines.Count == 0) return new Check(Name, CheckStatus.Warn, "cannot read /proc/self/cgroup");
        string? cpus, memory, pids, rtRuntime = null, where;
        var unified = lines.FirstOrDefault(f => f[0] == "0" && f[1] == "");
        var v1 = lines.Where(f => f[1] != "").ToList();
        if (v1.Count == 0 && unified is not null)
        {
            var dir = CgroupDir("sys/fs/cgroup", unified[2]);
            where = $"v2 {unified[2]}";
            cpus = Read($"{dir}/cpuset.cpus.effective")?.Trim();
            memory = Read($"{dir}/memory.max")?.Trim();
            pids = Read($"{dir}/pids.max")?.Trim();
        }
        else
        {
            string? V1(string controller, string file)
            {
                var line = v1.FirstOrDefault(f => f[1].Split(',').Contains(controller));
                return line is null ? null : Read($"{CgroupDir($"sys/fs/cgroup/{line[1]}", line[2])}/{file}")?.Trim();
            }
            where = $"v1 {v1.FirstOrDefault(f => f[1].Split(',').Contains("cpu"))?[2] ?? v1[0][2]}";
            cpus = V1("cpuset", "cpuset.effective_cpus") ?? V1("cpuset", "cpuset.cpus");
            // v1 says "no limit" with the largest page-aligned long.
            var limit = V1("memory", "memory.limit_in_bytes");
            memory = long.TryParse(limit, CultureInfo.InvariantCulture, out var limitBytes) && limitBytes >= 1L << 62 ? "max" : limit;
            pids = V1("pids", "pids.max");
            rtRuntime = V1("cpu", "cpu.rt_runtime_us");
        }
        var memoryText = long.TryParse(memory, CultureInfo.InvariantCulture, out var bytes) ? $"{bytes >> 20} MiB" : memory ?? "unknown";
        var found = $"{where}: cpus {(string.IsNullOrEmpty(cpus) ? "all" : cpus)}, memory {memoryText}, tasks {pids ?? "unknown"}"
                    + (rtRuntime is null ? "" : $", cpu.rt_runtime_us {rtRuntime}");

        var rt = config?.Realtime;
        var fifo = rt is { Enabled: true } && new[] { rt.Capture, rt.Inference, rt.Publish }.Any(t => t.Policy != SchedPolicy.Other);
        if (rtRuntime == "0")
            return new Check(Name, fifo ? CheckStatus.Fail : CheckStatus.Warn, $"{found} (no real-time budget: SCHED_FIFO is refused with EPERM)",
                "give the cgroup a real-time budget (cpu.rt_runtime_us, its parents' first; podman: --cpu-rt-runtime=), or boot with cgroup v2 (systemd.unified_cgroup_hierarchy=1)");
        if (rt is { Enabled: true } && !string.IsNullOrEmpty(cpus))
        {
            var allowed = CpuList(cpus);
            var outside = rt.Capture.Cpus.Concat(rt.Inference.Cpus).Concat(rt.Publish.Cpus).Concat(rt.HousekeepingCpus).Distinct().Order().Where(c => !allowed.Contains(c)).ToList();
            if (outside.Count > 0)
                return new Check(Name, CheckStatus.Fail, $"{found} (the config's realtime threads use cpus {Cpus(outside)}, outside it)",
                    $"allow them (AllowedCPUs= in the systemd unit, docs/realtime.md#cgroups-confining-the-service) or change realtime: to cpus within {cpus}");
        }
        return memory == "max"
            ? new Check(Name, CheckStatus.Warn, $"{found} (no memory limit)", "MemoryMax= in the systemd unit (docs/realtime.md#cgroups-confining-the-service), or a memory limit for the container")
            : new Check(Name, CheckStatus.Pass, found);
    }

    /// <summary>
    /// Whether the firmware verified the boot chain (shim, GRUB, kernel): the UEFI variable SecureBoot, 4 attribute
    /// bytes and then 1 (on) or 0 (off). The image boots through Debian's signed shim, GRUB and kernel either way.
    /// </summary>
    private Check SecureBoot()
    {
        const string Name = "Secure Boot";
        if (!Directory.Exists(Path.Combine(root, "sys/firmware/efi")))
            return new Check(Name, CheckStatus.Warn, "not booted through UEFI (legacy BIOS boot)", "boot the image through UEFI with Secure Boot enabled in the firmware");
        byte[]? variable;
        try
        {
            variable = File.ReadAllBytes(Path.Combine(root, SecureBootVariable));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && RuntimeServicesOff())
        {
            // Debian's PREEMPT_RT kernel is built with EFI_DISABLE_RUNTIME (firmware calls are not preemptible):
            // without them the kernel offers no EFI variables at all, mounted or not.
            return new Check(Name, CheckStatus.Warn, $"cannot read the SecureBoot EFI variable ({e.Message}): the real-time kernel turns EFI runtime services off",
                "add efi=runtime to the kernel command line (the image does: docs/security.md)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Check(Name, CheckStatus.Warn, $"cannot read the SecureBoot EFI variable ({e.Message})", "mount efivarfs (mount -t efivarfs efivarfs /sys/firmware/efi/efivars), or run smartcam doctor where it is visible");
        }
        return variable is [_, _, _, _, 1, ..]
            ? new Check(Name, CheckStatus.Pass, "enabled")
            : new Check(Name, CheckStatus.Warn, "disabled", "enable Secure Boot in the firmware setup (the image's shim, GRUB and kernel are signed for the Microsoft UEFI CA)");
    }

    private bool RuntimeServicesOff() =>
        Read("sys/kernel/realtime")?.Trim() == "1" && Parameter(Read("proc/cmdline") ?? "", "efi")?.Split(',').Contains("runtime") != true;

    /// <summary>
    /// What the service logs at start: "Secure Boot: enabled; kernel lockdown: integrity" (docs/security.md), from
    /// the same two checks as <c>smartcam doctor</c>.
    /// </summary>
    public string BootIntegrity() => $"Secure Boot: {SecureBoot().Found}; kernel lockdown: {Lockdown().Found}";

    /// <summary>Kernel lockdown: Debian's kernel turns on "integrity" under Secure Boot (no unsigned modules, no /dev/mem, no kexec of unsigned kernels).</summary>
    private Check Lockdown()
    {
        const string Name = "kernel lockdown";
        var text = Read("sys/kernel/security/lockdown");
        if (text is null)
            return File.Exists(Path.Combine(root, "sys/kernel/security/lockdown"))
                ? new Check(Name, CheckStatus.Warn, "unknown (/sys/kernel/security/lockdown cannot be read here)", "run smartcam doctor where securityfs is readable (an AppArmor profile may hide it)")
                : new Check(Name, CheckStatus.Warn, "unknown (no /sys/kernel/security/lockdown)", "mount securityfs; Debian's kernel locks down under Secure Boot");
        var mode = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(m => m.StartsWith('['))?.Trim('[', ']') ?? "unknown";
        return mode is "integrity" or "confidentiality"
            ? new Check(Name, CheckStatus.Pass, mode)
            : new Check(Name, CheckStatus.Warn, mode, "boot with Secure Boot enabled (Debian's kernel then locks itself down), or add lockdown=integrity to the kernel command line");
    }

    /// <summary>The cgroup's directory under a hierarchy's mount; in a container with a cgroup namespace its own cgroup is the mount itself.</summary>
    private string CgroupDir(string mount, string path)
    {
        var nested = Path.Combine(mount, path.TrimStart('/'));
        return path != "/" && Directory.Exists(Path.Combine(root, nested)) ? nested : mount;
    }

    private Check LoopCpusIsolated(List<int> isolated)
    {
        var rt = config!.Realtime;
        var loop = rt.Capture.Cpus.Concat(rt.Inference.Cpus).Distinct().Order().ToList();
        if (!rt.Enabled || loop.Count == 0) return new Check("loop CPUs isolated", CheckStatus.Warn, "the config places no loop thread", "add a realtime: section (docs/realtime.md)");
        var missing = loop.Where(c => !isolated.Contains(c)).ToList();
        return missing.Count == 0
            ? new Check("loop CPUs isolated", CheckStatus.Pass, $"cpus {Cpus(loop)}")
            : new Check("loop CPUs isolated", CheckStatus.Warn, $"cpus {Cpus(missing)} are in the config's realtime threads but not isolated", $"isolcpus={Cpus(loop)}");
    }

    /// <summary>
    /// A loop thread that keeps its CPU busy (a detector slower than the camera) starves every lower-priority thread
    /// there, IRQ threads included; on PREEMPT_RT one of them preempted inside an RCU read section stalls RCU for the
    /// whole box (seen in QEMU: disk I/O hung). RCU boosts such a reader to rcutree.kthread_prio after 500 ms: above
    /// the loop, it finishes its section.
    /// </summary>
    private Check RcuBoost(string cmdline)
    {
        var rt = config!.Realtime;
        var loop = new[] { rt.Capture, rt.Inference, rt.Publish }.Where(t => t.Policy != SchedPolicy.Other).Select(t => t.Priority).DefaultIfEmpty(0).Max();
        if (!rt.Enabled || loop == 0) return new Check("RCU boost priority", CheckStatus.Pass, "no real-time loop thread to stay above");
        var value = Parameter(cmdline, "rcutree.kthread_prio");
        var fix = $"add rcutree.kthread_prio={Math.Min(99, loop + 10)} to the kernel command line (above the loop's priority {loop})";
        if (!int.TryParse(value, CultureInfo.InvariantCulture, out var prio)) return new Check("RCU boost priority", CheckStatus.Warn, "rcutree.kthread_prio not set (1)", fix);
        return prio > loop
            ? new Check("RCU boost priority", CheckStatus.Pass, $"rcutree.kthread_prio={prio}, above the loop's {loop}")
            : new Check("RCU boost priority", CheckStatus.Warn, $"rcutree.kthread_prio={prio}, not above the loop's {loop}", fix);
    }

    private Check Camera(string device)
    {
        var path = Path.Combine(root, device.TrimStart('/'));
        if (!File.Exists(path)) return new Check("camera", CheckStatus.Fail, $"{device} does not exist", "plug the camera in; `smartcam cameras` lists the cameras the box has");
        try
        {
            using var _ = File.Open(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            return new Check("camera", CheckStatus.Pass, $"{device} opens for read/write");
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return new Check("camera", CheckStatus.Fail, $"{device}: {e.Message}", "add the service user to the video group");
        }
    }

    private string? Read(string relative)
    {
        try
        {
            return File.ReadAllText(Path.Combine(root, relative));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Parameter(string cmdline, string name) =>
        cmdline.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(p => p.StartsWith(name + "=", StringComparison.Ordinal)).Select(p => p[(name.Length + 1)..]).FirstOrDefault();

    /// <summary>Parses a kernel CPU list such as "1-3,5" (an optional "nohz,domain," flag prefix of isolcpus is skipped).</summary>
    public static List<int> CpuList(string? text)
    {
        var cpus = new List<int>();
        if (string.IsNullOrWhiteSpace(text)) return cpus;
        foreach (var part in text.Trim().Split(','))
        {
            var range = part.Split('-');
            if (!int.TryParse(range[0], CultureInfo.InvariantCulture, out var first)) continue;
            var last = range.Length > 1 && int.TryParse(range[1], CultureInfo.InvariantCulture, out var l) ? l : first;
            for (var c = first; c <= last; c++) cpus.Add(c);
        }
        return cpus;
    }

    private static string Cpus(IEnumerable<int> cpus) => string.Join(",", cpus);
}
