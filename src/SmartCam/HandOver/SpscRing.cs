namespace SmartCam.HandOver;

/// <summary>
/// A fixed ring of items between one producer and one consumer. Neither side locks, waits or allocates:
/// each index is written by one side only and published with a release write, so a real-time producer can
/// never be held up by a consumer that was preempted halfway through.
/// </summary>
internal sealed class SpscRing<T>
{
    private readonly T[] _slots;
    private readonly long _mask;
    private long _head; // next slot to read; only the consumer writes it
    private long _tail; // next slot to write; only the producer writes it

    /// <param name="capacity">Rounded up to a power of two, so the slot index is a mask instead of a division.</param>
    public SpscRing(int capacity)
    {
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 2));
        _slots = new T[size];
        _mask = size - 1;
    }

    public bool TryWrite(in T item)
    {
        var tail = _tail;
        if (tail - Volatile.Read(ref _head) == _slots.Length) return false;
        _slots[tail & _mask] = item;
        Volatile.Write(ref _tail, tail + 1);
        return true;
    }

    public bool TryRead(out T item)
    {
        var head = _head;
        if (head == Volatile.Read(ref _tail))
        {
            item = default!;
            return false;
        }
        item = _slots[head & _mask];
        Volatile.Write(ref _head, head + 1);
        return true;
    }
}
