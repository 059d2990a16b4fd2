using SmartCam.Messaging;

namespace SmartCam.Viewing;

/// <summary>
/// A camera's latest det. messages, to pair a picture with the detections of the same frame. Buffers are reused round
/// the ring (a message larger than its slot grows it, once), so the steady stream of frames allocates nothing. Not
/// thread-safe: callers hold the camera's <see cref="CameraView.Gate"/>.
/// </summary>
internal sealed class DetectionRing
{
    /// <summary>Recent det. messages kept per camera.</summary>
    public const int Capacity = 128;

    private readonly long[] _seq = Enumerable.Repeat(-1L, Capacity).ToArray();
    private readonly byte[][] _message = Enumerable.Range(0, Capacity).Select(_ => new byte[4096]).ToArray();
    private readonly int[] _length = new int[Capacity];
    private int _next;

    public void Keep(long seq, ReadOnlySpan<byte> json)
    {
        var i = _next;
        _next = (i + 1) % Capacity;
        if (_message[i].Length < json.Length) _message[i] = new byte[json.Length * 2];
        json.CopyTo(_message[i]);
        _length[i] = json.Length;
        _seq[i] = seq;
    }

    /// <summary>Copies the det. message of frame <paramref name="seq"/> into <paramref name="into"/>; false when it is not (yet) here.</summary>
    public bool TryCopy(long seq, ReusableBufferWriter into)
    {
        for (var i = 0; i < Capacity; i++)
        {
            if (_seq[i] != seq) continue;
            into.Reset();
            _message[i].AsSpan(0, _length[i]).CopyTo(into.GetSpan(_length[i]));
            into.Advance(_length[i]);
            return true;
        }
        return false;
    }
}
