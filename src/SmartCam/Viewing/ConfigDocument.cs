using System.Text.Json;
using SmartCam.Capture;
using SmartCam.Configuration;

namespace SmartCam.Viewing;

/// <summary>
/// The running config as JSON for <c>/api/config</c>, and a camera's scene for the live page's hello, written field by
/// field (Native AOT: no reflection). Secrets never leave the box: passwords in source URLs are replaced by ***, and
/// the token and the CURVE key appear only as whether they are set. Settings are named by their YAML keys and values
/// by their YAML names, from their declarations (<see cref="CameraSection"/>, …, <see cref="YamlEnums"/>).
/// </summary>
public static class ConfigDocument
{
    public static byte[] Write(SmartCamConfig config)
    {
        var buffer = new MemoryStream();
        using (var j = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartObject();
            j.WriteString("file", config.FilePath);
            j.WriteStartArray("cameras");
            foreach (var c in config.Cameras)
            {
                j.WriteStartObject();
                j.WriteString(CameraSection.Id.Key, c.Id);
                j.WriteString(CameraSection.Source.Key, FfmpegPipeSource.Redact(c.Source));
                j.WriteString("kind", YamlEnums.SourceKind.NameOf(c.Kind));
                if (c.DetectSource is { } detect) j.WriteString(CameraSection.DetectSource.Key, FfmpegPipeSource.Redact(detect));
                j.WriteString(CameraSection.HwAccel.Key, YamlEnums.HwAccel.NameOf(c.HwAccel));
                j.WriteString(CameraSection.Convert.Key, YamlEnums.Convert.NameOf(c.Convert));
                j.WriteNumber(CameraSection.DecoderThreads.Key, c.DecoderThreads);
                j.WriteString(CameraSection.Pace.Key, YamlEnums.Pace.NameOf(c.Pace));
                j.WriteBoolean(CameraSection.Loop.Key, c.Loop);
                WriteScene(j, c);
                j.WriteStartArray("rules");
                foreach (var r in c.Scene.Rules) j.WriteStringValue(r.Name);
                j.WriteEndArray();
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteStartObject("model");
            j.WriteString(ModelSection.Path.Key, config.Model.Path);
            j.WriteString(ModelSection.Family.Key, YamlEnums.Family.NameOf(config.Model.Family));
            j.WriteString(ModelSection.Provider.Key, YamlEnums.Provider.NameOf(config.Model.Provider));
            j.WriteNumber(ModelSection.Instances.Key, config.Model.Instances);
            j.WriteNumber(ModelSection.Threads.Key, config.Model.IntraOpThreads);
            j.WriteEndObject();
            j.WriteStartObject("detect");
            j.WriteNumber(DetectSection.Score.Key, config.Detect.Score);
            j.WriteNumber(DetectSection.NmsIou.Key, config.Detect.NmsIou);
            j.WriteNumber(DetectSection.MaxDetections.Key, config.Detect.MaxDetections);
            j.WriteEndObject();
            j.WriteStartObject("publish");
            j.WriteString(PublishSection.Endpoint.Key, config.Publish.Endpoint);
            j.WriteNumber(PublishSection.SendHighWatermark.Key, config.Publish.SendHighWatermark);
            j.WriteNumber(PublishSection.StatusIntervalMs.Key, config.Publish.StatusIntervalMs);
            j.WriteBoolean("curve", config.Publish.CurveSecretKey is not null);
            j.WriteEndObject();
            j.WriteStartArray("outputs");
            foreach (var o in config.Outputs)
            {
                j.WriteStartObject();
                j.WriteString("name", o.Name);
                j.WriteString(OutputsSection.Driver.Key, o.Driver);
                j.WriteNumber(OutputsSection.Chip.Key, o.Chip);
                j.WriteNumber(OutputsSection.Line.Key, o.Line);
                j.WriteString(OutputsSection.Safe.Key, YamlEnums.Level.NameOf(o.SafeHigh));
                j.WriteEndObject();
            }
            j.WriteEndArray();
            if (config.Http is { } http)
            {
                j.WriteStartObject("http");
                j.WriteString(HttpSection.Listen.Key, http.Listen);
                j.WriteNumber(HttpSection.LiveFps.Key, http.LiveFps);
                j.WriteNumber(HttpSection.JpegQuality.Key, http.JpegQuality);
                j.WriteBoolean("auth", http.Token is not null);
                j.WriteBoolean("tls", http.TlsCertificate is not null);
                j.WriteEndObject();
            }
            j.WriteStartObject("realtime");
            j.WriteBoolean(RealtimeSection.Enabled.Key, config.Realtime.Enabled);
            j.WriteEndObject();
            j.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The page's first message: the camera's zones, lines and outputs, the model's labels (the scene editor's choices) and its recent events (docs/http.md).</summary>
    public static byte[] Hello(CameraView camera, IReadOnlyList<byte[]> recentEvents, IEnumerable<string> outputs, IReadOnlyList<string> labels)
    {
        var buffer = new MemoryStream();
        using (var j = new Utf8JsonWriter(buffer))
        {
            j.WriteStartObject();
            j.WriteString("kind", "hello");
            j.WriteString("camera", camera.Config.Id);
            j.WriteStartObject("scene");
            WriteScene(j, camera.Config);
            j.WriteStartArray("outputs");
            foreach (var o in outputs) j.WriteStringValue(o);
            j.WriteEndArray();
            j.WriteEndObject();
            j.WriteStartArray("labels");
            foreach (var l in labels) j.WriteStringValue(l);
            j.WriteEndArray();
            j.WriteStartArray("events");
            foreach (var e in recentEvents) j.WriteRawValue(e, skipInputValidation: true);
            j.WriteEndArray();
            j.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>zones and lines, in normalised image coordinates (0..1, y down) as configured.</summary>
    private static void WriteScene(Utf8JsonWriter j, CameraConfig camera)
    {
        j.WriteStartArray("zones");
        foreach (var z in camera.Scene.Zones)
        {
            j.WriteStartObject();
            j.WriteString("name", z.Name);
            j.WriteStartArray("points");
            foreach (var (x, y) in z.Polygon) Point(j, x, y);
            j.WriteEndArray();
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteStartArray("lines");
        foreach (var l in camera.Scene.Lines)
        {
            j.WriteStartObject();
            j.WriteString("name", l.Name);
            j.WriteStartArray("points");
            Point(j, l.A.X, l.A.Y);
            Point(j, l.B.X, l.B.Y);
            j.WriteEndArray();
            j.WriteEndObject();
        }
        j.WriteEndArray();
    }

    private static void Point(Utf8JsonWriter j, float x, float y)
    {
        j.WriteStartArray();
        j.WriteNumberValue(x);
        j.WriteNumberValue(y);
        j.WriteEndArray();
    }
}
