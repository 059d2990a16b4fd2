using System.Text.Json;

namespace SmartCam.Messaging;

/// <summary>Reads one top-level field of a bus message without building a document (the det. stream is every frame).</summary>
internal static class TopLevelJson
{
    /// <summary>The message's top-level number <paramref name="property"/>; -1 when it has none.</summary>
    public static long Long(ReadOnlySpan<byte> json, string property)
    {
        var reader = new Utf8JsonReader(json);
        return MoveTo(ref reader, property) && reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : -1;
    }

    /// <summary>The message's top-level string <paramref name="property"/>; null when it has none.</summary>
    public static string? String(ReadOnlySpan<byte> json, string property)
    {
        var reader = new Utf8JsonReader(json);
        return MoveTo(ref reader, property) && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    /// <summary>Moves <paramref name="reader"/> to the value of the message's top-level <paramref name="property"/>; false when it has none.</summary>
    public static bool MoveTo(ref Utf8JsonReader reader, string property)
    {
        var depth = 0;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) depth++;
            else if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray) depth--;
            else if (depth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(property)) return reader.Read();
        }
        return false;
    }
}
