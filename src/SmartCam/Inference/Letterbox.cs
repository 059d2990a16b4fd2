namespace SmartCam.Inference;

/// <summary>Where a source image sits inside the model input: scaled by <see cref="Scale"/>, then offset by the padding.</summary>
public readonly record struct Letterbox(double Scale, int ResizedWidth, int ResizedHeight, int PadLeft, int PadTop)
{
    /// <summary>
    /// Geometry as each family's reference computes it. YOLOX truncates the resized size and pads
    /// bottom/right; Ultralytics rounds it and splits the padding, rounding the top/left half down.
    /// </summary>
    public static Letterbox For(int sourceWidth, int sourceHeight, int inputWidth, int inputHeight, Configuration.PadAlign align)
    {
        var scale = Math.Min((double)inputHeight / sourceHeight, (double)inputWidth / sourceWidth);
        if (align == Configuration.PadAlign.TopLeft)
            return new(scale, Math.Max(1, (int)(sourceWidth * scale)), Math.Max(1, (int)(sourceHeight * scale)), 0, 0);
        var w = Math.Max(1, (int)Math.Round(sourceWidth * scale));
        var h = Math.Max(1, (int)Math.Round(sourceHeight * scale));
        var dw = (inputWidth - w) / 2.0;
        var dh = (inputHeight - h) / 2.0;
        return new(scale, w, h, (int)Math.Round(dw - 0.1), (int)Math.Round(dh - 0.1));
    }

    public float ToSourceX(float x) => (float)((x - PadLeft) / Scale);

    public float ToSourceY(float y) => (float)((y - PadTop) / Scale);
}
