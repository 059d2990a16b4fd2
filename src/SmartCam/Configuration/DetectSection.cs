namespace SmartCam.Configuration;

/// <summary>The <c>detect:</c> section: its keys and their reader.</summary>
public static class DetectSection
{
    public static readonly Setting<float> Score = Setting.Float("detect.score", 0.3f, 0, 1, "Keep a candidate whose score is above this.");
    public static readonly Setting<float> NmsIou = Setting.Float("detect.nms_iou", 0.45f, 0, 1, "Class-aware NMS removes a box whose IoU with a better one of its class is above this.");
    public static readonly Setting<int> MaxDetections = Setting.Int("detect.max_detections", 100, 1, 10_000, "At most this many detections per frame, best first.");
    public static readonly ConfigKey Classes = Setting.Without("detect.classes", "all", "Allow-list of labels.");
    public static readonly Setting<float> MinArea = Setting.Float("detect.min_area", 0, 0, float.MaxValue, "Minimum box area in source pixels².");
    public static readonly Setting<float> MaxArea = Setting.Float("detect.max_area", 0, 0, float.MaxValue, "Maximum box area in source pixels²; 0: no limit.");
    public static readonly ConfigKey PerClass = Setting.Without("detect.per_class", "none", "Per label: min_score, min_area, max_area.");
    public static readonly Setting<float> ClassMinScore = Setting.Float("detect.per_class.<label>.min_score", 0, 0, 1, "The label's own score threshold, on top of score.", documented: "none");
    public static readonly Setting<float> ClassMinArea = Setting.Float("detect.per_class.<label>.min_area", 0, 0, float.MaxValue, "The label's minimum box area in source pixels².");
    public static readonly Setting<float> ClassMaxArea = Setting.Float("detect.per_class.<label>.max_area", 0, 0, float.MaxValue, "The label's maximum box area in source pixels²; 0: no limit.");

    internal static DetectConfig Read(YamlSection? s)
    {
        if (s is null) return new DetectConfig();
        var perClass = new Dictionary<string, ClassFilter>();
        foreach (var (label, c) in s.Entries(PerClass.Key))
        {
            perClass[label] = new ClassFilter(c.OptionalFloat(ClassMinScore), c.Float(ClassMinArea), c.Float(ClassMaxArea));
            c.RejectUnknownKeys();
        }
        var detect = new DetectConfig
        {
            Score = s.Float(Score),
            NmsIou = s.Float(NmsIou),
            MaxDetections = s.Int(MaxDetections),
            Classes = s.StringList(Classes.Key),
            MinArea = s.Float(MinArea),
            MaxArea = s.Float(MaxArea),
            PerClass = perClass,
        };
        s.RejectUnknownKeys();
        return detect;
    }
}
