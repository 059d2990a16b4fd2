using SmartCam.Core;

namespace SmartCam.Configuration;

/// <summary>
/// Loads and checks a SmartCam YAML file. Every problem becomes a <see cref="ConfigException"/> naming file, line and key.
/// <para>
/// <see cref="YamlDocument"/> turns the file into one mapping; one reader per section (<see cref="CameraSection"/>,
/// <see cref="ModelSection"/>, …, <see cref="RulesSection"/>) declares that section's keys and reads them; this class only
/// puts them together and checks what spans sections. Each section's records sit beside its reader here, also those
/// that only one stage uses (realtime's thread plans, the tracker's options, zones, lines, outputs): the stages import
/// Configuration, and Configuration imports no stage, so no two folders import each other (docs/architecture.md).
/// </para>
/// </summary>
public static partial class ConfigLoader
{
    public static SmartCamConfig Load(string path) => Load(path, onImage: ApplianceImage.OnAppliance);

    /// <param name="onImage">Check it as the appliance image does (<see cref="ApplianceImage"/>): the tests' way to reach those checks off the image.</param>
    internal static SmartCamConfig Load(string path, bool onImage)
    {
        var fullPath = Path.GetFullPath(path);
        return Parse(YamlDocument.Read(fullPath), fullPath, onImage);
    }

    /// <summary>The config file's text, checked as <see cref="Load"/> checks it (size, UTF-8): what a live reload compares and edits.</summary>
    public static string ReadText(string path) => YamlDocument.Read(Path.GetFullPath(path));

    public static SmartCamConfig Parse(string yaml, string fullPath) => Parse(yaml, fullPath, onImage: ApplianceImage.OnAppliance);

    internal static SmartCamConfig Parse(string yaml, string fullPath, bool onImage)
    {
        var top = YamlDocument.Parse(yaml, fullPath);
        var baseDir = Path.GetDirectoryName(fullPath)!;
        var sections = CameraSections(top, fullPath);
        // Each camera's own keys first (a mistake there is the one to name, as it always was), then the shared sections.
        var cameras = new List<CameraConfig>();
        for (var i = 0; i < sections.Count; i++)
        {
            var listed = sections[i].Camera == sections[i].Scene;
            cameras.Add(CameraSection.Read(sections[i].Camera, baseDir, listed ? $"cam{i}" : null, rejectUnknown: !listed));
        }
        var model = ModelSection.Read(Required(top, "model", fullPath), baseDir);
        var detect = DetectSection.Read(top.Section("detect"));
        var publish = PublishSection.Read(top.Section("publish"), baseDir);
        var realtime = RealtimeSection.Read(top.Section("realtime"));
        var http = HttpSection.Read(top.Section("http"), baseDir, onImage);
        var mqtt = MqttSection.Read(top.Section("mqtt"), baseDir);
        var snapshots = SnapshotsSection.Read(top, baseDir);
        CheckInstances(top, model, realtime, sections.Count);
        var watchdogMs = ActuationSection.ReadWatchdogMs(top.Section("actuation"));

        // Every camera's outputs first: a rule may name another camera's output (two cameras driving one line, on purpose).
        var outputs = new List<OutputDefinition>();
        var parts = new List<(bool Tracking, TrackerOptions Tracker, AnchorPoint Anchor, List<ZoneDefinition> Zones, List<LineDefinition> Lines)>();
        for (var i = 0; i < sections.Count; i++)
        {
            var sceneSection = sections[i].Scene;
            var (enabled, tracker, anchor) = TrackingSection.Read(sceneSection.Section("tracking"));
            parts.Add((enabled, tracker, anchor, ZonesSection.Read(sceneSection), LinesSection.Read(sceneSection)));
            OutputsSection.Read(sceneSection, outputs, i);
        }
        for (var i = 0; i < sections.Count; i++)
        {
            var (cameraSection, sceneSection) = sections[i];
            var p = parts[i];
            var rules = RulesSection.Read(sceneSection, p.Zones, p.Lines, outputs, detect);
            if (!p.Tracking) RejectSceneWithoutTracking(sceneSection, rules.Count, p.Zones.Count, p.Lines.Count);
            if (cameraSection == sceneSection) cameraSection.RejectUnknownKeys();
            cameras[i] = cameras[i] with
            {
                Scene = new SceneConfig { Tracking = p.Tracking, Tracker = p.Tracker, Anchor = p.Anchor, Zones = p.Zones, Lines = p.Lines, Rules = rules },
            };
        }
        CheckCameraIds(sections, cameras);
        top.RejectUnknownKeys();
        return new SmartCamConfig(fullPath, cameras, model, detect, publish, realtime)
        {
            Outputs = outputs,
            WatchdogMs = watchdogMs,
            Http = http,
            Mqtt = mqtt,
            Snapshots = snapshots,
            Listed = sections[0].Camera == sections[0].Scene,
        };
    }

    /// <summary>Keys that describe one camera's scene: at the top level beside <c>camera:</c>, inside each camera of a <c>cameras:</c> list.</summary>
    private static readonly string[] SceneKeys = ["tracking", "zones", "lines", "outputs", "rules"];

