using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SmartCam.Configuration;

namespace SmartCam.Capture;

public static class FrameSources
{
    /// <summary>The source for a camera's configured URI scheme.</summary>
    public static IFrameSource Create(CameraConfig camera) => Create(camera, 0, HardwareDecoder.Software);

    /// <summary>
    /// The camera's source: one stream, or with <c>camera.detect_source</c> the detect stream for the detector and the
    /// main stream for the live view (<see cref="DetectStreamSource"/>).
    /// </summary>
    /// <param name="decoderThreads">The decoder's own threads (0: FFmpeg's choice, one per CPU; 1: none beside the capture thread).</param>
    /// <param name="decoder">The hardware decoder the camera resolved to (<see cref="HardwareDecoding.Resolve"/>).</param>
    public static IFrameSource Create(CameraConfig camera, int decoderThreads, HardwareDecoder decoder, ILogger? log = null)
    {
        var main = Single(camera, decoderThreads, decoder);
        if (camera.DetectKind is not { } kind || camera.DetectLocation is not { } location) return main;
        var detect = Single(camera with { Source = camera.DetectSource!, Kind = kind, Location = location }, decoderThreads, decoder);
        return new DetectStreamSource(detect, main, camera.IsLive, FfmpegPipeSource.Redact(camera.Source), log ?? NullLogger.Instance);
    }

    private static IFrameSource Single(CameraConfig camera, int decoderThreads, HardwareDecoder decoder) => camera.Kind switch
    {
        // FFmpeg in-process where the linked build is the one LibAv is written for; OpenCV's reader elsewhere.
        SourceKind.File => LibAv.Available ? new LibavFileSource(camera.Location, camera.Fps, decoderThreads, decoder) : new VideoFileSource(camera.Location, camera.Fps),
        SourceKind.Image => new StillImageSource(camera.Location, camera.Loop, camera.Fps),
        SourceKind.V4l2 => new V4l2Source(camera),
        _ => new FfmpegPipeSource(camera, decoder: decoder),
    };
}
