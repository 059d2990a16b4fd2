using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SmartCam.Tests.Integration;

/// <summary>
/// Every shipped config, damaged in many seeded ways, must be accepted (exit 0) or refused with one line naming the
/// file (exit 2): never a stack trace, an exception's name or a crash. In-process through <c>Program.Run</c> with
/// <c>validate --config-only</c> (thousands of runs in seconds), and a sample through the real binary.
/// </summary>
public sealed class ConfigFuzzTests(ITestOutputHelper log) : IDisposable
{
    private const int MutationsPerConfig = 500;
    private const int ProcessSamples = 20;

    private readonly ConfigSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    public static TheoryData<string> ShippedConfigs()
    {
        var data = new TheoryData<string>();
        foreach (var path in ConfigSandbox.Shipped) data.Add(Path.GetRelativePath(Repo.Root, path));
        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedConfigs))]
    public void Shipped_config_survives_every_mutation_with_exit_0_or_one_line_and_exit_2(string config)
    {
        var original = _sandbox.Original(config);
        var baseline = Validate(_sandbox.Write("baseline.yaml", original), configOnly: true);
        Assert.True(baseline.Exit == 0, $"{config} as shipped does not validate:\n{baseline.Stdout}{baseline.Stderr}");

        int accepted = 0, refused = 0;
        var failures = new List<string>();
        var seed0 = SeedOf(config);
        for (var i = 0; i < MutationsPerConfig; i++)
        {
            var (what, bytes) = ConfigMutator.Mutate(original, seed0 + i);
            var path = _sandbox.WriteBytes("mutated.yaml", bytes);
            var result = Validate(path, configOnly: true);
            if (Problem(result, path) is { } problem) failures.Add(Describe(config, seed0 + i, what, bytes, result, problem));
            else if (result.Exit == 0) accepted++;
            else refused++;
        }
        log.WriteLine($"{config}: {MutationsPerConfig} mutations, {accepted} accepted (exit 0), {refused} refused (exit 2), {failures.Count} failures");
        Assert.True(failures.Count == 0, $"{failures.Count} of {MutationsPerConfig} mutations of {config} misbehaved; the first:\n{string.Join("\n\n", failures.Take(3))}");
        Assert.Equal(MutationsPerConfig, accepted + refused);
        Assert.True(refused > 0, "no mutation was refused: the mutator is not damaging anything");
    }

    [Fact]
    public void A_sample_through_the_real_binary_exits_0_or_2_with_one_line_and_agrees_with_the_in_process_check()
    {
        var shipped = ConfigSandbox.Shipped.ToArray();
        int accepted = 0, refused = 0;
        for (var i = 0; i < ProcessSamples; i++)
        {
            var config = Path.GetRelativePath(Repo.Root, shipped[i % shipped.Length]);
            var seed = SeedOf(config) + 7 * i; // some of the mutations the in-process test tries
            var (what, bytes) = ConfigMutator.Mutate(_sandbox.Original(config), seed);
            var path = _sandbox.WriteBytes($"sample{i}.yaml", bytes);

            var inProcess = Validate(path, configOnly: true);
            using var child = ChildProcess.SmartCam("validate", "--config", path); // the full check: model loaded, source opened
            var exit = child.WaitForExit(TimeSpan.FromSeconds(60));
            var result = new Outcome(exit, child.Stdout, child.Stderr);

            var problem = Problem(result, path, fullValidate: true);
            // Config mistakes are found before the model is loaded: the same line, in and out of process.
            if (problem is null && inProcess.Exit == 2 && (result.Exit != 2 || result.Stderr != inProcess.Stderr))
                problem = $"the binary said (exit {result.Exit}) {result.Stderr.Trim()} but in-process validate said {inProcess.Stderr.Trim()}";
            Assert.True(problem is null, Describe(config, seed, what, bytes, result, problem ?? ""));
            if (result.Exit == 0) accepted++;
            else refused++;
        }
        log.WriteLine($"real binary: {ProcessSamples} mutations, {accepted} accepted (exit 0), {refused} refused (exit 2)");
        Assert.True(refused > 0);
    }

    internal sealed record Outcome(int Exit, string Stdout, string Stderr);

    private static Outcome Validate(string path, bool configOnly)
    {
        using StringWriter output = new(), error = new();
        string[] args = configOnly ? ["validate", "--config", path, "--config-only"] : ["validate", "--config", path];
        var exit = SmartCam.Program.Run(args, output, error);
        return new Outcome(exit, output.ToString(), error.ToString());
    }

    /// <summary>Null when the outcome is one a user may see: exit 0, or exit 2 with one line naming the file.</summary>
    internal static string? Problem(Outcome r, string path, bool fullValidate = false)
    {
        var all = r.Stdout + r.Stderr;
        foreach (var forbidden in (string[])["   at ", "Exception", "Unhandled", "internal error"])
            if (all.Contains(forbidden, StringComparison.Ordinal)) return $"the output contains '{forbidden}'";
        var lines = Lines(r.Stdout).Length + Lines(r.Stderr).Length;
        if (r.Exit == 0)
        {
            if (r.Stderr.Length > 0) return "exit 0 but something on stderr";
            if (!fullValidate && lines != 1) return $"exit 0 with {lines} lines; expected the one OK line";
            return null;
        }
        if (r.Exit != 2) return $"exit {r.Exit}; expected 0 or 2";
        if (lines > 3) return $"{lines} lines of output; expected at most 3";
        var error = Lines(r.Stderr);
        if (error.Length != 1) return $"{error.Length} lines on stderr; expected one";
        // smartcam: FILE[:LINE:COLUMN]: what — or, for a model or source problem, the file it names.
        if (!fullValidate && !Regex.IsMatch(error[0], "^smartcam: " + Regex.Escape(path) + @"(:\d+:\d+)?: \S"))
            return "the line does not start with smartcam: FILE[:LINE:COLUMN]: ";
        return null;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static int SeedOf(string config)
    {
        var seed = 17;
        foreach (var c in config) seed = seed * 31 + c; // stable across runs, unlike string.GetHashCode
        return (seed & 0x7FFF) * 1000;
    }

    private static string Describe(string config, int seed, string what, byte[] bytes, Outcome r, string problem) =>
        $"{config}, seed {seed} ({what}): {problem}\nexit {r.Exit}\nstdout:\n{r.Stdout}stderr:\n{r.Stderr}mutated YAML (escaped):\n{Escape(bytes)}";

    private static string Escape(byte[] bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
            text.Append(b is (byte)'\n' ? "\n" : b is >= 32 and < 127 ? ((char)b).ToString() : $"\\x{b:x2}");
        return text.ToString();
    }
}

