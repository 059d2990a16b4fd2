using System.Device.Gpio;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Hosting;

namespace SmartCam.Tests.Integration;

/// <summary>
/// The pipeline builder every command uses (<see cref="Appliance"/>), in this process, on vtest.avi with a rule that
/// switches a GPIO output on a <see cref="RecordingGpioDriver"/> whenever a person is seen.
/// </summary>
public sealed class ApplianceTests : IDisposable
{
    private const int RelayLine = 5;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// The pipeline drives the very outputs the builder opened. RunCommand once made the pipeline in a DI factory that
    /// captured the outputs before they were opened (it worked only because the host resolved the factory later); a
    /// pipeline made without them runs its rules but never touches a line, which this test sees.
    /// </summary>
    [Fact]
    public void The_pipeline_drives_the_outputs_the_builder_opened_and_they_are_safe_once_it_is_closed()
    {
        var path = ServiceConfig.Write(_dir, "file://" + Repo.Video, ChildProcess.FreePort(), waitForSubscribers: 0, extra: ActuationFaultTests.AnyPersonLights);
        var driver = new RecordingGpioDriver();
        var appliance = Appliance.TryLoad(path, new ApplianceOptions(StopAfterFrames: 40, DriverForChip: _ => driver, Http: false, WaitForQueuedMessages: false));
        Assert.NotNull(appliance);
        using (appliance)
        {
            Assert.True(appliance.TryAssemble(NullLogger.Instance), "the appliance did not assemble");
            Assert.NotNull(appliance.Outputs);
            Assert.NotNull(appliance.Pipeline);

            Assert.Equal(0, appliance.Pipeline.Run(CancellationToken.None));

            // People are on the walkway from frame 0: the rule switched the relay on through the opened outputs.
            Assert.Contains(driver.Writes, w => w.Pin == RelayLine && w.Value == PinValue.High);
            appliance.Dispose();
            Assert.Equal(PinValue.Low, driver.Level(RelayLine));
        } // closed twice (a command may close it early): nothing to do the second time
    }
}
