using System.Buffers;

namespace SmartCam.Messaging;

/// <summary>An <see cref="IBufferWriter{T}"/> over one array that is reset, not reallocated, between messages.</summary>
public sealed class ReusableBufferWriter(int initialCapacity) : IBufferWriter<byte>
{
    private byte[] _buffer = new byte[initialCapacity];

    public byte[] Array => _buffer;

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    public void Reset() => Length = 0;

    public void Advance(int count) => Length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(Length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(Length);
    }

    private void Ensure(int sizeHint)
    {
        // Grows only while the largest message is still unseen; steady state reuses the same array.
        if (_buffer.Length - Length >= Math.Max(sizeHint, 256)) return;
        System.Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + Math.Max(sizeHint, 256)));
    }
}
