namespace SmartCam.Inference;

/// <summary>One detected object: a box as [x1, y1, x2, y2] in pixels, a class and a score.</summary>
public struct Detection
{
    public float X1, Y1, X2, Y2;
    public float Score;
    public int ClassId;

    public Detection(float x1, float y1, float x2, float y2, float score, int classId)
    {
        X1 = x1; Y1 = y1; X2 = x2; Y2 = y2; Score = score; ClassId = classId;
    }

    public readonly float Area => MathF.Max(0, X2 - X1) * MathF.Max(0, Y2 - Y1);

    public override readonly string ToString() => $"{ClassId} {Score:0.000} [{X1:0.0}, {Y1:0.0}, {X2:0.0}, {Y2:0.0}]";
}
