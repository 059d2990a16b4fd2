using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Runtime.InteropServices;
using SmartCam.Configuration;

namespace SmartCam.Actuation;

/// <summary>
/// Opens a kernel GPIO chip through libgpiod, choosing the driver by the library actually installed.
/// The sonames do not follow the API version: libgpiod.so.2 (Debian 12's package libgpiod2) is API v1,
/// and only libgpiod.so.3 (libgpiod3) is API v2. System.Device.Gpio's own choice (UnixDriver.Create) picks
/// one by trying to construct it, which hides why it failed; asking for the soname first does not.
/// </summary>
internal static class LibGpiod
{
    private static readonly Lazy<int> Api = new(Detect);

    /// <summary>2 when libgpiod.so.3 loads, 1 when libgpiod.so.2 or .so.1 does, 0 when none is installed.</summary>
    public static int ApiVersion => Api.Value;

    private static int Detect()
    {
        if (CanLoad("libgpiod.so.3")) return 2;
        if (CanLoad("libgpiod.so.2") || CanLoad("libgpiod.so.1")) return 1;
        return 0;
    }

    private static bool CanLoad(string soname)
    {
        if (!NativeLibrary.TryLoad(soname, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }

    public static string ChipPath(int chip) => $"/dev/gpiochip{chip}";

    /// <summary>The chip's driver for <paramref name="output"/>'s chip, or an <see cref="OutputException"/> saying what is missing.</summary>
    public static GpioDriver OpenChip(OutputDefinition output)
    {
        var path = ChipPath(output.Chip);
        if (!File.Exists(path))
            throw new OutputException($"output {output.Name}: GPIO chip {output.Chip} ({path}) does not exist on this machine; available: {AvailableChips()}. " +
                                      "Use driver: log to run without this hardware, or set chip: to an available chip (gpiodetect lists them).");
        var api = ApiVersion;
        if (api == 0)
            throw new OutputException($"output {output.Name}: GPIO chip {output.Chip} ({path}) needs libgpiod, which is not installed " +
                                      "(none of libgpiod.so.3, .so.2, .so.1 loads). Install it (Debian 12: apt-get install libgpiod2), or use driver: log.");
        try
        {
            return api == 2 ? new LibGpiodV2Driver(output.Chip) : new LibGpiodDriver(output.Chip);
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or UnauthorizedAccessException or DllNotFoundException)
        {
            throw new OutputException($"output {output.Name}: cannot open GPIO chip {output.Chip} ({path}) through libgpiod v{api}: {Why(e)}. " +
                                      $"Check that this user may open {path} (root, or a udev rule / the gpio group).", e);
        }
    }

    /// <summary>The messages of an exception and its inner ones: the v2 driver wraps the errno text one level down.</summary>
    public static string Why(Exception e) => e.InnerException is { } inner ? $"{e.Message}: {Why(inner)}" : e.Message;

    /// <summary>"gpiochip0, gpiochip1", or "none".</summary>
    public static string AvailableChips()
    {
        var chips = Directory.Exists("/dev") ? Directory.GetFiles("/dev", "gpiochip*") : [];
        if (chips.Length == 0) return "none";
        Array.Sort(chips, StringComparer.Ordinal);
        return string.Join(", ", chips.Select(Path.GetFileName));
    }
}
