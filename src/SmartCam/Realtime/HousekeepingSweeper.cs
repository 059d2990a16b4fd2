using System.Runtime.InteropServices;
using SmartCam.Core;

namespace SmartCam.Realtime;

/// <summary>
/// Keeps every thread of the process that is not a loop thread on the housekeeping CPUs. A single pass
/// at start-up is not enough: the runtime, NetMQ and native libraries create threads later (a new
/// thread inherits the affinity of the thread that created it, which may be a loop thread on an
/// isolated CPU). Each sweep reads <c>/proc/self/task</c> with <c>getdents64</c> into a preallocated
/// buffer, so it can run periodically from a loop thread without allocating.
/// </summary>
public sealed unsafe class HousekeepingSweeper : IDisposable
{
    private const int ORdOnly = 0, ODirectory = 0x10000, OCloexec = 0x80000;
    private const int BufferBytes = 32 * 1024;
    private const int MaskWords = 16;

    private readonly byte* _buffer = (byte*)NativeMemory.Alloc(BufferBytes);
    private readonly ulong* _housekeeping = (ulong*)NativeMemory.AllocZeroed(MaskWords * sizeof(ulong));
    private readonly ulong* _current = (ulong*)NativeMemory.AllocZeroed(MaskWords * sizeof(ulong));
    private readonly int[] _loopTids;
    private int _loopCount;

    public HousekeepingSweeper(IReadOnlyList<int> housekeepingCpus, int maxLoopThreads = 8)
    {
        foreach (var cpu in housekeepingCpus) _housekeeping[cpu / 64] |= 1UL << (cpu % 64);
        _loopTids = new int[maxLoopThreads];
    }

    /// <summary>Threads the sweep must leave where they are.</summary>
    public void Exempt(int tid)
    {
        if (_loopCount < _loopTids.Length) _loopTids[_loopCount++] = tid;
    }

    /// <summary>Threads moved by sweeps so far (the first sweep moves most of them).</summary>
    public long Moved { get; private set; }

    /// <summary>Moves every non-exempt thread not already confined to the housekeeping CPUs; returns how many it moved.</summary>
    public int Sweep()
    {
        var fd = Open("/proc/self/task"u8, ORdOnly | ODirectory | OCloexec);
        if (fd < 0) return 0;
        var moved = 0;
        try
        {
            while (true)
            {
                var n = (int)GetDents64(fd, _buffer, BufferBytes);
                if (n <= 0) break;
                for (var offset = 0; offset < n;)
                {
                    // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
                    var record = _buffer + offset;
                    var length = *(ushort*)(record + 16);
                    var tid = ParseTid(record + 19);
                    offset += length;
                    if (tid <= 0 || IsExempt(tid) || IsHousekeeping(tid)) continue;
                    if (Libc.sched_setaffinity(tid, MaskWords * sizeof(ulong), _housekeeping) == 0) moved++;
                }
            }
        }
        finally
        {
            Close(fd);
        }
        Moved += moved;
        return moved;
    }

    private bool IsExempt(int tid)
    {
        for (var i = 0; i < _loopCount; i++)
            if (_loopTids[i] == tid) return true;
        return false;
    }

    private bool IsHousekeeping(int tid)
    {
        if (Libc.sched_getaffinity(tid, MaskWords * sizeof(ulong), _current) < 0) return true; // gone already
        for (var i = 0; i < MaskWords; i++)
            if (_current[i] != _housekeeping[i]) return false;
        return true;
    }

    /// <summary>"." and ".." are not numbers and give -1.</summary>
    private static int ParseTid(byte* name)
    {
        var value = 0;
        var digits = 0;
        for (; name[digits] != 0; digits++)
        {
            var c = name[digits];
            if (c < (byte)'0' || c > (byte)'9') return -1;
            value = value * 10 + (c - '0');
        }
        return digits > 0 ? value : -1;
    }

    private static int Open(ReadOnlySpan<byte> path, int flags)
    {
        // The literal has no terminating zero: copy it onto the stack with one.
        Span<byte> z = stackalloc byte[path.Length + 1];
        path.CopyTo(z);
        z[path.Length] = 0;
        fixed (byte* p = z) return OpenNative(p, flags);
    }

    [DllImport("libc", EntryPoint = "open")]
    private static extern int OpenNative(byte* path, int flags);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    [DllImport("libc", EntryPoint = "getdents64")]
    private static extern nint GetDents64(int fd, byte* buffer, nint count);

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        NativeMemory.Free(_buffer);
        NativeMemory.Free(_housekeeping);
        NativeMemory.Free(_current);
    }
}
