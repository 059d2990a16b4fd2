using System.Runtime.InteropServices;

namespace SmartCam.HandOver;

/// <summary>
/// Wakes one sleeping thread from another through a Linux eventfd. <see cref="Signal"/> is one non-blocking
/// write(2): unlike SemaphoreSlim or ManualResetEventSlim it takes no lock, so a SCHED_FIFO caller cannot end
/// up waiting on a lock held by a preempted normal-priority thread. <see cref="Wait"/> takes a nanosecond
/// timeout (ppoll), which is what lets the waiting thread end a pulse on time. A signal sent before the
/// waiter sleeps is kept in the counter, so none is lost.
/// </summary>
public sealed unsafe partial class Wakeup : IDisposable
{
    private const int EfdCloexec = 0x80000, EfdNonblock = 0x800;
    private const short PollIn = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint write(int fd, ulong* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, ulong* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ppoll(PollFd* fds, nuint count, Timespec* timeout, nint sigmask);

    [LibraryImport("libc")]
    private static partial int close(int fd);

    private int _fd;

    public Wakeup()
    {
        _fd = eventfd(0, EfdCloexec | EfdNonblock);
        if (_fd < 0) throw new IOException($"eventfd failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>The eventfd, for a thread that polls it beside another fd (a camera device); it becomes readable when signalled.</summary>
    public int Handle => _fd;

    /// <summary>Clears signals already served (after a poll that saw <see cref="Handle"/> readable).</summary>
    public void Reset()
    {
        ulong count;
        _ = read(_fd, &count, sizeof(ulong));
    }

    public void Signal()
    {
        ulong one = 1;
        _ = write(_fd, &one, sizeof(ulong));
    }

    /// <summary>Returns when signalled or after <paramref name="timeoutNs"/> (negative: no timeout); EINTR just returns early.</summary>
    public void Wait(long timeoutNs)
    {
        var poll = new PollFd { Fd = _fd, Events = PollIn };
        var timeout = new Timespec { Seconds = Math.Max(timeoutNs, 0) / 1_000_000_000, Nanoseconds = Math.Max(timeoutNs, 0) % 1_000_000_000 };
        if (ppoll(&poll, 1, timeoutNs < 0 ? null : &timeout, 0) > 0)
        {
            ulong count;
            _ = read(_fd, &count, sizeof(ulong)); // resets the counter: every signal so far is served by this wake-up
        }
    }

    public void Dispose()
    {
        if (_fd >= 0) _ = close(_fd);
        _fd = -1;
    }
}