/// <summary>
/// A temporary folder laid out like the checkout (configs/ beside links to models/ and media/), so a copy of a
/// shipped config resolves its relative paths; the image's /var/lib/smartcam/ is mapped onto the same folder.
/// </summary>
internal sealed class ConfigSandbox : IDisposable
{
    private readonly TempDir _dir = new();

    public ConfigSandbox()
    {
        Directory.CreateDirectory(Path.Combine(_dir.Path, "configs"));
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "models"), Repo.Path("models"));
        Directory.CreateSymbolicLink(Path.Combine(_dir.Path, "media"), Repo.Path("media"));
    }

    /// <summary>configs/*.yaml and the image's /etc/smartcam/smartcam.yaml.</summary>
    public static IEnumerable<string> Shipped =>
        Directory.GetFiles(Repo.Path("configs"), "*.yaml").Order(StringComparer.Ordinal)
            .Append(Repo.Path("rootfs", "etc", "smartcam", "smartcam.yaml"));

    /// <summary>The shipped config's bytes (path relative to the checkout), with the image's data folder mapped here.</summary>
    public byte[] Original(string config) =>
        Encoding.UTF8.GetBytes(File.ReadAllText(Repo.Path(config)).Replace("/var/lib/smartcam/", _dir.Path + "/", StringComparison.Ordinal));

    public string Write(string name, byte[] bytes) => WriteBytes(name, bytes);

    public string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir.Path, "configs", name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>Seeded damage to a YAML file: each seed gives one mutation, the same on every run.</summary>
