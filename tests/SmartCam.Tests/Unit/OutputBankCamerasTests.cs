using System.Device.Gpio;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Actuation;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>
/// <see cref="OutputBank"/> with one requester per camera (<c>cameras:</c>) on a <see cref="RecordingGpioDriver"/>: an
/// output two cameras drive is on while either wants it, and each write is named after the request that made it.
/// </summary>
public sealed class OutputBankCamerasTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    // Declared by camera 0, driven by both; each camera also has a lamp of its own (used here as a marker).
    private static readonly OutputDefinition Siren = new("siren", "gpio", 0, 5, ActiveHigh: true, SafeHigh: false) { Owner = 0 };
    private static readonly OutputDefinition Lamp0 = new("lamp0", "gpio", 0, 17, ActiveHigh: true, SafeHigh: false) { Owner = 0 };
    private static readonly OutputDefinition Lamp1 = new("lamp1", "gpio", 0, 27, ActiveHigh: true, SafeHigh: false) { Owner = 1 };

    private static OutputTransition NextTransition(OutputBank bank)
    {
        OutputTransition found = default;
        Eventually.Until(() => bank.TryReadTransition(out found), Wait, "an output transition");
        return found;
    }

    [Fact]
    public void A_shared_output_is_on_while_either_camera_wants_it_and_goes_off_in_the_name_of_the_request_that_ended_it()
    {
        var driver = new RecordingGpioDriver();
        using var bank = OutputBank.Open([Siren, Lamp0, Lamp1], _ => driver, NullLogger.Instance, TimeSpan.Zero, drivenBy: [[0, 1], [0, 2]]);
        var (cam0, cam1) = (bank.Requester(0), bank.Requester(1));

        // Camera 1 (rule 4) turns the siren on: the write is camera 1's.
        cam1.Set(0, true, causeCaptureNs: 100, ruleIndex: 4);
        var on = NextTransition(bank);
        Assert.Equal((0, true, 1, 4, 100L), (on.Output, on.Active, on.Camera, on.RuleIndex, on.CauseCaptureNs));
        Assert.Equal(PinValue.High, driver.Level(5));

        // Camera 0 (rule 7) wants it too, then lets go from a frame captured later than camera 1's next one (cameras'
        // frames are not captured in the order they are inferred): the siren stays on, camera 1 still wants it.
        cam0.Set(0, true, causeCaptureNs: 110, ruleIndex: 7);
        cam0.Set(0, false, causeCaptureNs: 300, ruleIndex: 7);
        cam0.Set(1, true, causeCaptureNs: 300, ruleIndex: 8); // a marker: once it is written, camera 0's requests before it were applied
        var marker = NextTransition(bank);
        Assert.Equal((1, true, 0), (marker.Output, marker.Active, marker.Camera));
        Assert.Equal(PinValue.High, driver.Level(5));

        // Camera 1 lets go (its frame captured at 200): now nobody wants the siren, and it was camera 1's request that
        // switched it off, so the write is camera 1's (its rule, its frame), published on camera 1's topic.
        cam1.Set(0, false, causeCaptureNs: 200, ruleIndex: 4);
        var off = NextTransition(bank);
        Assert.Equal((0, false, 1, 4, 200L), (off.Output, off.Active, off.Camera, off.RuleIndex, off.CauseCaptureNs));
        Assert.Equal(PinValue.Low, driver.Level(5));
        Assert.False(bank.TryReadTransition(out _));
    }

    [Fact]
    public void A_camera_turning_a_shared_output_on_while_the_other_holds_it_writes_nothing()
    {
        var driver = new RecordingGpioDriver();
        using var bank = OutputBank.Open([Siren, Lamp0, Lamp1], _ => driver, NullLogger.Instance, TimeSpan.Zero, drivenBy: [[0, 1], [0, 2]]);
        var (cam0, cam1) = (bank.Requester(0), bank.Requester(1));

        cam0.Set(0, true, 100, 1);
        Assert.Equal((0, true, 0), (NextTransition(bank) is var t ? (t.Output, t.Active, t.Camera) : default));
        cam1.Set(0, true, 120, 2);
        cam0.Set(0, false, 130, 1); // camera 1 still wants it: stays on
        cam1.Set(2, true, 140, 3);  // marker
        var marker = NextTransition(bank);
        Assert.Equal((2, 1), (marker.Output, marker.Camera)); // nothing was written to the siren in between
        Assert.Equal(PinValue.High, driver.Level(5));
        Assert.Equal(2, driver.Writes.Count(w => w.Pin == 5)); // the safe level at open, then on once
    }
}
