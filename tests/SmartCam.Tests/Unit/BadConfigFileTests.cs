using System.Text;
using System.Text.RegularExpressions;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>
/// Each kind of broken YAML file the issue names, through the command line in-process (<c>smartcam validate
/// --config-only</c>): exit 2 and one line "smartcam: FILE:LINE:COLUMN: KEY: what was expected". Lines and
/// columns in the comments count from 1.
/// </summary>
public sealed class BadConfigFileTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The smallest valid config: lines 1-4.</summary>
    private static string Valid => $"camera:\n  source: v4l2:///dev/video0\nmodel:\n  path: {Repo.Model}\n";

    private (int Exit, string Stdout, string Stderr) Validate(byte[] bytes)
    {
        var path = _dir.File("smartcam.yaml");
        File.WriteAllBytes(path, bytes);
        return Validate(path);
    }

    private static (int Exit, string Stdout, string Stderr) Validate(string path)
    {
        using StringWriter output = new(), error = new();
        var exit = SmartCam.Program.Run(["validate", "--config", path, "--config-only"], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Exit 2, nothing on stdout, exactly one line: smartcam: FILE<paramref name="where"/>: … containing <paramref name="what"/>.</summary>
    private void AssertRefused(string yaml, string where, string what) => AssertRefused(Encoding.UTF8.GetBytes(yaml), where, what);

    private void AssertRefused(byte[] bytes, string where, string what)
    {
        var (exit, stdout, stderr) = Validate(bytes);
        var path = _dir.File("smartcam.yaml");
        Assert.True(exit == 2, $"exit {exit}\n{stdout}{stderr}");
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // where: ":LINE:COLUMN", ":LINE:" for any column, or "" for a message about the whole file.
        var position = Regex.Escape(where) + (where.EndsWith(':') ? @"\d+" : "");
        Assert.True(Regex.IsMatch(line, "^" + Regex.Escape($"smartcam: {path}") + position + ": "), $"expected {where}: {line}");
        Assert.True(line.Contains(what, StringComparison.Ordinal), $"expected '{what}': {line}");
        Assert.DoesNotContain("Exception", line);
    }

    [Fact]
    public void The_valid_base_config_is_accepted()
    {
        var (exit, stdout, stderr) = Validate(Encoding.UTF8.GetBytes(Valid));
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.StartsWith($"config   {_dir.File("smartcam.yaml")}: OK", stdout);
    }

    [Fact]
    public void Unclosed_flow_mapping() =>
        AssertRefused("camera: { id: cam0\n", ":2:1", "not valid YAML: While parsing a flow mapping, did not find expected ',' or '}'");

    [Fact]
    public void Flow_collection_left_open_across_a_dedent()
    {
        // YamlDotNet throws a bare InvalidOperationException here; the scanner's position says where.
        AssertRefused("camera:\n  id: cam0\n  source: [1, 2\n  pace: max\n", ":4:3", "the [ opened on line 3, column 11 is not closed; expected ] before this line");
    }

    [Fact]
    public void Unclosed_flow_mapping_named_where_it_opened_past_brackets_in_strings_and_comments() =>
        AssertRefused("camera: { id: cam0 # not this [\n  , source: \"{[\" , x: ['a]'\nmodel:\n", ":3:1", "the [ opened on line 2, column 23 is not closed; expected ] before this line");

    [Fact]
    public void Bad_indentation() =>
        AssertRefused("camera:\n  id: cam0\n   source: x\n", ":3:", "not valid YAML");

    [Fact]
    public void Tab_as_indentation() =>
        AssertRefused("camera:\n\tid: cam0\n", ":1:1", "tab");

    [Fact]
    public void Alias_to_an_anchor_that_does_not_exist() =>
        AssertRefused("camera: *nothere\n", ":1:9", "the alias *nothere refers to no anchor; expected &nothere on a value before it");

    [Fact]
    public void Duplicate_key() =>
        AssertRefused("camera:\n  id: a\n  id: b\n", ":3:3", "Duplicate key id");

    [Fact]
    public void Binary_junk()
    {
        var junk = new byte[300];
        new Random(10).NextBytes(junk);
        AssertRefused(junk, ":1:", "not UTF-8"); // random bytes are not UTF-8 within the first few
    }

    [Fact]
    public void Empty_file() => AssertRefused("", "", "the file holds no settings");

    [Fact]
    public void Only_comments() => AssertRefused("# nothing here\n\n", "", "the file holds no settings");

    [Fact]
    public void A_list_instead_of_a_mapping() => AssertRefused("- camera\n- model\n", ":1:1", "the file holds a list");

    [Fact]
    public void A_scalar_instead_of_a_mapping() => AssertRefused("hello\n", ":1:1", "the file holds a single value");

    [Fact]
    public void Two_documents() => AssertRefused(Valid + "---\nb: 2\n", ":6:1", "a second YAML document");

    [Fact]
    public void Not_utf8() => AssertRefused([.. "camera:\n  id: caf"u8, 0xE9, .. "\n"u8], ":2:10", "byte 0xE9 is not UTF-8 text");

    [Fact]
    public void A_byte_order_mark_is_fine()
    {
        var (exit, _, stderr) = Validate([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Valid)]);
        Assert.True(exit == 0, stderr);
    }

    [Fact]
    public void A_list_where_a_section_belongs() =>
        AssertRefused("camera: [a, b]\n", ":1:9", "camera: expected a mapping of keys");

    [Fact]
    public void A_mapping_where_a_value_belongs() =>
        AssertRefused("camera:\n  source: { a: 1 }\n", ":2:11", "camera.source: expected a single value, not a list or mapping");

    [Fact]
    public void A_whole_number_too_big_for_any_range() =>
        AssertRefused(Valid + "detect:\n  max_detections: 99999999999\n", ":6:19", "detect.max_detections: 99999999999 is out of range; expected 1 to 10000");

    [Fact]
    public void A_fraction_where_a_whole_number_belongs() =>
        AssertRefused(Valid + "detect:\n  max_detections: 1.5\n", ":6:19", "detect.max_detections: '1.5' is not a whole number");

    [Fact]
    public void A_number_too_big_for_a_float() =>
        AssertRefused(Valid + "detect:\n  score: 1e400\n", ":6:10", "detect.score: 1e400 is out of range; expected 0 to 1");

    [Theory]
    [InlineData(".nan")]
    [InlineData("NaN")]
    [InlineData(".inf")]
    [InlineData("-Infinity")]
    public void Not_a_finite_number(string value) =>
        AssertRefused(Valid + $"detect:\n  score: {value}\n", ":6:10", $"detect.score: '{value}' is not a number");

    [Fact]
    public void A_negative_value() =>
        AssertRefused(Valid + "detect:\n  score: -0.5\n", ":6:10", "detect.score: -0.5 is out of range; expected 0 to 1");

    [Fact]
    public void A_negative_count() =>
        AssertRefused(Valid + "publish:\n  send_hwm: -1\n", ":6:13", "publish.send_hwm: -1 is out of range; expected 1 to 100000");

    [Fact]
    public void Aliases_to_existing_anchors_work()
    {
        var (exit, _, stderr) = Validate(Encoding.UTF8.GetBytes(
            $"camera:\n  source: &camera v4l2:///dev/video0\nmodel:\n  path: {Repo.Model}\n  name: *camera\n"));
        Assert.True(exit == 0, stderr);
        Assert.Equal("v4l2:///dev/video0", ConfigLoader.Load(_dir.File("smartcam.yaml")).Model.Name);
    }

    [Fact]
    public void Merge_keys_are_named_as_unsupported() =>
        AssertRefused("base: &b { source: v4l2:///dev/video0 }\ncamera:\n  <<: *b\n", ":3:3", "camera.<<: merge keys (<<) are not supported");

    [Fact]
    public void A_nul_character_in_a_path() =>
        AssertRefused($"camera:\n  source: v4l2:///dev/video0\nmodel:\n  path: \"a\\0b.onnx\"\n", ":4:9", "model.path: contains a NUL character");

    [Fact]
    public void Control_characters_in_a_value_stay_on_one_line()
    {
        AssertRefused("camera:\n  id: \"a\\nb\\e[31m\"\n", ":2:7", @"camera.id: 'a\nb\u001b[31m' is not a valid camera id");
    }

    [Fact]
    public void Nesting_deeper_than_any_config_is_refused_before_it_can_overflow_the_stack()
    {
        // 30 000 brackets overflow YamlDotNet's recursive node builder: an uncatchable crash without the limit.
        var depth = 30_000;
        AssertRefused("a: " + new string('[', depth) + new string(']', depth) + "\n", ":1:", $"nested more than {DepthLimitedParser.MaxDepth} deep");
    }

    [Fact]
    public void A_folder_instead_of_a_file()
    {
        var (exit, _, stderr) = Validate(_dir.Path);
        Assert.Equal(2, exit);
        Assert.Equal($"smartcam: {_dir.Path}: is a folder; expected a YAML config file, e.g. configs/demo.yaml", stderr.Trim());
    }

    [Fact]
    public void A_file_too_big_to_be_a_config()
    {
        var (exit, _, stderr) = Validate(Repo.Video);
        Assert.Equal(2, exit);
        Assert.Equal($"smartcam: {Repo.Video}: more than {YamlDocument.MaxFileBytes} bytes is too big for a config file; is this the right file?", stderr.Trim());
    }

    [Fact]
    public void A_device_with_no_end_is_not_read_forever()
    {
        var (exit, _, stderr) = Validate("/dev/zero");
        Assert.Equal(2, exit);
        Assert.StartsWith("smartcam: /dev/zero: more than ", stderr);
    }

    [Fact]
    public void An_unexpected_failure_is_one_line_and_exit_1_never_the_trace()
    {
        // The summary cannot be written (a closed pipe, a full disk): nothing a config check expects, so the last-resort guard answers.
        using var error = new StringWriter();
        var exit = SmartCam.Program.Run(["validate", "--config", Repo.Path("configs", "demo.yaml"), "--config-only"], new FailingWriter(), error);

        Assert.Equal(1, exit);
        Assert.Equal(@"smartcam: internal error: No space left on device\nwhile writing (please report)", error.ToString().TrimEnd('\n'));
    }

    private sealed class FailingWriter : StringWriter
    {
        public override void WriteLine(string? value) => throw new IOException("No space left on device\nwhile writing");
    }
}
