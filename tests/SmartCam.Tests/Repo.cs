namespace SmartCam.Tests;

/// <summary>Paths in the checkout, found from the test assembly's folder, so tests run from any working directory.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Model => Path("models", "yolox_nano.onnx");
    public static string Labels => Path("models", "coco80.names");
    public static string Video => Path("media", "vtest.avi");
    /// <summary>vtest.avi upscaled (stretched) to 1920x1080 and 3840x2160, first 300 frames: made by scripts/make-hd-sources.sh.</summary>
    public static string Video1080 => Path("media", "vtest-1080p.avi");
    public static string Video2160 => Path("media", "vtest-2160p.avi");
    public static string Messi => Path("media", "messi5.jpg");

    /// <summary>Debian's python, which has python3-zmq, python3-opencv and python3-onnx (the one on PATH may not).</summary>
    public const string Python = "/usr/bin/python3";

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir, "SmartCam.sln"))) dir = System.IO.Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("SmartCam.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A temporary folder for one test, removed afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("smartcam-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text)
    {
        var path = File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
