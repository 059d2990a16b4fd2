namespace SmartCam.Tracking;

/// <summary>
/// One tracked object as the tracker sees it after a frame: a stable id, the box in pixels (the matched
/// detection's box, or the prediction while the object is briefly unseen), and how it moves.
/// </summary>
public struct Track
{
    /// <summary>Stable for the object's life, starting at 1; never reused within a run.</summary>
    public int Id;
    public int ClassId;
    public float X1, Y1, X2, Y2;
    /// <summary>Velocity of the box centre in pixels per second.</summary>
    public float VelocityX, VelocityY;
    /// <summary>Score of the latest matched detection.</summary>
    public float Score;
    public long FirstSeenNs, LastSeenNs;
    /// <summary>Frames in which a detection was matched to this track.</summary>
    public int Hits;
    /// <summary>True when a detection was matched to the track in the latest frame.</summary>
    public bool Matched;
}
