using SmartCam.Commands.Bench;

namespace SmartCam.Tests.Unit;

/// <summary>The multi-camera bench's plan: the capacity search and the camera counts of the runs that follow it.</summary>
public class MultiCameraPlanTests
{
    public static TheoryData<int, int, int> Boxes => new()
    {
        // instances, max cameras, the most cameras the box keeps up with
        { 1, 32, 0 }, { 1, 32, 1 }, { 1, 32, 2 }, { 1, 32, 5 }, { 1, 32, 17 }, { 1, 32, 31 }, { 1, 32, 32 }, { 1, 32, 40 },
        { 1, 2, 1 }, { 1, 2, 2 }, { 1, 1, 1 }, { 2, 32, 1 }, { 2, 32, 2 }, { 2, 32, 11 }, { 3, 10, 9 }, { 4, 4, 4 },
    };

    [Theory]
    [MemberData(nameof(Boxes))]
    public void Capacity_is_the_most_cameras_kept_up_with_and_limited_only_when_no_probe_failed(int instances, int maxCameras, int keepsUpTo)
    {
        var probed = new List<int>();
        var (capacity, limited) = MultiCameraPlan.SearchCapacity(instances, maxCameras, n =>
        {
            probed.Add(n);
            return n <= keepsUpTo;
        });

        Assert.Equal(Math.Clamp(keepsUpTo, instances - 1, maxCameras), capacity);
        Assert.Equal(keepsUpTo >= maxCameras, limited);
        // Never fewer cameras than instances nor more than asked, and no count probed twice.
        Assert.All(probed, n => Assert.InRange(n, instances, maxCameras));
        Assert.Equal(probed.Count, probed.Distinct().Count());
        Assert.Equal(instances, probed[0]);
    }

    [Fact]
    public void Overload_is_twice_the_capacity_and_the_dying_run_one_camera_fewer_never_below_two_or_the_instances()
    {
        Assert.Equal(10, MultiCameraPlan.OverloadCameras(instances: 1, capacity: 5));
        Assert.Equal(2, MultiCameraPlan.OverloadCameras(instances: 1, capacity: 0));
        Assert.Equal(3, MultiCameraPlan.OverloadCameras(instances: 3, capacity: 1));
        Assert.Equal(4, MultiCameraPlan.DyingCameras(instances: 1, capacity: 5));
        Assert.Equal(2, MultiCameraPlan.DyingCameras(instances: 1, capacity: 2));
        Assert.Equal(3, MultiCameraPlan.DyingCameras(instances: 3, capacity: 3));
    }
}
