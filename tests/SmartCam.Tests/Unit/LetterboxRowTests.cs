using OpenCvSharp;
using SmartCam.Configuration;
using SmartCam.Inference;

namespace SmartCam.Tests.Unit;

/// <summary>The vectorised row split against a per-pixel computation written out here, on full-size random frames.</summary>
public class LetterboxRowTests
{
    [Theory]
    [InlineData(ChannelOrder.Bgr, 1f)]
    [InlineData(ChannelOrder.Rgb, 1f / 255f)]
    public void Whole_frame_equals_per_pixel_expectation(ChannelOrder channels, float scale)
    {
        // 768x576 → 416x312 (vectorised, 26 blocks of 16 per row); 739x333 → 416x187 too, but 739 leaves a scalar tail in the source.
        foreach (var (w, h) in new[] { (768, 576), (739, 333) })
        {
            using var frame = new Mat(h, w, MatType.CV_8UC3);
            Cv2.Randu(frame, Scalar.All(0), Scalar.All(256));
            var input = new InputConfig(ResizeMode.Linear, channels, scale, 114, PadAlign.TopLeft);
            using var resizer = new LetterboxResizer(416, 416, input);
            var tensor = new float[3 * 416 * 416];
            var g = resizer.Run(frame, tensor);

            using var resized = new Mat();
            Cv2.Resize(frame, resized, new Size(g.ResizedWidth, g.ResizedHeight), 0, 0, InterpolationFlags.Linear);
            var plane = 416 * 416;
            int first = channels == ChannelOrder.Rgb ? 2 : 0, last = 2 - first; // tensor plane 0 holds byte `first` of each pixel
            for (var y = 0; y < 416; y++)
                for (var x = 0; x < 416; x++)
                {
                    var inside = y < g.ResizedHeight && x < g.ResizedWidth;
                    var p = inside ? resized.At<Vec3b>(y, x) : new Vec3b(114, 114, 114);
                    var o = y * 416 + x;
                    Assert.Equal(p[first] * scale, tensor[o]);
                    Assert.Equal(p[1] * scale, tensor[plane + o]);
                    Assert.Equal(p[last] * scale, tensor[2 * plane + o]);
                }
        }
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(1f)] // YOLOX: the path that widens without multiplying
    public unsafe void Row_split_handles_every_width_around_the_vector_size(float scale)
    {
        var random = new Random(3);
        for (var width = 0; width <= 50; width++)
        {
            var row = new byte[width * 3];
            random.NextBytes(row);
            float[] b = new float[width], g = new float[width], r = new float[width];
            fixed (byte* src = row)
            fixed (float* pb = b, pg = g, pr = r)
                LetterboxResizer.SplitRow(src, width, pb, pg, pr, scale);
            for (var x = 0; x < width; x++)
                Assert.Equal((row[3 * x] * scale, row[3 * x + 1] * scale, row[3 * x + 2] * scale), (b[x], g[x], r[x]));
        }
    }
}
