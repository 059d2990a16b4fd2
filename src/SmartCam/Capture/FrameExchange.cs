namespace SmartCam.Capture;

/// <summary>
/// Hands frames from the capture thread to the inference thread through three reusable slots:
/// one being written, at most one ready, at most one being processed. With <c>freshestOnly</c> a new
/// frame replaces a ready one that nobody took (the replaced one is counted as dropped); otherwise the
/// writer waits, so every frame is processed. Nothing is allocated per frame.
/// A live source can deliver frames faster than its rate for a moment (a backlog after a (re)connect or a
/// network hiccup): a frame replaced by one that came less than <see cref="BurstGapNs"/> after it was not
/// lost to a busy reader but to that burst, and is counted in <see cref="Burst"/> instead.
/// </summary>
public sealed class FrameExchange : IDisposable
{
    private readonly object _gate = new();
    private readonly Frame[] _all;
    private readonly Stack<Frame> _free;
    private readonly bool _freshestOnly;
    private Frame? _ready;
    private bool _completed;
    private long _dropped, _burst, _burstGapNs;
    private long _takenAtNs, _readerBusyNs;

    public FrameExchange(bool freshestOnly, Func<Frame>? createSlot = null)
    {
        _freshestOnly = freshestOnly;
        createSlot ??= () => new Frame();
        _all = [createSlot(), createSlot(), createSlot()];
        _free = new Stack<Frame>(_all);
        LockWarmup.Prepare(_gate);
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Frames replaced by one that followed sooner than <see cref="BurstGapNs"/>: the source caught up on a backlog.</summary>
    public long Burst => Interlocked.Read(ref _burst);

    /// <summary>Replacements by a frame this soon after the replaced one count as <see cref="Burst"/> (0: every replacement is a drop).</summary>
    public long BurstGapNs
    {
        get => Interlocked.Read(ref _burstGapNs);
        set => Interlocked.Exchange(ref _burstGapNs, value);
    }

    /// <summary>When the reader last took a frame (CLOCK_MONOTONIC ns), 0 before the first.</summary>
    public long TakenAtNs => Interlocked.Read(ref _takenAtNs);

    /// <summary>How long the reader usually holds a frame (smoothed), 0 until it has reported.</summary>
    public long ReaderBusyNs => Interlocked.Read(ref _readerBusyNs);

    /// <summary>The reader reports how long it worked on a frame, so a lossless writer can time the next one.</summary>
    public void ReportReaderBusy(long ns)
    {
        var current = Interlocked.Read(ref _readerBusyNs);
        Interlocked.Exchange(ref _readerBusyNs, current == 0 ? ns : current + (ns - current) / 8);
    }

    /// <summary>
    /// A slot for the writer to fill. In freshest mode it never waits. Otherwise it waits until the
    /// ready frame is taken, so the next frame is decoded while the current one is processed and at
    /// most one decoded frame ever queues (a frame read earlier would only age while it waits).
    /// </summary>
    public Frame? RentForWrite(CancellationToken stop)
    {
        lock (_gate)
        {
            while (_free.Count == 0 || (!_freshestOnly && _ready is not null))
            {
                if (stop.IsCancellationRequested || _completed) return null;
                Monitor.Wait(_gate, 100);
            }
            return _free.Pop();
        }
    }

    /// <summary>Gives back a slot the writer could not fill.</summary>
    public void ReturnUnwritten(Frame frame)
    {
        lock (_gate) _free.Push(frame);
    }

    /// <summary>Offers a filled frame to the reader.</summary>
    public void Publish(Frame frame, CancellationToken stop)
    {
        lock (_gate)
        {
            if (_ready is not null)
            {
                if (_freshestOnly)
                {
                    if (frame.CaptureNs - _ready.CaptureNs < _burstGapNs) _burst++;
                    else _dropped++;
                    _free.Push(_ready);
                }
                else
                {
                    while (_ready is not null && !stop.IsCancellationRequested) Monitor.Wait(_gate, 100);
                    if (_ready is not null) { _free.Push(frame); return; }
                }
            }
            _ready = frame;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The writer has no more frames.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The newest ready frame, or null after <paramref name="timeoutMs"/> or once completed and drained.</summary>
    public Frame? Take(int timeoutMs)
    {
        lock (_gate)
        {
            if (_ready is null && !_completed) Monitor.Wait(_gate, timeoutMs);
            var frame = _ready;
            _ready = null;
            if (frame is not null)
            {
                Interlocked.Exchange(ref _takenAtNs, MonotonicClock.NowNs());
                Monitor.PulseAll(_gate);
            }
            return frame;
        }
    }

    /// <summary>True once the writer completed and the last frame was taken.</summary>
    public bool IsDrained
    {
        get { lock (_gate) return _completed && _ready is null; }
    }

    public void Release(Frame frame)
    {
        lock (_gate)
        {
            _free.Push(frame);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Every slot, for start-up work such as pre-faulting buffers or a benchmark's fixed input.</summary>
    public IReadOnlyList<Frame> Slots => _all;

    public void Dispose()
    {
        foreach (var frame in _all) frame.Dispose();
    }
}
