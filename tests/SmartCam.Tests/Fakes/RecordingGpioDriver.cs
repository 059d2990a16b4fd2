using System.Device.Gpio;
using SmartCam.Actuation;
using SmartCam.Capture;
using SmartCam.Core;

namespace SmartCam.Tests;

/// <summary>
/// A GPIO chip in memory for tests: it keeps every pin's mode and level and records each
/// <c>Write</c> with its CLOCK_MONOTONIC time into a preallocated buffer (so recording does not disturb the
/// allocation behaviour being measured). A line can be marked as held by someone else, to exercise the
/// "line in use" path exactly as libgpiod v1 reports it, or as failing every write.
/// </summary>
public sealed class RecordingGpioDriver : GpioDriver
{
    /// <summary>One recorded <c>Write</c>.</summary>
    public readonly record struct RecordedWrite(int Pin, PinValue Value, long Ns);

    private readonly object _gate = new();
    private readonly RecordedWrite[] _writes;
    private readonly bool[] _open;
    private readonly bool[] _busy;
    private readonly bool[] _failWrites;
    private readonly PinMode[] _mode;
    private readonly PinValue[] _level;
    private int _count;

    public RecordingGpioDriver(int pinCount = 64, int capacity = 65536)
    {
        _writes = new RecordedWrite[capacity];
        _open = new bool[pinCount];
        _busy = new bool[pinCount];
        _failWrites = new bool[pinCount];
        _mode = new PinMode[pinCount];
        _level = new PinValue[pinCount];
    }

    /// <summary>Writes that did not fit in the buffer.</summary>
    public long Overflowed { get; private set; }

    public bool IsDisposed { get; private set; }

    /// <summary>From now on, requesting <paramref name="line"/> fails as it does when another process or a kernel driver holds it.</summary>
    public void SimulateLineInUse(int line)
    {
        lock (_gate) _busy[line] = true;
    }

    /// <summary>From now on, every write to <paramref name="line"/> fails as a write to a line whose expander or adapter went away does.</summary>
    public void SimulateWriteFailure(int line)
    {
        lock (_gate) _failWrites[line] = true;
    }

    /// <summary>A copy of the writes so far, oldest first.</summary>
    public RecordedWrite[] Writes
    {
        get { lock (_gate) return _writes.AsSpan(0, _count).ToArray(); }
    }

    public int WriteCount
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>The level the pin is at now: the last write, or the initial value it was requested with.</summary>
    public PinValue Level(int pin)
    {
        lock (_gate) return _level[pin];
    }

    public bool IsOpen(int pin)
    {
        lock (_gate) return _open[pin];
    }

    /// <summary>Waits until at least <paramref name="count"/> writes were recorded.</summary>
    public bool WaitForWrites(int count, TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            while (_count < count)
            {
                var left = deadline - Environment.TickCount64;
                if (left <= 0) return false;
                Monitor.Wait(_gate, (int)left);
            }
            return true;
        }
    }

    protected override int PinCount => _open.Length;

    protected override void OpenPin(int pinNumber)
    {
        lock (_gate) _open[pinNumber] = true;
    }

    protected override void ClosePin(int pinNumber)
    {
        lock (_gate) _open[pinNumber] = false;
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            ThrowIfBusy(pinNumber);
            _mode[pinNumber] = mode;
        }
    }

    protected override void SetPinMode(int pinNumber, PinMode mode, PinValue initialValue)
    {
        lock (_gate)
        {
            ThrowIfBusy(pinNumber);
            _mode[pinNumber] = mode;
            if (mode == PinMode.Output) _level[pinNumber] = initialValue;
        }
    }

    // The exception and text LibGpiodDriver (libgpiod v1) gives when the line request returns EBUSY.
    private void ThrowIfBusy(int pin)
    {
        if (_busy[pin]) throw new IOException($"Error setting pin mode, for pin: {pin}, error: 16 (Device or resource busy)");
    }

    protected override PinMode GetPinMode(int pinNumber)
    {
        lock (_gate) return _mode[pinNumber];
    }

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => mode is PinMode.Input or PinMode.Output;

    protected override PinValue Read(int pinNumber) => Level(pinNumber);

    protected override void Write(int pinNumber, PinValue value)
    {
        var ns = MonotonicClock.NowNs();
        lock (_gate)
        {
            if (!_open[pinNumber]) throw new InvalidOperationException($"Can not access pin {pinNumber} that is not open.");
            if (_failWrites[pinNumber]) throw new IOException($"Error writing pin {pinNumber}, error: 5 (Input/output error)");
            _level[pinNumber] = value;
            if (_count < _writes.Length) _writes[_count++] = new RecordedWrite(pinNumber, value, ns);
            else Overflowed++;
            Monitor.PulseAll(_gate);
        }
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("RecordingGpioDriver records outputs only");

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException("RecordingGpioDriver records outputs only");

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        throw new NotSupportedException("RecordingGpioDriver records outputs only");

    protected override void Dispose(bool disposing)
    {
        lock (_gate) IsDisposed = true;
        base.Dispose(disposing);
    }
}
