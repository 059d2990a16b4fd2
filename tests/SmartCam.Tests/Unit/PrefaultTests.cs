using SmartCam.Core;
using SmartCam.Realtime;

namespace SmartCam.Tests.Unit;

public sealed class PrefaultTests
{
    [Fact]
    public void Touching_a_fresh_large_array_faults_its_pages_in_and_keeps_its_contents()
    {
        // 8 MiB from the GC comes straight from the OS, untouched: touching it costs about one minor fault per page.
        var array = GC.AllocateUninitializedArray<long>(1 << 20);
        array[12345] = 42;
        var before = Libc.PageFaults(Libc.RusageThread).Minor;
        Prefault.Touch(array);
        var faults = Libc.PageFaults(Libc.RusageThread).Minor - before;
        // 2048 pages of 4 KiB; transparent huge pages can serve it with far fewer faults, so only bound it above.
        Assert.InRange(faults, 0, 2100);
        Assert.Equal(42, array[12345]);
        // Once in, touching again costs nothing.
        before = Libc.PageFaults(Libc.RusageThread).Minor;
        Prefault.Touch(array);
        Assert.Equal(0, Libc.PageFaults(Libc.RusageThread).Minor - before);
    }
}
