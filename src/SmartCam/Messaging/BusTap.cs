using System.Text;
using SmartCam.Core;
using SmartCam.HandOver;

namespace SmartCam.Messaging;

/// <summary>One bus message copied for an in-process reader: its topic and body, in buffers made once.</summary>
public sealed class TappedMessage(int capacity = TappedMessage.Capacity)
{
    /// <summary>The HTTP server's copy's capacity (the default).</summary>
    public const int Capacity = 32 * 1024;
    private readonly byte[] _topic = new byte[256];
    private readonly byte[] _body = new byte[capacity];
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
/// A copy of every message the publish thread sends, for a reader in the same process, handed over through a
/// <see cref="SlotChannel{T}"/>: the publish thread copies into a buffer made at start-up and never waits. The reader
/// sees exactly the bytes ZeroMQ subscribers get.
/// <list type="bullet">
/// <item>The HTTP server's (the live view, the status API, the metrics): <see cref="FullMode.Freshest"/>, so when it falls
/// behind the oldest copies are dropped and counted.</item>
/// <item>The MQTT client's (<see cref="ForOffBox"/>): <see cref="FullMode.Lossless"/> without waiting, so when it falls
/// a whole queue behind the newest copy is not made, and counted; what is queued stays in order. No det. messages
/// unless it wants them.</item>
/// </list>
/// </summary>
public sealed class BusTap : IDisposable
{
    // An instance field, not a static one: no type initialiser for the publish thread to meet in Offer.
    private readonly byte[] _detPrefix = Encoding.UTF8.GetBytes(MessageNames.DetPrefix);
    private readonly SlotChannel<TappedMessage> _channel;
    private readonly bool _detections;
    private long _tooLarge, _full;

    /// <summary>Messages queued for the HTTP server before the oldest is dropped.</summary>
    public const int Depth = 64;

    /// <summary>The HTTP server's copy: every message, the oldest dropped when it falls behind.</summary>
    public BusTap() : this(Depth, FullMode.Freshest, TappedMessage.Capacity, detections: true, readable: null)
    {
    }

    private BusTap(int depth, FullMode mode, int capacity, bool detections, Wakeup? readable)
    {
        _channel = new SlotChannel<TappedMessage>(depth, mode, () => new TappedMessage(capacity), readable);
        _detections = detections;
    }

    /// <summary>
    /// A copy that drops nothing it has queued: evt. and status. messages, and det. messages when <paramref name="detections"/>;
    /// <paramref name="readable"/> is signalled on every message (the reader's own wake-up, which it may signal for other reasons too).
    /// </summary>
    public static BusTap ForOffBox(int depth, int capacity, bool detections, Wakeup readable) =>
        new(depth, FullMode.Lossless, capacity, detections, readable);

    /// <summary>Messages not copied because the reader was a whole queue behind (<see cref="ForOffBox"/> only).</summary>
    public long Full => Interlocked.Read(ref _full);

    /// <summary>The reader's side.</summary>
    public SlotChannel<TappedMessage> Messages => _channel;

    /// <summary>Copies dropped because the reader was behind.</summary>
    public long Dropped => _channel.Dropped;

    /// <summary>Messages not copied because they exceed <see cref="TappedMessage.Capacity"/>.</summary>
    public long TooLarge => Interlocked.Read(ref _tooLarge);

    /// <summary>On the publish thread, after each send.</summary>
    public void Offer(ReadOnlySpan<byte> topic, ReadOnlySpan<byte> body)
    {
        if (!_detections && topic.StartsWith(_detPrefix)) return;
        var item = _channel.Rent(CancellationToken.None, wait: false);
        if (item is null)
        {
            Interlocked.Increment(ref _full);
            return;
        }
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
