using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using SmartCam.Realtime;

namespace SmartCam.Commands;

/// <summary><c>smartcam doctor</c>: a pass/warn/fail report of the host's real-time readiness, each problem with its fix.</summary>
public static class DoctorCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = new Option<string?>("--config", "-c") { Description = "Also check this config's loop CPUs and camera device" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var root = new Option<string>("--root") { Description = "Read /sys and /proc under this folder instead of / (for testing)", DefaultValueFactory = _ => "/" };
        var doctor = new Command("doctor", "Check this host for real-time readiness (PREEMPT_RT, isolated CPUs, IRQs, limits, capabilities, camera); exit 1 on any failure.")
        {
            config, json, root,
        };
        doctor.SetAction(r =>
        {
            var folder = r.GetValue(root)!;
            if (!Directory.Exists(folder))
            {
                error.WriteLine($"smartcam doctor: --root '{folder}' is not a folder; expected the folder holding proc/ and sys/ (default /)");
                return RunCommand.ExitBadInput;
            }
            return Run(r.GetValue(config), r.GetValue(json), folder, output);
        });
        return doctor;
    }

    public static int Run(string? configPath, bool json, string root, TextWriter output)
    {
        if (!RunCommand.TryLoadOptional(configPath, out var config)) return RunCommand.ExitBadInput;
        var checks = new HostDoctor(root, config).Run();
        var failures = checks.Count(c => c.Status == CheckStatus.Fail);
        var warnings = checks.Count(c => c.Status == CheckStatus.Warn);
        if (json) output.WriteLine(ToJson(checks, failures, warnings));
        else
        {
            foreach (var c in checks)
            {
                output.WriteLine($"{c.Status.ToString().ToUpperInvariant(),-5} {c.Name,-24} {c.Found}");
                if (c.Fix.Length > 0) output.WriteLine($"      {"",-24} fix: {c.Fix}");
            }
            output.WriteLine($"{failures} failed, {warnings} warnings, {checks.Count - failures - warnings} passed");
        }
        return failures > 0 ? 1 : 0;
    }

    /// <summary>The --json report; <c>fix</c> only where there is one.</summary>
    internal sealed record ReportJson(ReportJson.CheckJson[] Checks, int Failures, int Warnings)
    {
        internal sealed record CheckJson(string Name, string Status, string Found,
            [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Fix);
    }

    private static string ToJson(List<Check> checks, int failures, int warnings) => JsonSerializer.Serialize(
        new ReportJson(checks.Select(c => new ReportJson.CheckJson(c.Name, c.Status.ToString().ToLowerInvariant(), c.Found, c.Fix.Length > 0 ? c.Fix : null)).ToArray(),
            failures, warnings),
        ReportJsonContext.Default.ReportJson);
}
