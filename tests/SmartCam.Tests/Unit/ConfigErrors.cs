using System.Text.RegularExpressions;
using SmartCam.Configuration;

namespace SmartCam.Tests.Unit;

/// <summary>How the section tests check a config mistake: one line, starting with the file, line, column and the key.</summary>
public static class ConfigErrors
{
    public static void AssertError(string path, string key, params string[] more) =>
        AssertLine(Assert.Throws<ConfigException>(() => ConfigLoader.Load(path)), path, key, more);

    /// <summary>As <see cref="AssertError"/>, with the file checked as on the appliance image (whatever machine the tests run on).</summary>
    public static void AssertErrorOnImage(string path, string key, params string[] more) =>
        AssertLine(Assert.Throws<ConfigException>(() => ConfigLoader.Load(path, onImage: true)), path, key, more);

    private static void AssertLine(ConfigException e, string path, string key, string[] more)
    {
        Assert.Matches("^" + Regex.Escape(path) + @":\d+:\d+: " + Regex.Escape(key + ":"), e.Message);
        Assert.DoesNotContain("\n", e.Message);
        foreach (var text in more) Assert.Contains(text, e.Message);
    }
}
