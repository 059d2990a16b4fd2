using System.CommandLine;

namespace SmartCam.Commands;

/// <summary>The required <c>--config</c> of run, validate, safe and bench, declared once (an option belongs to one command, so each gets its own).</summary>
public static class ConfigOption
{
    public static Option<string> Create() => new("--config", "-c")
    {
        Description = "The YAML configuration file, e.g. configs/demo.yaml",
        Required = true,
    };
}
