using SmartCam.Configuration;

namespace SmartCam.Capture;

public static class FrameSources
{
    /// <summary>The source for a camera's configured URI scheme.</summary>
    public static IFrameSource Create(CameraConfig camera) => camera.Kind switch
    {
        SourceKind.File => new VideoFileSource(camera.Location, camera.Fps),
        SourceKind.Image => new StillImageSource(camera.Location, camera.Loop, camera.Fps),
        SourceKind.V4l2 => new V4l2Source(camera),
        _ => new FfmpegPipeSource(camera),
    };
}
