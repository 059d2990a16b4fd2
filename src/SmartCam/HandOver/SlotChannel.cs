using SmartCam.Core;

namespace SmartCam.HandOver;

/// <summary>What a <see cref="SlotChannel{T}"/>'s writer does when the reader has not taken what is queued.</summary>
public enum FullMode
{
    /// <summary>The writer waits for room: nothing is lost and everything arrives in order (files: every frame, every result).</summary>
    Lossless,

    /// <summary>
    /// The writer never waits: writing into a full queue takes back the oldest unread item, counts it as dropped
    /// and reuses it (live cameras, where only the newest frame is worth the detector's time).
    /// </summary>
    Freshest,
}

/// <summary>
/// The one hand-over between SmartCam's threads: a fixed set of reusable items (frames, results, output
/// requests) passed from one writer thread to one reader thread, first in first out, with at most
/// <c>depth</c> queued. Neither side ever takes a lock, so a SCHED_FIFO thread is never held up by a
/// preempted thread of lower priority holding it (.NET's <c>Monitor</c> has no priority inheritance); waits
/// are eventfd sleeps (<see cref="Wakeup"/>); nothing is allocated after construction.
/// <para>
/// The queue is a ring whose tail only the writer moves; its head moves by compare-and-swap, by the reader
/// taking the oldest item or, in <see cref="FullMode.Freshest"/>, by the writer taking it back. Whoever wins
/// the swap owns the item; the head only grows, so no swap can succeed on a stale view. Items the reader is
/// done with go back to the writer through a second single-producer ring.
/// </para>
/// </summary>
public sealed class SlotChannel<T> : IDisposable where T : class
{
    private readonly T[] _all;
    private readonly T?[] _queue;
    private readonly long _mask;
    private readonly int _depth;
    private long _head; // oldest queued item; moved by compare-and-swap
    private long _tail; // next item to write; only the writer moves it
    private readonly SpscRing<T> _free;
    private readonly Stack<T> _spare; // items the writer took back (Freshest); the writer's own
    private readonly Wakeup _readable;
    private readonly bool _ownsReadable;
    private readonly Wakeup _writable = new();
    private long _dropped, _readAtNs, _readerBusyNs, _written;
    private volatile bool _completed;

