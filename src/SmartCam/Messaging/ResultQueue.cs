using SmartCam.Capture;

namespace SmartCam.Messaging;

/// <summary>
/// A bounded first-in first-out hand-over of <see cref="DetectionResult"/>s from the inference thread to
/// the publish thread over a fixed set of records. The producer never waits: if every record is still
/// queued (the publish thread stalled), the newest result is not published and is counted instead.
/// </summary>
public sealed class ResultQueue
{
    private readonly object _gate = new();
    private readonly Stack<DetectionResult> _free;
    private readonly Queue<DetectionResult> _queued;
    private bool _completed;

    public ResultQueue(int capacity, int maxDetections, int maxEvents = 0, int zones = 0)
    {
        _free = new Stack<DetectionResult>(capacity);
        _queued = new Queue<DetectionResult>(capacity);
        for (var i = 0; i < capacity; i++)
        {
            var result = new DetectionResult(maxDetections, maxEvents, zones);
            result.Prefault();
            _free.Push(result);
        }
        LockWarmup.Prepare(_gate);
    }

    /// <summary>Results that could not be queued because the publish thread fell behind.</summary>
    public long Overflowed { get; private set; }

    /// <summary>
    /// A free record to fill, or null (counted) when none is free. With <paramref name="wait"/> (file sources, whose
    /// every frame must be published for a replay to be complete) it waits for the publish thread to free one;
    /// that thread never blocks on a subscriber, so this waits only while it is starved of CPU.
    /// </summary>
    public DetectionResult? Rent(bool wait = false, CancellationToken stop = default)
    {
        lock (_gate)
        {
            while (wait && _free.Count == 0 && !_completed && !stop.IsCancellationRequested) Monitor.Wait(_gate, 100);
            if (_free.Count > 0) return _free.Pop();
            Overflowed++;
            return null;
        }
    }

    public void Enqueue(DetectionResult result)
    {
        lock (_gate)
        {
            _queued.Enqueue(result);
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>The oldest queued result, or null after <paramref name="timeoutMs"/> or once completed and drained.</summary>
    public DetectionResult? Take(int timeoutMs)
    {
        lock (_gate)
        {
            if (_queued.Count == 0 && !_completed) Monitor.Wait(_gate, timeoutMs);
            return _queued.Count > 0 ? _queued.Dequeue() : null;
        }
    }

    public void Return(DetectionResult result)
    {
        lock (_gate)
        {
            _free.Push(result);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>No more results will come.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    public bool IsDrained
    {
        get { lock (_gate) return _completed && _queued.Count == 0; }
    }
}
