using System.Text.RegularExpressions;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>How the section tests check a config mistake: one line, starting with the file, line, column and the key.</summary>
public static class ConfigErrors
{
    public static void AssertError(string path, string key, params string[] more)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(path));
        Assert.Matches("^" + Regex.Escape(path) + @":\d+:\d+: " + Regex.Escape(key + ":"), e.Message);
        Assert.DoesNotContain("\n", e.Message);
        foreach (var text in more) Assert.Contains(text, e.Message);
    }
}
