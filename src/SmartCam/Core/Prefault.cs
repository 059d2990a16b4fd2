using System.Runtime.InteropServices;

namespace SmartCam.Core;

/// <summary>
/// Touches every page of a buffer once, at start-up. The GC hands out fresh pages from the OS without
/// writing them, so an array allocated up front may still cost a page fault the first time the loop
/// writes it, minutes into a run; memory locking (<c>MCL_ONFAULT</c>) only keeps pages that were touched.
/// </summary>
public static class Prefault
{
    private const int PageBytes = 4096;

    /// <summary>
    /// Writes each page once with an atomic OR of 0, which keeps the contents. A plain read-then-write would cost two
    /// faults per fresh page (the read maps the shared zero page, the write then copies it); a read-modify-write
    /// instruction faults once, for writing.
    /// </summary>
    public static void Touch<T>(T[] array) where T : unmanaged
    {
        var ints = MemoryMarshal.Cast<T, int>(array.AsSpan());
        for (var i = 0; i < ints.Length; i += PageBytes / sizeof(int)) Interlocked.Or(ref ints[i], 0);
        if (ints.Length > 0) Interlocked.Or(ref ints[^1], 0);
        // A tail shorter than an int (a byte array of odd length) shares the last int's page, unless it spills into the next.
        var bytes = MemoryMarshal.AsBytes(array.AsSpan());
        if (bytes.Length % sizeof(int) != 0) Volatile.Write(ref bytes[^1], bytes[^1]);
    }
}
