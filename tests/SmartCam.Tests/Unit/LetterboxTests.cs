using OpenCvSharp;
using SmartCam.Configuration;
using SmartCam.Inference;

namespace SmartCam.Tests.Unit;

public class LetterboxTests
{
    [Fact]
    public void TopLeft_truncates_like_yolox_and_does_not_pad_before_the_image()
    {
        var g = Letterbox.For(768, 576, 416, 416, PadAlign.TopLeft);

        // scale = min(416/576, 416/768) = 416/768; 768*416/768 = 416, 576*416/768 = 312
        Assert.Equal(416.0 / 768.0, g.Scale, 12);
        Assert.Equal(416, g.ResizedWidth);
        Assert.Equal(312, g.ResizedHeight);
        Assert.Equal(0, g.PadLeft);
        Assert.Equal(0, g.PadTop);
    }

    [Fact]
    public void Center_splits_the_padding_like_ultralytics()
    {
        var g = Letterbox.For(768, 576, 640, 640, PadAlign.Center);

        // scale = 640/768; 768 -> 640, 576 -> 480; dh = (640-480)/2 = 80 -> round(79.9) = 80; dw = 0 -> round(-0.1) = 0
        Assert.Equal(640.0 / 768.0, g.Scale, 12);
        Assert.Equal(640, g.ResizedWidth);
        Assert.Equal(480, g.ResizedHeight);
        Assert.Equal(0, g.PadLeft);
        Assert.Equal(80, g.PadTop);
    }

    [Fact]
    public void Odd_sizes_truncate_for_yolox_but_round_for_ultralytics()
    {
        // 100x51 into 64x64: scale = min(64/51, 64/100) = 0.64; 51*0.64 = 32.64
        var yolox = Letterbox.For(100, 51, 64, 64, PadAlign.TopLeft);
        var ultra = Letterbox.For(100, 51, 64, 64, PadAlign.Center);

        Assert.Equal(64, yolox.ResizedWidth);
        Assert.Equal(32, yolox.ResizedHeight); // (int)32.64
        Assert.Equal(0, yolox.PadTop);

        Assert.Equal(64, ultra.ResizedWidth);
        Assert.Equal(33, ultra.ResizedHeight); // round(32.64)
        // dh = (64-33)/2 = 15.5; round(15.5 - 0.1) = 15, so the odd pixel of padding goes to the bottom (plain rounding would give 16)
        Assert.Equal(15, ultra.PadTop);
        Assert.Equal(0, ultra.PadLeft);
    }

    [Fact]
    public void Center_pads_left_when_the_source_is_tall()
    {
        // 50x100 into 64x64: scale = 0.64 -> 32x64; dw = (64-32)/2 = 16 -> round(15.9) = 16
        var g = Letterbox.For(50, 100, 64, 64, PadAlign.Center);

        Assert.Equal(32, g.ResizedWidth);
        Assert.Equal(64, g.ResizedHeight);
        Assert.Equal(16, g.PadLeft);
        Assert.Equal(0, g.PadTop);
    }

    [Fact]
    public void TopLeft_corners_map_back_to_source_corners()
    {
        var g = Letterbox.For(768, 576, 416, 416, PadAlign.TopLeft);

        Assert.Equal(0f, g.ToSourceX(0), 3);
        Assert.Equal(0f, g.ToSourceY(0), 3);
        Assert.Equal(768f, g.ToSourceX(416), 3); // 416 / (416/768)
        Assert.Equal(576f, g.ToSourceY(312), 3); // 312 / (416/768)
    }

    [Fact]
    public void Center_corners_map_back_to_source_corners()
    {
        var g = Letterbox.For(768, 576, 640, 640, PadAlign.Center);

        // the image occupies rows 80..560 of the input
        Assert.Equal(0f, g.ToSourceX(0), 3);
        Assert.Equal(0f, g.ToSourceY(80), 3);
        Assert.Equal(768f, g.ToSourceX(640), 3);
        Assert.Equal(576f, g.ToSourceY(560), 3); // (560-80) / (640/768)
        Assert.Equal(-96f, g.ToSourceY(0), 3);   // inside the top padding: (0-80) * 768/640
    }

    // ---- LetterboxResizer ----

    private static Mat Image(int width, int height, Func<int, int, Vec3b> pixel)
    {
        var mat = new Mat(height, width, MatType.CV_8UC3);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                mat.Set(y, x, pixel(x, y));
        return mat;
    }

    private static InputConfig Input(ChannelOrder channels, float scale, PadAlign align = PadAlign.TopLeft, byte pad = 114) =>
        new(ResizeMode.Nearest, channels, scale, pad, align);

    /// <summary>Pixel (x, y) of a 2x2 test image: blue = 10 + 40k, green = 20 + 40k, red = 30 + 40k for k = 2y + x.</summary>
    private static Vec3b Pixel2x2(int x, int y)
    {
        var k = 2 * y + x;
        return new Vec3b((byte)(10 + 40 * k), (byte)(20 + 40 * k), (byte)(30 + 40 * k));
    }

    [Fact]
    public void Bgr_0_255_writes_blue_green_red_planes()
    {
        using var image = Image(2, 2, Pixel2x2);
        using var resizer = new LetterboxResizer(2, 2, Input(ChannelOrder.Bgr, 1f));
        var tensor = new float[3 * 4];

        resizer.Run(image, tensor);

        // plane 0 = blue of pixels (0,0), (1,0), (0,1), (1,1); plane 1 = green; plane 2 = red
        Assert.Equal([10f, 50f, 90f, 130f, 20f, 60f, 100f, 140f, 30f, 70f, 110f, 150f], tensor);
    }

