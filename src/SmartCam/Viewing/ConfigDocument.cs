using System.Text.Json;
using SmartCam.Capture;
using SmartCam.Configuration;

namespace SmartCam.Viewing;

/// <summary>
/// The running config as JSON for <c>/api/config</c>, and a camera's scene for the live page's hello, written field by
/// field (Native AOT: no reflection). Secrets never leave the box: passwords in source URLs are replaced by ***, and
/// the token and the CURVE key appear only as whether they are set.
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
                j.WriteString("id", c.Id);
                j.WriteString("source", FfmpegPipeSource.Redact(c.Source));
                j.WriteString("kind", c.Kind.ToString().ToLowerInvariant());
                j.WriteString("pace", c.Pace.ToString().ToLowerInvariant());
                j.WriteBoolean("loop", c.Loop);
                WriteScene(j, c);
                j.WriteStartArray("rules");
                foreach (var r in c.Scene.Rules) j.WriteStringValue(r.Name);
                j.WriteEndArray();
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteStartObject("model");
            j.WriteString("path", config.Model.Path);
            j.WriteString("family", config.Model.Family.ToString().ToLowerInvariant());
            j.WriteString("provider", config.Model.Provider.ToString().ToLowerInvariant());
            j.WriteNumber("instances", config.Model.Instances);
            j.WriteNumber("threads", config.Model.IntraOpThreads);
            j.WriteEndObject();
            j.WriteStartObject("detect");
            j.WriteNumber("score", config.Detect.Score);
            j.WriteNumber("nms_iou", config.Detect.NmsIou);
            j.WriteNumber("max_detections", config.Detect.MaxDetections);
            j.WriteEndObject();
            j.WriteStartObject("publish");
            j.WriteString("endpoint", config.Publish.Endpoint);
            j.WriteNumber("send_hwm", config.Publish.SendHighWatermark);
            j.WriteNumber("status_interval_ms", config.Publish.StatusIntervalMs);
            j.WriteBoolean("curve", config.Publish.CurveSecretKey is not null);
            j.WriteEndObject();
            j.WriteStartArray("outputs");
            foreach (var o in config.Outputs)
            {
                j.WriteStartObject();
                j.WriteString("name", o.Name);
                j.WriteString("driver", o.Driver);
                j.WriteNumber("chip", o.Chip);
                j.WriteNumber("line", o.Line);
                j.WriteString("safe", o.SafeHigh ? "high" : "low");
                j.WriteEndObject();
            }
            j.WriteEndArray();
            if (config.Http is { } http)
            {
                j.WriteStartObject("http");
                j.WriteString("listen", http.Listen);
                j.WriteNumber("live_fps", http.LiveFps);
                j.WriteNumber("jpeg_quality", http.JpegQuality);
                j.WriteBoolean("auth", http.Token is not null);
                j.WriteEndObject();
            }
            j.WriteStartObject("realtime");
            j.WriteBoolean("enabled", config.Realtime.Enabled);
            j.WriteEndObject();
            j.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The page's first message: the camera's zones, lines and outputs, and its recent events (docs/http.md).</summary>
    public static byte[] Hello(CameraView camera, IReadOnlyList<byte[]> recentEvents, IEnumerable<string> outputs)
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
