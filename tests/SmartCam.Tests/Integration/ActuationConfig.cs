namespace SmartCam.Tests.Integration;

/// <summary>
/// configs/actuation.yaml itself (its camera, zone, line, rules and outputs) as the integration tests run it: its files
/// pointed at the repository's, then each test's own changes. Every text replaced must be there, so a change to the
/// shipped config fails here, where it is named, not later in a run.
/// </summary>
public static class ActuationConfig
{
    public static string Text(params (string From, string To)[] changes)
    {
        var yaml = File.ReadAllText(Repo.Path("configs", "actuation.yaml"));
        (string, string)[] paths =
        [
            ("file://../media/vtest.avi", "file://" + Repo.Video),
            ("../models/yolox_nano.onnx", Repo.Model),
            ("../models/coco80.names", Repo.Labels),
        ];
        foreach (var (from, to) in paths.Concat(changes))
        {
            Assert.Contains(from, yaml); // configs/actuation.yaml changed: change the test with it
            yaml = yaml.Replace(from, to);
        }
        return yaml;
    }
}