    [Fact]
    public void Rgb_0_255_writes_red_first_and_blue_last()
    {
        using var image = Image(2, 2, Pixel2x2);
        using var resizer = new LetterboxResizer(2, 2, Input(ChannelOrder.Rgb, 1f));
        var tensor = new float[3 * 4];

        resizer.Run(image, tensor);

        Assert.Equal([30f, 70f, 110f, 150f, 20f, 60f, 100f, 140f, 10f, 50f, 90f, 130f], tensor);
    }

    [Fact]
    public void Rgb_0_1_divides_by_255()
    {
        // one pixel: blue 255, green 51, red 0 -> 1.0, 0.2, 0.0
        using var image = Image(1, 1, (_, _) => new Vec3b(255, 51, 0));
        using var resizer = new LetterboxResizer(1, 1, Input(ChannelOrder.Rgb, 1f / 255f));
        var tensor = new float[3];

        resizer.Run(image, tensor);

        Assert.Equal(0f, tensor[0], 6);   // red
        Assert.Equal(0.2f, tensor[1], 6); // green 51/255
        Assert.Equal(1f, tensor[2], 6);   // blue 255/255
    }

    [Fact]
    public void TopLeft_padding_fills_the_bottom_rows_with_pad_times_scale()
    {
        // 2x1 source into 2x2: scale 1, image in row 0, row 1 is padding
        using var image = Image(2, 1, (x, _) => new Vec3b((byte)(1 + x), (byte)(3 + x), (byte)(5 + x)));
        using var resizer = new LetterboxResizer(2, 2, Input(ChannelOrder.Bgr, 1f));
        var tensor = new float[3 * 4];

        resizer.Run(image, tensor);

        Assert.Equal([1f, 2f, 114f, 114f, 3f, 4f, 114f, 114f, 5f, 6f, 114f, 114f], tensor);
    }

    [Fact]
    public void Center_padding_surrounds_the_image_and_is_scaled()
    {
        // 4x2 source into 4x4: scale 1, dh = 1 -> pad top round(0.9) = 1: rows 0 and 3 are padding
        using var image = Image(4, 2, (_, _) => new Vec3b(255, 255, 255));
        using var resizer = new LetterboxResizer(4, 4, Input(ChannelOrder.Rgb, 1f / 255f, PadAlign.Center, pad: 51));
        var tensor = new float[3 * 16];

        resizer.Run(image, tensor);

        for (var c = 0; c < 3; c++)
            for (var y = 0; y < 4; y++)
                for (var x = 0; x < 4; x++)
                {
                    var expected = y is 1 or 2 ? 1f : 0.2f; // image 255/255; padding 51/255
                    Assert.Equal(expected, tensor[c * 16 + y * 4 + x], 6);
                }
        Assert.Equal(new Letterbox(1, 4, 2, 0, 1), resizer.Geometry);
    }

    [Fact]
    public void Half_size_source_is_doubled_with_nearest()
    {
        // 2x2 source into 4x4: scale 2, every source pixel becomes a 2x2 block
        using var image = Image(2, 2, Pixel2x2);
        using var resizer = new LetterboxResizer(4, 4, Input(ChannelOrder.Bgr, 1f));
        var tensor = new float[3 * 16];

        resizer.Run(image, tensor);

        float[] blue =
        [
            10, 10, 50, 50,
            10, 10, 50, 50,
            90, 90, 130, 130,
            90, 90, 130, 130,
        ];
        float[] red =
        [
            30, 30, 70, 70,
            30, 30, 70, 70,
            110, 110, 150, 150,
            110, 110, 150, 150,
        ];
        Assert.Equal(blue, tensor[..16]);
        Assert.Equal(red, tensor[32..]);
    }

    [Fact]
    public void Half_size_wide_source_is_doubled_and_padded_below()
    {
        // 2x1 source into 4x4: scale = min(4/1, 4/2) = 2 -> 4x2 image in rows 0-1, rows 2-3 padding
        using var image = Image(2, 1, (x, _) => new Vec3b((byte)(100 + x), 0, 0));
        using var resizer = new LetterboxResizer(4, 4, Input(ChannelOrder.Bgr, 1f, pad: 7));
        var tensor = new float[3 * 16];

        resizer.Run(image, tensor);

        float[] blue =
        [
            100, 100, 101, 101,
            100, 100, 101, 101,
            7, 7, 7, 7,
            7, 7, 7, 7,
        ];
        Assert.Equal(blue, tensor[..16]);
        Assert.Equal(new Letterbox(2, 4, 2, 0, 0), resizer.Geometry);
    }

    [Fact]
    public void Rejects_a_tensor_of_the_wrong_size_and_a_non_bgr_image()
    {
        using var image = Image(2, 2, Pixel2x2);
        using var gray = new Mat(2, 2, MatType.CV_8UC1);
        using var resizer = new LetterboxResizer(2, 2, Input(ChannelOrder.Bgr, 1f));

        Assert.Throws<ArgumentException>(() => resizer.Run(image, new float[11]));
        Assert.Throws<ArgumentException>(() => resizer.Run(gray, new float[12]));
    }
}
