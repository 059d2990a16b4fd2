using System.Collections;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using NetMQ;
using NetMQ.Sockets;

namespace SmartCam.Messaging;

/// <summary>An endpoint that cannot be bound: the message names the endpoint and the cause.</summary>
public sealed class PublishException(string message) : Exception(message);

/// <summary>
/// The bus: a ZeroMQ publisher bound to <c>publish.endpoint</c> sending two-frame messages (topic, JSON).
/// It is an XPUB socket so it can see subscriptions arrive, which lets a file run wait for its subscribers
/// (ZeroMQ drops what is sent before a subscriber is connected). Sending never blocks: past the send
/// high-water mark a slow subscriber loses messages and the camera does not wait. Use from one thread.
/// Messages go out as <see cref="Msg"/>s over a ring of our own arrays (NetMQ's own buffer pool costs
/// about 800 B per message). A message keeps its array until the socket has written it, so the ring
/// is several times the high-water mark: an array comes round again only long after its message left.
/// </summary>
public sealed class DetectionPublisher : IDisposable
{
    private readonly XPublisherSocket _socket;
    private readonly byte[][] _ring;
    private int _next;
    private int _subscriptions;
    private readonly object? _distribution;
    private readonly ICollection? _pipes;

    /// <param name="curveSecretKey">The server's CURVE secret key: subscribers must use CURVE with its public key. Null: plain text.</param>
    /// <param name="sendBufferBytes">SO_SNDBUF per subscriber; 0: the kernel's automatic sizing.</param>
    public DetectionPublisher(string endpoint, int sendHighWatermark, int lingerMs, byte[]? curveSecretKey = null, int sendBufferBytes = 0)
    {
        _ring = new byte[Math.Max(256, 4 * sendHighWatermark)][];
        for (var i = 0; i < _ring.Length; i++) _ring[i] = new byte[4096];
        _socket = new XPublisherSocket();
        _socket.Options.SendHighWatermark = sendHighWatermark;
        _socket.Options.Linger = TimeSpan.FromMilliseconds(lingerMs);
        if (sendBufferBytes > 0) _socket.Options.SendBuffer = sendBufferBytes;
        if (curveSecretKey is not null)
        {
            _socket.Options.CurveServer = true;
            _socket.Options.CurveCertificate = NetMQCertificate.CreateFromSecretKey(curveSecretKey);
        }
        (_distribution, _pipes) = FindDistribution(_socket);
        // Verbose: every subscription is passed up, not just the first per topic, so subscribers can be counted.
        _socket.Options.XPubVerbose = true;
        try
        {
            _socket.Bind(endpoint);
        }
        catch (AddressAlreadyInUseException)
        {
            _socket.Dispose();
            throw new PublishException($"publish.endpoint {endpoint}: address already in use (another SmartCam or program is bound to it); choose another port");
        }
        catch (NetMQException e)
        {
            _socket.Dispose();
            // NetMQ's message is often just "Exception of type 'NetMQ.NetMQException' was thrown."; its error code says what happened.
            var why = e.ErrorCode == ErrorCode.AddressNotAvailable
                ? "the address is not one of this box's; expected 127.0.0.1, 0.0.0.0 or an address of one of its interfaces"
                : $"{e.ErrorCode}";
            throw new PublishException($"publish.endpoint {endpoint}: cannot bind: {why}");
        }
        catch (System.Net.Sockets.SocketException e)
        {
            _socket.Dispose(); // NetMQ resolves the host name itself, and lets the lookup's failure through
            throw new PublishException($"publish.endpoint {endpoint}: cannot bind: {e.Message}; expected tcp://HOST:PORT with a host name or address of this box");
        }
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    public long Sent { get; private set; }

    /// <summary>
    /// Messages not queued for a subscriber because its queue was at the send high-water mark, one per
    /// subscriber per message; -1 when this NetMQ build's internals could not be read (see <see cref="FindDistribution"/>).
    /// </summary>
    public long DroppedAtHwm { get; private set; }

    /// <summary>In-process readers (the HTTP server, the MQTT client): every message sent is also copied to each; set before the pipeline starts.</summary>
    public BusTap[] Taps { get; set; } = [];

    /// <summary>Sends topic then body; <paramref name="topic"/> must never change (it is sent without a copy).</summary>
    public void Send(byte[] topic, ReadOnlySpan<byte> body)
    {
        var slot = _ring[_next];
        if (slot.Length < body.Length) _ring[_next] = slot = new byte[Math.Max(body.Length, 2 * slot.Length)];
        _next = (_next + 1) % _ring.Length;
        body.CopyTo(slot);

        var msg = new Msg();
        msg.InitGC(topic, topic.Length);
        _socket.TrySend(ref msg, TimeSpan.Zero, more: true);
        msg.Close();
        msg.InitGC(slot, body.Length);
        _socket.TrySend(ref msg, TimeSpan.Zero, more: false);
        msg.Close();
        Sent++;
        foreach (var tap in Taps) tap.Offer(topic, body);
        if (_pipes is not null) DroppedAtHwm += _pipes.Count - Eligible(_distribution!);
        else DroppedAtHwm = -1;
    }

    // NetMQ's XPUB never reports a full subscriber queue: TrySend returns true and the message is dropped for
    // that subscriber (Distribution.Write fails and moves the pipe to the passive end of its list until the
    // subscriber reads again). So the count is read where NetMQ keeps it: the pipes past m_eligible are the
    // full ones, each of which has just missed this message. Only this thread touches the socket, and NetMQ
    // changes those lists only inside socket calls on this thread, so reading them after a send is safe.
    // The two objects are found once by reflection on constant names (trim-analysable); the per-message read
    // is an UnsafeAccessor, a plain field load with no allocation. Names are those of NetMQ 4.0.4.5
    // (NetMQSocket.SocketHandle, Core/Patterns/XPub.cs m_distribution, Core/Patterns/Utils/Distribution.cs).
    private const string DistributionType = "NetMQ.Core.Patterns.Utils.Distribution, NetMQ";

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_SocketHandle")]
    [return: UnsafeAccessorType("NetMQ.Core.SocketBase, NetMQ")]
    private static extern object SocketHandle(NetMQSocket socket);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "m_eligible")]
    private static extern ref int Eligible([UnsafeAccessorType(DistributionType)] object distribution);

    /// <summary>The XPUB's distribution and its list of subscriber pipes; nulls (the count turns -1) if a newer NetMQ renamed them.</summary>
    private static (object?, ICollection?) FindDistribution(XPublisherSocket socket)
    {
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
        try
        {
            var distribution = Type.GetType("NetMQ.Core.Patterns.XPub, NetMQ")?.GetField("m_distribution", Private)?.GetValue(SocketHandle(socket));
            if (distribution is null) return (null, null);
            if (Type.GetType(DistributionType)?.GetField("m_pipes", Private)?.GetValue(distribution) is not ICollection pipes) return (null, null);
            _ = Eligible(distribution);
            return (distribution, pipes);
        }
        catch (Exception e) when (e is MissingMemberException or TypeLoadException or ArgumentException or NotSupportedException)
        {
            return (null, null);
        }
    }

    /// <summary>
    /// Reads subscription notices so they do not pile up; returns the running count of subscriptions that match
    /// one of <paramref name="topics"/> (the topics this box publishes: a subscriber to anything we send counts).
    /// </summary>
    public int PollSubscriptions(byte[][] topics, TimeSpan wait = default)
    {
        while (_socket.TryReceiveFrameBytes(wait, out var notice))
        {
            wait = TimeSpan.Zero;
            // 1 = subscribe, 0 = unsubscribe, then the prefix; a prefix matches when one of our topics starts with it.
            if (notice.Length == 0 || !AnyStartsWith(topics, notice.AsSpan(1))) continue;
            if (notice[0] == 1) _subscriptions++;
            else if (notice[0] == 0 && _subscriptions > 0) _subscriptions--;
        }
        return _subscriptions;
    }

    private static bool AnyStartsWith(byte[][] topics, ReadOnlySpan<byte> prefix)
    {
        foreach (var topic in topics)
            if (topic.AsSpan().StartsWith(prefix)) return true;
        return false;
    }

    /// <summary>Waits until <paramref name="count"/> subscriptions matching one of <paramref name="topics"/> exist; false on timeout or stop.</summary>
    public bool WaitForSubscribers(byte[][] topics, int count, TimeSpan timeout, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        while (PollSubscriptions(topics, TimeSpan.FromMilliseconds(20)) < count)
            if (clock.Elapsed >= timeout || stop.IsCancellationRequested) return false;
        return true;
    }

    public void Dispose() => _socket.Dispose();
}