    /// <summary>
    /// Per camera, the section holding its own keys and the one holding its scene: the same item of a <c>cameras:</c>
    /// list, or the single <c>camera:</c> section with the scene at the top level (the single-camera form).
    /// </summary>
    private static List<(YamlSection Camera, YamlSection Scene)> CameraSections(YamlSection top, string file)
    {
        var list = top.NodeOf("cameras");
        if (list is null)
        {
            var single = top.Section("camera")
                ?? throw new ConfigException($"{file}: camera: section is required, or a cameras: list for several cameras (see docs/configuration.md)");
            return [(single, top)];
        }
        if (top.KeyOf("camera") is { } both)
            throw top.Error(both, "camera", "give camera (one camera) or cameras (a list of cameras), not both");
        foreach (var key in SceneKeys)
            if (top.KeyOf(key) is { } misplaced && top.NodeOf(key) is not null)
                throw top.Error(misplaced, key, $"with a cameras: list, each camera has its own {key}; move it under the camera it belongs to");
        var sections = top.Items("cameras", "- { id: gate, source: rtsp://10.0.0.5/stream }").Select(i => (i.Section, i.Section)).ToList();
        if (sections.Count == 0)
            throw top.Error(list, "cameras", "is empty; expected at least one camera, e.g. - { id: gate, source: rtsp://10.0.0.5/stream }");
        return sections;
    }

    /// <summary>Camera ids name topics: unique, and never the box's own status topic.</summary>
    private static void CheckCameraIds(List<(YamlSection Camera, YamlSection Scene)> sections, List<CameraConfig> cameras)
    {
        for (var i = 0; i < cameras.Count; i++)
        {
            var s = sections[i].Camera;
            var at = s.NodeOf(CameraSection.Id.Key) ?? s.Node;
            if (cameras[i].Id == BoxStatus.Id)
                throw s.Error(at, CameraSection.Id.Key, $"'{BoxStatus.Id}' is reserved for the box's own status topic ({MessageNames.BoxStatusTopic}); choose another camera id");
            var first = cameras.FindIndex(c => c.Id == cameras[i].Id);
            if (first < i)
                throw s.Error(at, CameraSection.Id.Key, $"'{cameras[i].Id}' is already the id of cameras[{first}]; each camera needs its own id (it names the camera's topics)");
        }
    }

    /// <summary>More detector instances than CPUs for their threads (or than cameras to feed them) only adds contention.</summary>
    private static void CheckInstances(YamlSection top, ModelConfig model, RealtimeConfig realtime, int cameras)
    {
        if (model.Instances == 1) return;
        var s = top.Section("model")!;
        var at = s.NodeOf(ModelSection.Instances.Key)!;
        var pinned = realtime.Enabled && realtime.Inference.Cpus.Count > 0;
        var cpus = pinned ? realtime.Inference.Cpus.Count : Environment.ProcessorCount;
        if (model.Instances * model.IntraOpThreads > cpus)
            throw s.Error(at, ModelSection.Instances.Key,
                $"{model.Instances} instances of {model.IntraOpThreads} thread{(model.IntraOpThreads == 1 ? "" : "s")} each need {model.Instances * model.IntraOpThreads} CPUs, and {(pinned ? $"realtime.threads.inference.cpus gives {cpus}" : $"this machine has {cpus}")}; expected at most {Math.Max(1, cpus / model.IntraOpThreads)}");
        if (model.Instances > cameras)
            throw s.Error(at, ModelSection.Instances.Key, $"{model.Instances} instances for {cameras} camera{(cameras == 1 ? "" : "s")}: an instance serves whole cameras, so the extra ones would idle; expected at most {cameras}");
    }

    private static void RejectSceneWithoutTracking(YamlSection s, int rules, int zones, int lines)
    {
        var off = s.Section("tracking")!.NodeOf(TrackingSection.Enabled.Key)!;
        foreach (var (key, count) in (ReadOnlySpan<(string, int)>)[("rules", rules), ("zones", zones), ("lines", lines)])
            if (count > 0)
                throw s.Error(s.KeyOf(key)!, key, $"{key} need tracking (they follow tracked objects), but tracking.enabled is false on line {off.Start.Line}; remove 'enabled: false' or the {key}");
    }

    private static YamlSection Required(YamlSection top, string key, string file) =>
        top.Section(key) ?? throw new ConfigException($"{file}: {key}: section is required (see docs/configuration.md)");

    /// <summary>
    /// Rule labels the model does not have, as "rules[i].when.labels: 'x' is not a label of the model" (the loader
    /// cannot check them: the labels come with the model). Each rule's missing label is named once.
    /// </summary>
    public static IEnumerable<string> UnknownRuleLabels(SmartCamConfig config, string[] labels)
    {
        for (var c = 0; c < config.Cameras.Count; c++)
        {
            // The rules' path as the file has it: top-level rules for a single camera: section, cameras[c].rules in a list.
            var prefix = config.Cameras.Count == 1 && !config.Listed ? "" : $"cameras[{c}].";
            var rules = config.Cameras[c].Scene.Rules;
            for (var i = 0; i < rules.Count; i++)
                foreach (var label in rules[i].Labels.Distinct())
                    if (Array.IndexOf(labels, label) < 0)
                    {
                        var near = Array.Find(labels, l => string.Equals(l, label, StringComparison.OrdinalIgnoreCase));
                        yield return $"{prefix}rules[{i}].when.labels: '{label}' is not a label of the model" + (near is null ? "" : $" (labels are case-sensitive: '{near}')");
                    }
        }
    }
}
