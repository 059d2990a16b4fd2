using System.Runtime.InteropServices;

namespace SmartCam.Realtime;

/// <summary>
/// Touches every page of a buffer once, at start-up. The GC hands out fresh pages from the OS without
/// writing them, so an array allocated up front may still cost a page fault the first time the loop
/// writes it, minutes into a run; memory locking (<c>MCL_ONFAULT</c>) only keeps pages that were touched.
/// </summary>
public static class Prefault
{
    private const int PageBytes = 4096;

    public static void Touch<T>(T[] array) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(array.AsSpan());
        for (var i = 0; i < bytes.Length; i += PageBytes) Volatile.Write(ref bytes[i], bytes[i]);
        if (bytes.Length > 0) Volatile.Write(ref bytes[^1], bytes[^1]);
    }
}
