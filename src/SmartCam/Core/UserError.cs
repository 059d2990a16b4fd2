using System.Text;

namespace SmartCam.Core;

/// <summary>How a user mistake is printed: one line, whatever the file or value quoted in it holds.</summary>
public static class UserError
{
    /// <summary>
    /// <paramref name="text"/> with every control character written as an escape (\n, \t, \u001b…), so that a
    /// value quoted from a config file can neither break the message over lines nor drive the terminal.
    /// </summary>
    public static string OneLine(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var line = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (!char.IsControl(c)) line.Append(c);
            else if (c == '\n') line.Append("\\n");
            else if (c == '\r') line.Append("\\r");
            else if (c == '\t') line.Append("\\t");
            else line.Append($"\\u{(int)c:x4}");
        }
        return line.ToString();
    }
}
