using System.Device.Gpio;

namespace SmartCam.Actuation;

/// <summary>
/// The driver behind <c>driver: log</c> outputs: it accepts every call and touches nothing, so log outputs go
/// through the same controller, hand-over and transition code as real lines and differ only in what is attached.
/// </summary>
internal sealed class LogGpioDriver : GpioDriver
{
    protected override int PinCount => int.MaxValue;

    protected override void OpenPin(int pinNumber) { }

    protected override void ClosePin(int pinNumber) { }

    protected override void SetPinMode(int pinNumber, PinMode mode) { }

    // GpioController writes only to pins its driver reports as outputs.
    protected override PinMode GetPinMode(int pinNumber) => PinMode.Output;

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => mode == PinMode.Output;

    protected override PinValue Read(int pinNumber) => PinValue.Low;

    protected override void Write(int pinNumber, PinValue value) { }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("log outputs have no input events");

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException("log outputs have no input events");

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        throw new NotSupportedException("log outputs have no input events");
}
