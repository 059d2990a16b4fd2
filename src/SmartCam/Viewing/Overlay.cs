using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenCvSharp;
using SmartCam.Core;
using SmartCam.Messaging;

namespace SmartCam.Viewing;

/// <summary>The boxes drawn into the MJPEG stream's pictures, for clients that cannot draw (the page draws its own).</summary>
internal static class Overlay
{
    private static readonly Scalar BoxColour = new(0, 220, 255), TextColour = new(0, 0, 0);

    /// <summary>Boxes, labels, scores and track ids into the picture, for MJPEG clients that cannot draw.</summary>
    /// <remarks>
    /// Read with a <see cref="Utf8JsonReader"/> (no document), each caption made once and then found again by its characters
    /// (<see cref="LabelTexts"/>). What is left per box is OpenCvSharp's: Cv2.PutText takes only an InputOutputArray, and
    /// makes one for the Mat on every call (a wrapper kept across calls crashed OpenCvSharp 4.13's native side).
    /// </remarks>
    public static void DrawDetections(Mat image, ReadOnlySpan<byte> det, LabelTexts texts)
    {
        if (det.IsEmpty) return;
        var reader = new Utf8JsonReader(det);
        if (!TopLevelJson.MoveTo(ref reader, MessageNames.Detections) || reader.TokenType != JsonTokenType.StartArray) return;
        Span<double> box = stackalloc double[4];
        Span<char> label = stackalloc char[64];
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            var labelLength = 1;
            label[0] = '?';
            long track = 0;
            double score = 0;
            var corners = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(MessageNames.Box))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray) { reader.Skip(); continue; }
                    while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                        if (corners < 4) box[corners++] = reader.GetDouble();
                }
                else if (reader.ValueTextEquals(MessageNames.Label))
                {
                    reader.Read();
                    labelLength = reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= label.Length && !reader.ValueIsEscaped
                        ? Encoding.UTF8.GetChars(reader.ValueSpan, label)
                        : 1;
                }
                else if (reader.ValueTextEquals(MessageNames.TrackId))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number) track = reader.GetInt64();
                }
                else if (reader.ValueTextEquals(MessageNames.Score))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number) score = reader.GetDouble();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (corners < 4) continue;
            DrawBox(image, box[0], box[1], box[2], box[3], label[..labelLength], track, score, texts);
        }
    }

    /// <summary>One box and its caption ("person #12 0.56"; no "#" for an untracked box), as the MJPEG stream and the event snapshots show it.</summary>
    public static void DrawBox(Mat image, double x1, double y1, double x2, double y2, ReadOnlySpan<char> name, long track, double score, LabelTexts texts)
    {
        Span<char> text = stackalloc char[128];
        var p1 = new Point(x1, y1);
        var p2 = new Point(x2, y2);
        Cv2.Rectangle(image, p1, p2, BoxColour, 2);
        int n;
        var written = track > 0
            ? text.TryWrite(CultureInfo.InvariantCulture, $"{name} #{track} {score:0.00}", out n)
            : text.TryWrite(CultureInfo.InvariantCulture, $"{name} {score:0.00}", out n);
        var caption = texts.For(written ? text[..n] : name);
        var size = Cv2.GetTextSize(caption, HersheyFonts.HersheySimplex, 0.45, 1, out var baseline);
        var top = Math.Max(0, p1.Y - size.Height - baseline - 2);
        Cv2.Rectangle(image, new Rect(p1.X, top, size.Width + 4, size.Height + baseline + 2), BoxColour, -1);
        Cv2.PutText(image, caption, new Point(p1.X + 2, top + size.Height + 1), HersheyFonts.HersheySimplex, 0.45, TextColour, 1, LineTypes.AntiAlias);
    }
}

/// <summary>
/// The captions sc-live draws ("person #12 0.56"), each made once and found again by its characters, so a scene that
/// does not change draws without allocating. Bounded: when full it starts over (one thread's, no lock).
/// </summary>
internal sealed class LabelTexts
{
    public const int Capacity = 1024;
    private readonly Dictionary<string, string> _known = new(Capacity);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _byChars;

    public LabelTexts() => _byChars = _known.GetAlternateLookup<ReadOnlySpan<char>>();

    public int Count => _known.Count;

    public string For(ReadOnlySpan<char> caption)
    {
        if (_byChars.TryGetValue(caption, out var known)) return known;
        if (_known.Count == Capacity) _known.Clear();
        var made = new string(caption);
        _known[made] = made;
        return made;
    }
}
