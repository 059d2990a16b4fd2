using SmartCam.Capture;
using SmartCam.Configuration;
using SmartCam.Inference;

namespace SmartCam.Hosting;

/// <summary><c>smartcam validate</c>: everything <c>run</c> checks before it starts, plus opening a file source, then a summary.</summary>
public static class ValidateCommand
{
    public static int Run(string configPath, TextWriter output)
    {
        try
        {
            var (config, detector) = RunCommand.Load(configPath);
            using (detector)
            {
                var c = config.Camera;
                if (!c.IsLive)
                {
                    using var source = FrameSources.Create(c);
                    source.Open();
                }
                var input = config.Model.InputFor(detector.Family);
                var d = config.Detect;
                output.WriteLine($"config   {config.FilePath}: OK");
                output.WriteLine($"camera   {c.Id}: {(c.IsLive ? FfmpegPipeSource.Redact(c.Source) : c.Location)} ({c.Kind.ToString().ToLowerInvariant()}, pace {c.Pace.ToString().ToLowerInvariant()}, loop {(c.Loop ? "true" : "false")}{(c.KeepsFreshestOnly ? ", freshest frame" : ", every frame")})");
                output.WriteLine($"model    {detector.Name}: {config.Model.Path}");
                output.WriteLine($"         family {ModelShapes.Name(detector.Family)}, input {detector.InputWidth}x{detector.InputHeight} {input.Channels.ToString().ToUpperInvariant()} {(input.Scale == 1 ? "0-255" : "0-1")} pad {input.Pad} {(input.Align == PadAlign.TopLeft ? "top-left" : "center")}, output {ModelShapes.Format(detector.OutputShape)}, {detector.Labels.Length} classes");
                output.WriteLine($"detect   score > {d.Score}, NMS IoU {d.NmsIou}, at most {d.MaxDetections}{(d.Classes.Count > 0 ? ", classes " + string.Join(", ", d.Classes) : ", all classes")}");
                output.WriteLine($"publish  {config.Publish.Endpoint} (det.{c.Id}, status.{c.Id} every {config.Publish.StatusIntervalMs} ms)");
            }
            return RunCommand.ExitOk;
        }
        catch (Exception e) when (e is ConfigException or ModelException or SourceException)
        {
            Console.Error.WriteLine($"smartcam: {e.Message}");
            return RunCommand.ExitBadInput;
        }
    }
}
