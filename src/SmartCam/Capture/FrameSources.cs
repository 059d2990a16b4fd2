using SmartCam.Configuration;

namespace SmartCam.Capture;

public static class FrameSources
{
    /// <summary>The source for a camera's configured URI scheme.</summary>
    public static IFrameSource Create(CameraConfig camera) => camera.Kind switch
    {
        // FFmpeg in-process where the linked build is the one LibAv is written for; OpenCV's reader elsewhere.
        SourceKind.File => LibAv.Available ? new LibavFileSource(camera.Location, camera.Fps, DecoderThreads(camera)) : new VideoFileSource(camera.Location, camera.Fps),
        SourceKind.Image => new StillImageSource(camera.Location, camera.Loop, camera.Fps),
        SourceKind.V4l2 => new V4l2Source(camera),
        _ => new FfmpegPipeSource(camera),
    };

    /// <summary>The decoder's threads: FFmpeg's automatic count (one per CPU the process may use) unless the config says.</summary>
    private static int DecoderThreads(CameraConfig camera) => 0;
}
