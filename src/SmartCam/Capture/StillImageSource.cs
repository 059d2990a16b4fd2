using OpenCvSharp;

namespace SmartCam.Capture;

/// <summary>A still image file: one frame, or the same frame again and again when looping.</summary>
public sealed class StillImageSource(string path, bool loop, double configuredFps) : IFrameSource
{
    private Mat? _image;
    private bool _delivered;

    public double Fps => configuredFps > 0 ? configuredFps : 1;

    public void Open()
    {
        if (!File.Exists(path)) throw new SourceException($"{path}: image file not found");
        _image?.Dispose();
        _image = Cv2.ImRead(path, ImreadModes.Color);
        if (_image.Empty()) throw new SourceException($"{path}: cannot decode as an image (expected JPEG, PNG, BMP, WebP or TIFF)");
        _delivered = false;
    }

    public ReadResult Read(Mat into)
    {
        if (_delivered && !loop) return ReadResult.End;
        _image!.CopyTo(into);
        _delivered = true;
        return ReadResult.Frame;
    }

    public bool TryRewind()
    {
        _delivered = false;
        return true;
    }

    public void Interrupt() { }

    public void Dispose() => _image?.Dispose();
}
