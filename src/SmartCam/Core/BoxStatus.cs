namespace SmartCam.Core;

/// <summary>The box-wide status message.</summary>
public static class BoxStatus
{
    /// <summary>The "camera" of <c>status.box</c> (the topic <c>status.box</c>); no camera may take this id.</summary>
    public const string Id = "box";
}
