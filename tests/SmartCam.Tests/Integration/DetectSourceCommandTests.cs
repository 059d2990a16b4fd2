namespace SmartCam.Tests.Integration;

/// <summary><c>smartcam validate</c> with a detect_source: both files opened; a missing one is one line naming it.</summary>
public sealed class DetectSourceCommandTests
{
    [Fact]
    public void Validate_opens_both_streams_and_names_a_missing_one()
    {
        using var dir = new TempDir();
        var good = ServiceConfig.Write(dir, "file://" + Repo.Video1080, ChildProcess.FreePort(), camera: $"detect_source: file://{Repo.Video}", waitForSubscribers: 0);
        using (var validate = ChildProcess.SmartCam("validate", "--config", good))
            Assert.True(validate.WaitForExit(TimeSpan.FromSeconds(120)) == 0, validate.Stdout + validate.Stderr);

        var missing = dir.File("sub-stream.avi");
        var bad = ServiceConfig.Write(dir, "file://" + Repo.Video1080, ChildProcess.FreePort(), camera: $"detect_source: file://{missing}", waitForSubscribers: 0);
        using var refused = ChildProcess.SmartCam("validate", "--config", bad);
        Assert.Equal(2, refused.WaitForExit(TimeSpan.FromSeconds(120)));
        var lines = refused.Stderr.Trim().Split('\n');
        Assert.Single(lines);
        Assert.Contains(missing, lines[0]);
        Assert.DoesNotContain("   at ", refused.Stderr);
    }
}
