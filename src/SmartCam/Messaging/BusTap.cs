using SmartCam.HandOver;

namespace SmartCam.Messaging;

/// <summary>One bus message copied for an in-process reader: its topic and body, in buffers made once.</summary>
public sealed class TappedMessage
{
    public const int Capacity = 32 * 1024;
    private readonly byte[] _topic = new byte[256];
    private readonly byte[] _body = new byte[Capacity];
    private int _topicLength, _bodyLength;

    public ReadOnlySpan<byte> Topic => _topic.AsSpan(0, _topicLength);
    public ReadOnlySpan<byte> Body => _body.AsSpan(0, _bodyLength);

    internal bool TryFill(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> body)
    {
        if (topic.Length > _topic.Length || body.Length > _body.Length) return false;
        topic.CopyTo(_topic);
        body.CopyTo(_body);
        _topicLength = topic.Length;
        _bodyLength = body.Length;
        return true;
    }
}

/// <summary>
/// A copy of every message the publish thread sends, for the HTTP server in the same process (the live view, the
/// status API, the metrics), handed over through a <see cref="FullMode.Freshest"/> <see cref="SlotChannel{T}"/>: the
/// publish thread copies into a buffer made at start-up and never waits; when the reader falls behind the oldest
/// copies are dropped and counted. The reader sees exactly the bytes ZeroMQ subscribers get.
/// </summary>
public sealed class BusTap : IDisposable
{
    private readonly SlotChannel<TappedMessage> _channel = new(Depth, FullMode.Freshest, () => new TappedMessage());
    private long _tooLarge;

    /// <summary>Messages queued for the reader before the oldest is dropped.</summary>
    public const int Depth = 64;

    /// <summary>The reader's side.</summary>
    public SlotChannel<TappedMessage> Messages => _channel;

    /// <summary>Copies dropped because the reader was behind.</summary>
    public long Dropped => _channel.Dropped;

    /// <summary>Messages not copied because they exceed <see cref="TappedMessage.Capacity"/>.</summary>
    public long TooLarge => Interlocked.Read(ref _tooLarge);

    /// <summary>On the publish thread, after each send.</summary>
    public void Offer(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> body)
    {
        var item = _channel.Rent(CancellationToken.None, wait: false);
        if (item is null) return;
        if (!item.TryFill(topic, body))
        {
            _channel.ReturnUnwritten(item);
            Interlocked.Increment(ref _tooLarge);
            return;
        }
        _channel.Write(item);
    }

    public void Dispose() => _channel.Dispose();
}
