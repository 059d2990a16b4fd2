namespace SmartCam.Tests.Integration;

/// <summary>
/// Bad arguments and bad config files given to every command of the real binary: exit 2 and one line on stderr naming
/// the argument or file and what was expected; never a stack trace, the help text, or an exception's name.
/// </summary>
public sealed class BadArgumentTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string OneLineExit2(params string[] args)
    {
        using var process = ChildProcess.SmartCam(args);
        var exit = process.WaitForExit(TimeSpan.FromSeconds(60));
        var all = process.Stdout + process.Stderr;
        Assert.True(exit == 2, $"smartcam {string.Join(' ', args)}: exit {exit}\n{all}");
        Assert.Equal("", process.Stdout);
        var line = Assert.Single(process.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("Exception", line);
        Assert.DoesNotContain("   at ", all);
        return line;
    }

    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["watch", "--endpoint", "garbage"], "smartcam watch: --endpoint 'garbage' is not a tcp:// endpoint; expected tcp://HOST:PORT" },
        { ["watch", "--endpoint", "tcp://127.0.0.1:99999"], "smartcam watch: --endpoint 'tcp://127.0.0.1:99999' has no valid port; expected tcp://HOST:PORT with PORT 1-65535" },
        { ["watch", "--endpoint", "tcp://nohost.invalid:5710", "--count", "1"], "smartcam watch: --endpoint 'tcp://nohost.invalid:5710': cannot connect: " },
        { ["watch", "--count", "-1"], "smartcam watch: --count -1: expected a number of messages, at least 1 (or 0: run until Ctrl-C)" },
        { ["watch", "--count", "abc"], "smartcam watch: --count 'abc': expected a whole number (see smartcam watch --help)" },
        { ["doctor", "--root", "/nonexistent"], "smartcam doctor: --root '/nonexistent' is not a folder; expected the folder holding proc/ and sys/" },
        { ["bench", "--config", "configs/bench.yaml", "--frames", "0"], "smartcam bench: --frames and --warmup must be at least 1, --bare at least 10" },
        { ["bench", "--config", "configs/bench.yaml", "--frames", "many"], "smartcam bench: --frames 'many': expected a whole number (see smartcam bench --help)" },
        { ["bench", "--config", "configs/multicam.yaml", "--max-cameras", "0"], "smartcam bench: --seconds and --probe-seconds must be 1-3600, --warmup-seconds 0-600, --max-cameras 1-64" },
        { ["bench", "--config", "configs/multicam.yaml", "--seconds", "0"], "smartcam bench: --seconds and --probe-seconds must be 1-3600, --warmup-seconds 0-600, --max-cameras 1-64" },
        { ["jitter", "--priority", "100"], "smartcam jitter: --priority must be 1-99" },
        { ["jitter", "--cpu", "x"], "smartcam jitter: --cpu 'x': expected a whole number (see smartcam jitter --help)" },
        { ["frobnicate"], "smartcam: Unrecognized command or argument 'frobnicate'. (see smartcam --help)" },
        { [], "smartcam: Required command was not provided. (see smartcam --help)" },
        { ["validate"], "smartcam validate: Option '--config' is required. (see smartcam validate --help)" },
        { ["run", "--config"], "smartcam run: Required argument missing for option: '--config'. (see smartcam run --help)" },
        { ["validate", "--config", "configs/demo.yaml", "extra"], "smartcam validate: Unrecognized command or argument 'extra'. (see smartcam validate --help)" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Bad_argument_is_one_line_and_exit_2(string[] args, string expected)
    {
        var line = OneLineExit2(args);
        Assert.StartsWith(expected, line);
    }

    public static TheoryData<string[]> EveryCommandWithAConfig => new()
    {
        { ["run"] }, { ["validate"] }, { ["validate", "--config-only"] }, { ["safe"] }, { ["bench", "--frames", "10"] },
        { ["doctor"] }, { ["jitter", "--seconds", "1"] },
    };

    [Theory]
    [MemberData(nameof(EveryCommandWithAConfig))]
    public void Unclosed_flow_mapping_is_one_line_with_file_line_and_column_from_every_command(string[] command)
    {
        var config = _dir.Write("unclosed.yaml", "camera: { id: cam0\nmodel:\n  path: x.onnx\n");

        var line = OneLineExit2([.. command, "--config", config]);

        // YamlDotNet itself throws a bare InvalidOperationException here (a stack trace and exit 1 before).
        Assert.Equal($"smartcam: {config}:2:1: not valid YAML: the {{ opened on line 1, column 9 is not closed; expected }} before this line", line);
    }

    [Theory]
    [MemberData(nameof(EveryCommandWithAConfig))]
    public void A_folder_as_the_config_is_one_line_from_every_command(string[] command)
    {
        var line = OneLineExit2([.. command, "--config", _dir.Path]);

        Assert.Equal($"smartcam: {_dir.Path}: is a folder; expected a YAML config file, e.g. configs/demo.yaml", line);
    }

    [Theory]
    [InlineData("tcp://nohost.invalid:5711", "cannot bind: Name or service not known; expected tcp://HOST:PORT with a host name or address of this box")]
    [InlineData("tcp://192.0.2.1:5712", "cannot bind: the address is not one of this box's; expected 127.0.0.1, 0.0.0.0 or an address of one of its interfaces")]
    public void Publish_endpoint_that_cannot_be_bound_is_one_line(string endpoint, string expected)
    {
        // A host that does not resolve was a SocketException trace; an address of another box printed "Exception of type …".
        var config = _dir.Write("endpoint.yaml", $"""
            camera:
              source: file://{Repo.Video}
            model:
              path: {Repo.Model}
              labels: {Repo.Labels}
            publish:
              endpoint: {endpoint}
              insecure: true   # off loopback the bus needs curve or this; the bind itself is what is tested
            """);

        var line = OneLineExit2("run", "--config", config);

        Assert.Equal($"smartcam: {config}: publish.endpoint {endpoint}: {expected}", line);
    }

    [Fact]
    public void Help_still_prints_beside_a_missing_option()
    {
        using var process = ChildProcess.SmartCam("validate", "--help");
        Assert.Equal(0, process.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains("--config-only", process.Stdout);
    }
}