    /// <param name="depth">The most items queued for the reader; the channel holds <c>depth + 2</c> items (one being written, one being read).</param>
    /// <param name="create">Makes each item once, at construction.</param>
    /// <param name="readable">Signalled on every write and at completion; pass one shared wake-up when one thread reads several channels.</param>
    public SlotChannel(int depth, FullMode mode, Func<T> create, Wakeup? readable = null, int extraItems = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        Mode = mode;
        _depth = depth;
        _all = new T[depth + 2 + extraItems];
        for (var i = 0; i < _all.Length; i++) _all[i] = create();
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)_all.Length);
        _queue = new T?[size];
        _mask = size - 1;
        _free = new SpscRing<T>(_all.Length);
        foreach (var item in _all) _free.TryWrite(item);
        _spare = new Stack<T>(_all.Length);
        _ownsReadable = readable is null;
        _readable = readable ?? new Wakeup();
    }

    public FullMode Mode { get; }

    /// <summary>Every item, for start-up work such as pre-faulting buffers.</summary>
    public IReadOnlyList<T> Items => _all;

    /// <summary>Unread items taken back by the writer (<see cref="FullMode.Freshest"/> only).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Items written so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Items queued for the reader now.</summary>
    public int Count => (int)(Volatile.Read(ref _tail) - Volatile.Read(ref _head));

    /// <summary>When the reader last took an item (CLOCK_MONOTONIC ns), 0 before the first.</summary>
    public long ReadAtNs => Interlocked.Read(ref _readAtNs);

    /// <summary>How long the reader usually holds an item (smoothed), 0 until it has reported: lets a writer time its next item.</summary>
    public long ReaderBusyNs => Interlocked.Read(ref _readerBusyNs);

    /// <summary>True once the writer completed and the reader took the last item.</summary>
    public bool IsDrained => _completed && Count == 0;

    public bool IsCompleted => _completed;

    // ---- the writer's side ----

    /// <summary>
    /// An item to fill and <see cref="Write"/> (or <see cref="ReturnUnwritten"/>). <see cref="FullMode.Lossless"/> waits
    /// while <c>depth</c> items are queued, so nothing written waits longer than it must; <see cref="FullMode.Freshest"/>
    /// never waits. Null once <paramref name="stop"/> fires or the channel completed (or, not waiting, when there is no room).
    /// </summary>
    public T? Rent(CancellationToken stop, bool wait = true)
    {
        while (true)
        {
            if (Mode == FullMode.Freshest || Count < _depth)
            {
                if (_spare.TryPop(out var spare)) return spare;
                if (_free.TryRead(out var free)) return free;
                // Freshest, and the reader holds every other item: take back the oldest unread one.
                if (Mode == FullMode.Freshest && TryTakeBackOldest(keep: 0, out var oldest)) return oldest;
            }
            if (!wait || stop.IsCancellationRequested || _completed) return null;
            _writable.Wait(100_000_000);
        }
    }

    /// <summary>
    /// Hands <paramref name="item"/> to the reader. In <see cref="FullMode.Freshest"/>, over <c>depth</c> the oldest unread
    /// item is taken back (counted in <see cref="Dropped"/>) and returned, for the writer to look at before a later
    /// <see cref="Rent"/> hands it out again.
    /// </summary>
    public T? Write(T item)
    {
        var tail = _tail;
        Volatile.Write(ref _queue[tail & _mask], item);
        Volatile.Write(ref _tail, tail + 1);
        Interlocked.Increment(ref _written);
        T? replaced = null;
        if (Mode == FullMode.Freshest && TryTakeBackOldest(keep: _depth, out var oldest))
        {
            _spare.Push(oldest);
            replaced = oldest;
        }
        _readable.Signal();
        return replaced;
    }

    /// <summary>Gives back an item the writer could not fill.</summary>
    public void ReturnUnwritten(T item) => _spare.Push(item);

    /// <summary>The writer has no more items; the reader drains what is queued.</summary>
    public void Complete()
    {
        _completed = true;
        _readable.Signal();
        _writable.Signal();
    }

    /// <summary>Takes back the oldest unread item while more than <paramref name="keep"/> are queued (the reader may be taking one at the same time).</summary>
    private bool TryTakeBackOldest(int keep, out T item)
    {
        while (true)
        {
            var head = Volatile.Read(ref _head);
            if (_tail - head <= keep)
            {
                item = null!;
                return false;
            }
            var oldest = Volatile.Read(ref _queue[head & _mask])!;
            if (Interlocked.CompareExchange(ref _head, head + 1, head) == head)
            {
                Interlocked.Increment(ref _dropped);
                item = oldest;
                return true;
            }
        }
    }

    // ---- the reader's side ----

    /// <summary>The oldest queued item, or false when none is queued; never waits.</summary>
    public bool TryRead(out T item)
    {
        while (true)
        {
            var head = Volatile.Read(ref _head);
            if (head == Volatile.Read(ref _tail))
            {
                item = null!;
                return false;
            }
            // Read before the swap: once the head has moved, the writer may reuse this cell.
            var oldest = Volatile.Read(ref _queue[head & _mask])!;
            if (Interlocked.CompareExchange(ref _head, head + 1, head) != head) continue; // the writer took it back
            Interlocked.Exchange(ref _readAtNs, MonotonicClock.NowNs());
            // A lossless writer waiting for room may go on.
            if (Mode == FullMode.Lossless) _writable.Signal();
            item = oldest;
            return true;
        }
    }

    /// <summary>Sleeps until something is written or the channel completes, or <paramref name="timeoutNs"/> passes (a shared wake-up also wakes for other channels).</summary>
    public void WaitToRead(long timeoutNs)
    {
        if (Count > 0 || _completed) return;
        _readable.Wait(timeoutNs);
    }

    /// <summary>Gives a read item back to the writer for reuse.</summary>
    public void Release(T item)
    {
        _free.TryWrite(item); // never full: the ring holds every item
        _writable.Signal();
    }

    /// <summary>The reader reports how long it worked on an item (smoothed), for a writer that times its next item.</summary>
    public void ReportReaderBusy(long ns)
    {
        var current = Interlocked.Read(ref _readerBusyNs);
        Interlocked.Exchange(ref _readerBusyNs, current == 0 ? ns : current + (ns - current) / 8);
    }

    public void Dispose()
    {
        foreach (var item in _all)
            if (item is IDisposable disposable) disposable.Dispose();
        _writable.Dispose();
        if (_ownsReadable) _readable.Dispose();
    }
}
