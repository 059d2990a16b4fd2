using System.Device.Gpio;
using SmartCam.Configuration;

namespace SmartCam.Actuation;

/// <summary>
/// The lines behind the configured outputs, open and at their safe levels: which controller and pin each output
/// is, and how to describe it. Outputs on one chip share its controller; <c>driver: log</c> outputs share a
/// <see cref="LogGpioDriver"/>. Written only by <c>sc-actuate</c> (by the disposing thread once it has ended).
/// </summary>
internal sealed class OutputLines : IDisposable
{
    private readonly GpioController[] _controllerOf;
    private readonly int[] _pinOf;
    private readonly string[] _describe;
    private readonly List<GpioController> _controllers;

    private OutputLines(GpioController[] controllerOf, int[] pinOf, string[] describe, List<GpioController> controllers)
    {
        _controllerOf = controllerOf;
        _pinOf = pinOf;
        _describe = describe;
        _controllers = controllers;
    }

    /// <summary>Opens every output's line and drives it to its safe level.</summary>
    /// <param name="driverForChip">The driver for a chip number; null opens the real chip through libgpiod.</param>
    /// <exception cref="OutputException">A chip, the library or a line is missing or taken; nothing stays open.</exception>
    public static OutputLines Open(OutputDefinition[] defs, Func<int, GpioDriver>? driverForChip)
    {
        var controllerOf = new GpioController[defs.Length];
        var pinOf = new int[defs.Length];
        var describe = new string[defs.Length];
        var controllers = new List<GpioController>();
        var byChip = new Dictionary<int, (GpioController Controller, string Via)>();
        GpioController? logController = null;
        try
        {
            for (var i = 0; i < defs.Length; i++)
            {
                var o = defs[i];
                if (o.IsLog)
                {
                    logController ??= Track(controllers, new GpioController(new LogGpioDriver()));
                    controllerOf[i] = logController;
                    pinOf[i] = i; // log outputs have no line; the output index keeps their pins apart
                    describe[i] = "log";
                }
                else
                {
                    for (var j = 0; j < i; j++)
                        if (!defs[j].IsLog && defs[j].Chip == o.Chip && defs[j].Line == o.Line)
                            throw new OutputException($"output {o.Name}: GPIO chip {o.Chip} line {o.Line} is already output {defs[j].Name}; give each output its own line.");
                    if (!byChip.TryGetValue(o.Chip, out var chip))
                    {
                        var driver = driverForChip is null ? LibGpiod.OpenChip(o) : driverForChip(o.Chip);
                        var via = driverForChip is null ? $"libgpiod v{LibGpiod.ApiVersion}" : driver.GetType().Name;
                        chip = byChip[o.Chip] = (Track(controllers, new GpioController(driver)), via);
                    }
                    controllerOf[i] = chip.Controller;
                    pinOf[i] = o.Line;
                    describe[i] = $"gpiochip{o.Chip} line {o.Line} via {chip.Via}";
                }
                OpenSafe(o, controllerOf[i], pinOf[i]);
            }
        }
        catch
        {
            // Lines opened so far are already at their safe level; release them so a retry can claim them.
            foreach (var c in controllers) c.Dispose();
            throw;
        }
        return new OutputLines(controllerOf, pinOf, describe, controllers);
    }

    private static GpioController Track(List<GpioController> controllers, GpioController controller)
    {
        controllers.Add(controller);
        return controller;
    }

    // Requesting the line with its initial value (as libgpiod v1 does) avoids a glitch to the wrong level
    // between "output" and the first write; the explicit write then states the safe level to every driver.
    private static void OpenSafe(OutputDefinition o, GpioController controller, int pin)
    {
        var safe = o.SafeHigh ? PinValue.High : PinValue.Low;
        try
        {
            controller.OpenPin(pin, PinMode.Output, safe);
            controller.Write(pin, safe);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ArgumentException)
        {
            var why = LibGpiod.Why(e);
            var hint = why.Contains("busy", StringComparison.OrdinalIgnoreCase) // EBUSY, as libgpiod v1 and v2 word it
                ? $"is already in use (by another process or a kernel driver; gpioinfo gpiochip{o.Chip} shows its consumer). Free it or choose another line."
                : $"cannot be opened as an output ({why}). Check the line number against gpioinfo gpiochip{o.Chip}.";
            throw new OutputException($"output {o.Name}: GPIO chip {o.Chip} line {o.Line} {hint}", e);
        }
    }

    /// <summary>Where the output goes, e.g. "gpiochip0 line 17 via libgpiod v1", or "log".</summary>
    public string Describe(int output) => _describe[output];

    /// <summary>Writes the level; throws whatever the driver throws (a write is a syscall into a driver that may sleep or fail).</summary>
    public void Write(int output, bool high) => _controllerOf[output].Write(_pinOf[output], high ? PinValue.High : PinValue.Low);

    /// <summary>Releases the lines (they keep the level last written).</summary>
    public void Dispose()
    {
        foreach (var c in _controllers) c.Dispose();
    }
}
