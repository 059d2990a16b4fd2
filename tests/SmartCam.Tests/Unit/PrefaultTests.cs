using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SmartCam.Core;

namespace SmartCam.Tests.Unit;

/// <summary>
/// <see cref="Prefault.Touch"/> checked against the kernel's own account: <c>mincore</c> says which pages of a buffer
/// are in memory, <c>getrusage</c> how many faults this thread took. The buffer's pages are first dropped with
/// <c>madvise(MADV_DONTNEED)</c>, so they are certainly out however the GC came by the memory (a recycled segment is
/// already in, which is why a fresh array alone proves nothing).
/// </summary>
public sealed partial class PrefaultTests
{
    private const int PageBytes = 4096;
    private const int MadvDontNeed = 4;
    private const int Longs = 1 << 20; // 8 MiB: 2048 pages

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int madvise(void* address, nuint length, int advice);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int mincore(void* address, nuint length, byte* vector);

    [Fact]
    public void Touching_brings_every_page_of_a_buffer_in_with_one_fault_each_at_most_and_keeps_its_contents()
    {
        Prefault.Touch(new long[1]); // compiled before anything is counted
        var array = GC.AllocateUninitializedArray<long>(Longs, pinned: true);
        var pages = WholePages(array);
        Drop(pages);
        Assert.Equal(0, Resident(pages));
        array[12345] = 42;

        var before = Libc.PageFaults(Libc.RusageThread).Minor;
        Prefault.Touch(array);
        var faults = Libc.PageFaults(Libc.RusageThread).Minor - before;

        // Every page is in: the expectation is the buffer's size, not anything Touch reports.
        Assert.Equal(pages.Count, Resident(pages));
        // They came in on this thread, at most once each (a read, then a write, would fault twice per page); transparent
        // huge pages can bring them in with far fewer faults, so the lower bound is one. The slack is for the JIT's own
        // faults should it compile Touch's loop on this thread partway (on-stack replacement).
        Assert.InRange(faults, 1, pages.Count + 64);
        Assert.Equal(42, array[12345]);
    }

    [Fact]
    public void Writing_a_prefaulted_buffer_costs_no_fault_where_the_same_writes_to_a_dropped_one_do()
    {
        WritePerPage(new long[1]); // compiled before anything is counted
        var prefaulted = GC.AllocateUninitializedArray<long>(Longs, pinned: true);
        Drop(WholePages(prefaulted));
        Prefault.Touch(prefaulted);
        var dropped = GC.AllocateUninitializedArray<long>(Longs, pinned: true);
        var droppedPages = WholePages(dropped);
        Drop(droppedPages);

        Assert.Equal(0, WritePerPage(prefaulted));
        // The same writes, the same thread: faults are seen when there are any (this is what the line above rules out).
        Assert.InRange(WritePerPage(dropped), 1, droppedPages.Count + 64);
        // Touching what is in already costs nothing either.
        var before = Libc.PageFaults(Libc.RusageThread).Minor;
        Prefault.Touch(prefaulted);
        Assert.Equal(0, Libc.PageFaults(Libc.RusageThread).Minor - before);
    }

    /// <summary>Writes one long per page and returns the minor faults that took; compiled optimized at once, so no JIT runs inside.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long WritePerPage(long[] array)
    {
        var before = Libc.PageFaults(Libc.RusageThread).Minor;
        for (var i = 0; i < array.Length; i += PageBytes / sizeof(long)) array[i] = i;
        return Libc.PageFaults(Libc.RusageThread).Minor - before;
    }

    /// <summary>The pages wholly inside a pinned array: its first and last page may hold other objects, which must not be dropped.</summary>
    private static (nint Start, nuint Bytes, int Count) WholePages(long[] pinned)
    {
        var first = (long)Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0);
        var start = (first + PageBytes - 1) & ~(long)(PageBytes - 1);
        var end = (first + (long)pinned.Length * sizeof(long)) & ~(long)(PageBytes - 1);
        return ((nint)start, (nuint)(end - start), (int)((end - start) / PageBytes));
    }

    /// <summary>Gives the pages back to the kernel: the next access faults a zeroed page in.</summary>
    private static unsafe void Drop((nint Start, nuint Bytes, int Count) pages) =>
        Assert.True(madvise((void*)pages.Start, pages.Bytes, MadvDontNeed) == 0, $"madvise: errno {Marshal.GetLastPInvokeError()}");

    private static unsafe int Resident((nint Start, nuint Bytes, int Count) pages)
    {
        var vector = new byte[pages.Count];
        fixed (byte* v = vector)
            Assert.True(mincore((void*)pages.Start, pages.Bytes, v) == 0, $"mincore: errno {Marshal.GetLastPInvokeError()}");
        return vector.Count(b => (b & 1) != 0);
    }
}
