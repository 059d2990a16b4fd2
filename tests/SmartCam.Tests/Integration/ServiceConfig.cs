namespace SmartCam.Tests.Integration;

/// <summary>Writes a real YAML config for a test run, on the real model, into a temporary folder.</summary>
public static class ServiceConfig
{
    public static string Write(TempDir dir, string source, int port, string camera = "loop: false\n  pace: max", string extra = "",
        int waitForSubscribers = 1, string detect = "score: 0.3\n  nms_iou: 0.45", int sendHighWatermark = 64)
    {
        var yaml = $"""
            camera:
              id: cam0
              source: {source}
              {camera}
            model:
              path: {Repo.Model}
              family: yolox
              labels: {Repo.Labels}
            detect:
              {detect}
            publish:
              endpoint: tcp://127.0.0.1:{port}
              wait_for_subscribers: {waitForSubscribers}
              wait_timeout_ms: 20000
              status_interval_ms: 200
              send_hwm: {sendHighWatermark}
            {extra}
            """;
        return dir.Write("smartcam.yaml", yaml);
    }
}
