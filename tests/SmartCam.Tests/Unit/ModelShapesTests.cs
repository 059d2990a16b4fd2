using SmartCam.Configuration;
using SmartCam.Inference;

namespace SmartCam.Tests.Unit;

public class ModelShapesTests
{
    private const string ModelPath = "/models/detector.onnx";

    // Anchors: 416x416 -> 52² + 26² + 13² = 3549; 640x640 -> 80² + 40² + 20² = 8400.

    [Fact]
    public void Yolox_at_416_with_80_labels()
    {
        var (family, classes) = ModelShapes.Resolve(ModelPath, ModelFamily.Auto, 416, 416, [1, 3549, 85], 80);

        Assert.Equal(ModelFamily.Yolox, family);
        Assert.Equal(80, classes); // 85 - 5
    }

    [Fact]
    public void Yolov5_at_640_has_three_anchors_per_cell()
    {
        var (family, classes) = ModelShapes.Resolve(ModelPath, ModelFamily.Auto, 640, 640, [1, 25200, 85], 80); // 3 * 8400

        Assert.Equal(ModelFamily.Yolov5, family);
        Assert.Equal(80, classes);
    }

    [Theory]
    [InlineData(ModelFamily.Auto)]
    [InlineData(ModelFamily.Yolov8)]
    public void Yolov8_at_640_is_channel_major(ModelFamily requested)
    {
        var (family, classes) = ModelShapes.Resolve(ModelPath, requested, 640, 640, [1, 84, 8400], 80);

        Assert.Equal(ModelFamily.Yolov8, family);
        Assert.Equal(80, classes); // 84 - 4
    }

    [Fact]
    public void Without_labels_the_class_count_comes_from_the_shape()
    {
        var (family, classes) = ModelShapes.Resolve(ModelPath, ModelFamily.Auto, 64, 64, [1, 7, 84], null); // 64x64: 64 + 16 + 4 = 84 anchors

        Assert.Equal(ModelFamily.Yolov8, family);
        Assert.Equal(3, classes);
    }

    [Fact]
    public void Labels_count_mismatch_names_the_model_and_both_counts()
    {
        var e = Assert.Throws<ModelException>(() => ModelShapes.Resolve(ModelPath, ModelFamily.Auto, 416, 416, [1, 3549, 85], 79));

        Assert.Contains(ModelPath, e.Message);
        Assert.Contains("80 classes", e.Message);
        Assert.Contains("79", e.Message);
    }

    [Fact]
    public void Shape_fitting_no_family_names_what_was_found_and_expected()
    {
        var e = Assert.Throws<ModelException>(() => ModelShapes.Resolve(ModelPath, ModelFamily.Auto, 416, 416, [1, 100, 85], 80));

        Assert.Contains(ModelPath, e.Message);
        Assert.Contains("[1, 100, 85]", e.Message);
        Assert.Contains("[1, 3549, 5+classes]", e.Message);   // yolox
        Assert.Contains("[1, 10647, 5+classes]", e.Message);  // yolov5: 3 * 3549
        Assert.Contains("[1, 4+classes, 3549]", e.Message);   // yolov8
    }

    [Fact]
    public void Shape_of_the_wrong_rank_names_what_was_found()
    {
        var e = Assert.Throws<ModelException>(() => ModelShapes.Resolve(ModelPath, ModelFamily.Auto, 416, 416, [3549, 85], 80));

        Assert.Contains(ModelPath, e.Message);
        Assert.Contains("[3549, 85]", e.Message);
    }

    [Fact]
    public void Explicit_family_that_does_not_fit_names_the_family_and_its_shape()
    {
        var e = Assert.Throws<ModelException>(() => ModelShapes.Resolve(ModelPath, ModelFamily.Yolov5, 416, 416, [1, 3549, 85], 80));

        Assert.Contains(ModelPath, e.Message);
        Assert.Contains("[1, 3549, 85]", e.Message);
        Assert.Contains("yolov5", e.Message);
        Assert.Contains("[1, 10647, 5+80]", e.Message);
    }

    [Fact]
    public void Explicit_yolov8_that_does_not_fit_names_its_shape()
    {
        var e = Assert.Throws<ModelException>(() => ModelShapes.Resolve(ModelPath, ModelFamily.Yolov8, 640, 640, [1, 8400, 85], 80));

        Assert.Contains("yolov8", e.Message);
        Assert.Contains("[1, 4+80, 8400]", e.Message);
    }

    [Fact]
    public void Ambiguous_shape_needs_an_explicit_family()
    {
        // 64x64 has 84 anchors: [1, 84, 84] is yolox with 79 classes or yolov8 with 80
        var e = Assert.Throws<ModelException>(() => ModelShapes.Resolve(ModelPath, ModelFamily.Auto, 64, 64, [1, 84, 84], null));
        var (family, classes) = ModelShapes.Resolve(ModelPath, ModelFamily.Yolov8, 64, 64, [1, 84, 84], null);

        Assert.Contains("model.family", e.Message);
        Assert.Equal((ModelFamily.Yolov8, 80), (family, classes));
    }
}
