using System.Runtime.InteropServices;

namespace SmartCam.Core;

/// <summary>The few Linux calls real-time placement needs, applied per thread (never to the whole process).</summary>
internal static partial class Libc
{
    public const int SchedOther = 0, SchedFifo = 1, SchedRr = 2;

    /// <summary>Runs only when nothing else wants the CPU (below any nice value); a thread may lower itself to it without privilege.</summary>
    public const int SchedIdle = 5;

    /// <summary>Threads this thread creates later start as SCHED_OTHER, so a decoder's helper threads do not inherit FIFO.</summary>
    public const int SchedResetOnFork = 0x40000000;

    public const int McLCurrent = 1, McLFuture = 2, McLOnFault = 4;
    public const int RusageSelf = 0, RusageThread = 1;
    public const int EPERM = 1, ENOMEM = 12, EINVAL = 22;

    [StructLayout(LayoutKind.Sequential)]
    public struct SchedParam
    {
        public int Priority;
    }

    [LibraryImport("libc")]
    public static partial int gettid();

    [LibraryImport("libc")]
    private static partial long sysconf(int name);

    /// <summary>
    /// CPUs the machine has, whatever this process may run on. Environment.ProcessorCount counts only the
    /// CPUs in the process's affinity mask, and the service starts confined to the housekeeping CPU
    /// (systemd CPUAffinity=) before it moves its own loop threads onto the isolated ones.
    /// </summary>
    public static int ConfiguredCpus
    {
        get
        {
            const int ScNprocessorsConf = 83;
            var n = sysconf(ScNprocessorsConf);
            return n > 0 ? (int)n : Environment.ProcessorCount;
        }
    }

    /// <summary>USER_HZ: the unit of the times in /proc/PID/stat.</summary>
    public static long ClockTicksPerSecond
    {
        get
        {
            const int ScClkTck = 2;
            var n = sysconf(ScClkTck);
            return n > 0 ? n : 100;
        }
    }

    /// <summary>struct rusage on 64-bit Linux: two timevals, then fourteen longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Rusage
    {
        public long UtimeSec, UtimeUsec, StimeSec, StimeUsec;
        public long MaxRss, IxRss, IdRss, IsRss, MinFlt, MajFlt, NSwap, InBlock, OuBlock, MsgSnd, MsgRcv, NSignals, NVcsw, NIvcsw;
    }

    [LibraryImport("libc")]
    public static partial int getrusage(int who, out Rusage usage);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenPath(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    /// <summary>
    /// fsync of a folder, so that files created or removed in it survive a power cut (fsync of a file makes only its
    /// contents durable, not its name); .NET cannot open a folder. False when it could not be done.
    /// </summary>
    public static bool SyncDirectory(string path)
    {
        const int ReadOnly = 0; // O_RDONLY opens a folder too (O_DIRECTORY's value differs between x64 and arm64)
        var fd = OpenPath(path, ReadOnly);
        if (fd < 0) return false;
        var ok = fsync(fd) == 0;
        close(fd);
        return ok;
    }

    /// <summary>Minor and major page faults of the process (<see cref="RusageSelf"/>) or the calling thread (<see cref="RusageThread"/>); no allocation.</summary>
    public static (long Minor, long Major) PageFaults(int who) =>
        getrusage(who, out var u) == 0 ? (u.MinFlt, u.MajFlt) : (0, 0);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int sched_getaffinity(int tid, nint size, ulong* mask);

    [LibraryImport("libc", SetLastError = true)]
    public static unsafe partial int sched_setaffinity(int tid, nint size, ulong* mask);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int sched_setscheduler(int tid, int policy, in SchedParam param);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int mlockall(int flags);

    /// <summary>Pins thread <paramref name="tid"/> (0: the calling thread) to <paramref name="cpus"/>; the errno on failure, 0 on success.</summary>
    public static unsafe int SetAffinity(int tid, IReadOnlyList<int> cpus)
    {
        // cpu_set_t: 1024 bits.
        var mask = stackalloc ulong[16];
        for (var i = 0; i < 16; i++) mask[i] = 0;
        foreach (var cpu in cpus) mask[cpu / 64] |= 1UL << (cpu % 64);
        return sched_setaffinity(tid, 128, mask) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    public static int SetScheduler(int tid, int policy, int priority) =>
        sched_setscheduler(tid, policy, new SchedParam { Priority = priority }) == 0 ? 0 : Marshal.GetLastPInvokeError();
}
