namespace SmartCam.Configuration;

/// <summary>
/// The one point of a box that decides whether the object is in a zone or has crossed a line. A box is an
/// area, but membership must be a yes or no, and a line crossing a single moment.
/// </summary>
public enum AnchorPoint
{
    /// <summary>
    /// Middle of the bottom edge: where a standing person or a vehicle touches the ground, so a zone drawn on
    /// the floor means "standing here" regardless of how tall the object looks. The default.
    /// </summary>
    BottomCenter,

    /// <summary>Centre of the box: for objects not standing on the ground plane, or a top-down camera.</summary>
    Center,
}