internal static class ConfigMutator
{
    /// <summary>Values a hand edit or a bad template might leave behind.</summary>
    private static readonly string[] Junk =
    [
        "", "~", "-1", "-0.5", "0", "99999999999999999999", "1e400", "-1e400", ".nan", "NaN", ".inf", "-.inf", "Infinity",
        "[", "{", "]", "}", "[1, 2", "{ a: 1", "[[", "*nothere", "&a", "&a *a", "!!binary xyz", "!!int x", "!custom 1",
        "\"unterminated", "'unterminated", "|", ">", "@", "`", "%", "? x", "- x", "yes", "0x1F", "0o17", "1_000",
        "\"a\\0b\"", "\"a\\nb\"", "\"\\x1b[31mred\"", "'", "\"", ": :", "a: b: c", "{}", "[]", "true", "null", "ünïcödé",
        new string('x', 5000), "[" + string.Join(", ", Enumerable.Range(0, 200)) + "]",
    ];

    private static readonly string[] Kinds =
        ["delete a line", "duplicate a line", "truncate", "re-indent a line", "junk value", "random bytes", "tabs", "unclosed bracket"];

    public static (string What, byte[] Bytes) Mutate(byte[] original, int seed)
    {
        var random = new Random(seed);
        var kind = random.Next(Kinds.Length);
        var lines = Encoding.UTF8.GetString(original).Split('\n').ToList();
        var n = random.Next(lines.Count);
        string what;
        byte[] bytes;
        switch (kind)
        {
            case 0:
                what = $"delete line {n + 1}";
                lines.RemoveAt(n);
                bytes = Join(lines);
                break;
            case 1:
                what = $"duplicate line {n + 1}";
                lines.Insert(n, lines[n]);
                bytes = Join(lines);
                break;
            case 2:
                var cut = random.Next(original.Length + 1);
                what = $"truncate at byte {cut}";
                bytes = original[..cut];
                break;
            case 3:
                var shift = random.Next(-3, 4);
                what = $"re-indent line {n + 1} by {shift}";
                var line = lines[n];
                lines[n] = shift >= 0 ? new string(' ', shift) + line : line[Math.Min(-shift, line.Length - line.TrimStart(' ').Length)..];
                bytes = Join(lines);
                break;
            case 4:
                var withValues = Enumerable.Range(0, lines.Count).Where(i => Regex.IsMatch(lines[i], @"^\s*-?\s*[\w<]+:\s*\S")).ToList();
                n = withValues.Count > 0 ? withValues[random.Next(withValues.Count)] : n;
                var junk = Junk[random.Next(Junk.Length)];
                what = $"line {n + 1}: value replaced by '{(junk.Length > 40 ? junk[..40] + "…" : junk)}'";
                var colon = lines[n].IndexOf(':');
                lines[n] = colon < 0 ? junk : lines[n][..(colon + 1)] + " " + junk;
                bytes = Join(lines);
                break;
            case 5:
                var noise = new byte[random.Next(1, 17)];
                random.NextBytes(noise);
                var at = random.Next(original.Length + 1);
                what = $"{noise.Length} random bytes at byte {at}";
                bytes = [.. original[..at], .. noise, .. original[at..]];
                break;
            case 6:
                var tabAt = random.Next(2) == 0 ? Offset(lines, n) : random.Next(original.Length + 1);
                what = $"tab at byte {tabAt}";
                bytes = [.. original[..tabAt], (byte)'\t', .. original[tabAt..]];
                break;
            default:
                var brackets = Enumerable.Range(0, original.Length).Where(i => original[i] is (byte)']' or (byte)'}').ToList();
                if (brackets.Count > 0 && random.Next(2) == 0)
                {
                    var drop = brackets[random.Next(brackets.Count)];
                    what = $"closing bracket at byte {drop} removed";
                    bytes = [.. original[..drop], .. original[(drop + 1)..]];
                }
                else
                {
                    var open = random.Next(2) == 0 ? (byte)'{' : (byte)'[';
                    var where = random.Next(original.Length + 1);
                    what = $"'{(char)open}' inserted at byte {where}";
                    bytes = [.. original[..where], open, .. original[where..]];
                }
                break;
        }
        return (Kinds[kind] + ": " + what, bytes);
    }

    private static byte[] Join(List<string> lines) => Encoding.UTF8.GetBytes(string.Join('\n', lines));

    /// <summary>The byte offset where line <paramref name="n"/> starts.</summary>
    private static int Offset(List<string> lines, int n) => lines.Take(n).Sum(l => Encoding.UTF8.GetByteCount(l) + 1);
}
