using System.Text.RegularExpressions;

namespace SmartCam.Tests.Unit;

/// <summary>
/// docs/architecture.md's rule on the source tree itself: the folders under src/SmartCam are ordered, a folder imports
/// only folders before it, so none imports one that imports it back, and Core imports none. Read from the files'
/// <c>using SmartCam.X;</c> lines (the code uses no fully qualified names across folders).
/// </summary>
public partial class ArchitectureTests
{
    /// <summary>The order of docs/architecture.md's table: a folder may import only those with a smaller rank.</summary>
    private static readonly Dictionary<string, int> Rank = new()
    {
        ["Core"] = 0,
        ["Configuration"] = 1, ["Logging"] = 1, ["HandOver"] = 1,
        ["Capture"] = 2,
        ["Inference"] = 3,
        ["Tracking"] = 4,
        ["Actuation"] = 5,
        ["Messaging"] = 6,
        ["Scene"] = 7, ["Realtime"] = 7, ["Mqtt"] = 7,
        ["Viewing"] = 8,
        ["Snapshots"] = 9,
        ["Hosting"] = 10,
        ["Commands"] = 11,
    };

    [GeneratedRegex(@"^using SmartCam\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex ImportLine();

    /// <summary>Each folder under src/SmartCam and the folders its files import (subfolders count as their folder).</summary>
    internal static Dictionary<string, HashSet<string>> Imports(string root)
    {
        var imports = new Dictionary<string, HashSet<string>>();
        foreach (var folder in Directory.GetDirectories(root))
        {
            var name = System.IO.Path.GetFileName(folder);
            if (name is "bin" or "obj") continue;
            var used = imports[name] = [];
            foreach (var file in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories))
                foreach (Match m in ImportLine().Matches(File.ReadAllText(file)))
                    if (m.Groups[1].Value != name) used.Add(m.Groups[1].Value);
        }
        return imports;
    }

    [Fact]
    public void Every_folder_has_a_place_in_the_order()
    {
        var folders = Imports(Repo.Path("src", "SmartCam")).Keys.Order().ToArray();
        Assert.Equal(Rank.Keys.Order().ToArray(), folders);
    }

    [Fact]
    public void A_folder_imports_only_folders_before_it()
    {
        var wrong = new List<string>();
        foreach (var (folder, used) in Imports(Repo.Path("src", "SmartCam")))
            foreach (var other in used)
                if (!Rank.TryGetValue(other, out var rank) || rank >= Rank[folder]) wrong.Add($"{folder} imports {other}");
        Assert.Empty(wrong);
    }

    [Fact]
    public void No_folder_imports_one_that_imports_it_back()
    {
        var imports = Imports(Repo.Path("src", "SmartCam"));
        var pairs = imports.SelectMany(a => a.Value.Where(b => imports.TryGetValue(b, out var back) && back.Contains(a.Key))
            .Select(b => $"{a.Key} <-> {b}")).ToArray();
        Assert.Empty(pairs);
        Assert.Empty(imports["Core"]);
    }

    [Fact]
    public void The_check_sees_a_cycle_when_there_is_one()
    {
        using var dir = new TempDir();
        foreach (var (folder, other) in new[] { ("Capture", "Inference"), ("Inference", "Capture") })
        {
            Directory.CreateDirectory(System.IO.Path.Combine(dir.Path, folder));
            File.WriteAllText(System.IO.Path.Combine(dir.Path, folder, "A.cs"), $"using SmartCam.Core;\nusing SmartCam.{other};\n\nnamespace SmartCam.{folder};\n");
        }
        var imports = Imports(dir.Path);
        Assert.Equal(["Core", "Inference"], imports["Capture"].Order());
        Assert.Contains("Capture", imports["Inference"]);
    }
}
