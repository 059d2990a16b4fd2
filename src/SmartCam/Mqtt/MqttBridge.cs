using System.Security.Authentication;
using System.Text;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartCam.Configuration;
using SmartCam.Core;
using SmartCam.HandOver;
using SmartCam.Messaging;

namespace SmartCam.Mqtt;

/// <summary>A start-up problem with the <c>mqtt:</c> section found by talking to the broker or the disk: one line naming the key.</summary>
public sealed class MqttStartException(string message) : Exception(message);

/// <summary>
/// <c>sc-mqtt</c>: events, status and (if asked) detections off the box to an MQTT broker (docs/mqtt.md). An ordinary
/// thread on the housekeeping CPUs reading its own copy of the bus (<see cref="BusTap.ForOffBox"/>: the publish thread
/// copies into buffers made at start-up and never waits), so a dead or slow broker costs the loop nothing.
/// <list type="bullet">
/// <item>Events go into the on-disk <see cref="Outbox"/> first, are synced once per batch (everything the hand-over held
/// when the thread woke), then sent at QoS 1, at most <see cref="Window"/> at a time, and leave the outbox when the broker
/// acknowledges them. After a lost connection the unacknowledged ones are sent again, in order.</item>
/// <item>Status messages go out retained (QoS 1) at most every <c>publish.status_s</c>, and at once when a camera's state,
/// zone counts or line counts changed (Home Assistant's sensors read them).</item>
/// <item>Detections, when asked, at QoS 0 and at most <c>publish.detections_fps</c> per camera, only while connected.</item>
/// </list>
/// The session is persistent (clean start false, <c>session_expiry_s</c>), the last will sets the availability topic
/// <c>offline</c> (retained), and a connection that fails is retried with a backoff of 1 s doubling to 5 s, logged once
/// per try.
/// </summary>
public sealed class MqttBridge : IDisposable
{
    /// <summary>Bus messages the hand-over holds before it refuses new ones (each up to <see cref="MessageCapacity"/>).</summary>
    public const int HandOverDepth = 512;
    public const int MessageCapacity = 16 * 1024;

    /// <summary>
    /// QoS 1 messages sent and not yet acknowledged, at most: events and control messages (availability, discovery,
    /// status) together. A broker that gets more than its receive maximum closes the connection; mosquitto's is 20, and a
    /// broker that announces fewer gets fewer.
    /// </summary>
    public const int Window = 20;

    /// <summary>Reconnect tries: at once, then after 1 s, doubling to 5 s (a broker back after an outage is found within 5 s; fifty boxes
    /// trying every 5 s are no load for a broker).</summary>
    private const long MinBackoffNs = 1_000_000_000, MaxBackoffNs = 5_000_000_000;
    /// <summary>At a stop, how long the events still in the outbox may take to go out (systemd gives the service 30 s to stop).</summary>
    private static readonly TimeSpan StopFlushLimit = TimeSpan.FromSeconds(10);

    private static readonly byte[] EvtPrefix = Encoding.UTF8.GetBytes(MessageNames.EvtPrefix),
        StatusPrefix = Encoding.UTF8.GetBytes(MessageNames.StatusPrefix), DetPrefix = Encoding.UTF8.GetBytes(MessageNames.DetPrefix);

    private readonly MqttConfig _config;
    private readonly SmartCamConfig _whole;
    private readonly ILogger _log;
    private readonly MqttTopics _topics;
    private readonly Wakeup _wake = new();
    private readonly Outbox? _outbox;
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _options;
    private readonly Queue<(Outbox.Entry Entry, Task<MqttClientPublishResult> Ack)> _inFlight = new();
    private readonly Queue<MqttApplicationMessage> _control = new();
    private readonly List<Task> _controlInFlight = [];
    private int _window = Window;
    private readonly Dictionary<string, (byte[] Json, string Signature, bool Sent, long SentNs)> _status = [];
    private readonly Dictionary<string, long> _detectionSentNs = [];
    private readonly long _statusIntervalNs, _detectionIntervalNs;
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;
    private volatile bool _stopping, _linkLost;
    private bool _connected, _announce, _diskFailing;
    private Task<MqttClientConnectResult>? _connecting;
    private long _nextConnectNs, _backoffNs = MinBackoffNs, _headSavedNs;
    private long _drainFromNs, _drainEvents; // a reconnect with events waiting: when, and how many
    private long _droppedLogged; // the outbox's dropped count as last logged
    private long _connects, _connectFailures, _eventsSent, _rejected, _statusSent, _detectionsSent;
    private readonly HashSet<string> _rejectionsLogged = [];

    /// <summary>The bus copy to hand to the publisher (<see cref="DetectionPublisher.Taps"/>).</summary>
    public BusTap Tap { get; }

    private MqttBridge(MqttConfig config, SmartCamConfig whole, Outbox? outbox, ILogger log)
    {
        _config = config;
        _whole = whole;
        _log = log;
        _outbox = outbox;
        _topics = new MqttTopics(config.TopicPrefix, config.DiscoveryPrefix);
        _statusIntervalNs = config.StatusS * 1_000_000_000L;
        _detectionIntervalNs = 1_000_000_000L / config.DetectionsFps;
        Tap = BusTap.ForOffBox(HandOverDepth, MessageCapacity, config.Detections, _wake);
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                _linkLost = true;
                _wake.Signal();
            }
            return Task.CompletedTask;
        };
        _options = Options(config);
    }

    public MqttTopics Topics => _topics;

    /// <summary>A read-only snapshot of the counters, from any thread.</summary>
    public MqttCounters Counters
    {
        get
        {
            var outbox = _outbox?.Counters ?? default;
            return new(Volatile.Read(ref _connected), Interlocked.Read(ref _connects), Interlocked.Read(ref _connectFailures), outbox.Events, outbox.Bytes,
                outbox.Dropped, outbox.Recovered, Interlocked.Read(ref _eventsSent), outbox.Acked, Interlocked.Read(ref _rejected), Tap.Full + Tap.TooLarge, outbox.Syncs);
        }
    }

    /// <summary>Status and detection messages sent (not in status.box: for tests and benchmarks).</summary>
    public (long Status, long Detections) Sent => (Interlocked.Read(ref _statusSent), Interlocked.Read(ref _detectionsSent));

    /// <summary>
    /// Opens the outbox and tries the broker once (up to the connect timeout): a refused login or a broker certificate not
    /// accepted is a <see cref="MqttStartException"/> naming the key, as is an outbox folder that cannot be used; a broker
    /// that cannot be reached is logged, and the events wait in the outbox.
    /// </summary>
    public static MqttBridge Start(MqttConfig config, SmartCamConfig whole, ILogger log)
    {
        Outbox? outbox = null;
        if (config.Events)
        {
            try
            {
                outbox = Outbox.Open(config.OutboxPath, config.OutboxMaxBytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new MqttStartException($"mqtt.outbox.path: cannot use '{config.OutboxPath}': {e.Message}; expected a folder SmartCam can write (on the box: /var/lib/smartcam/mqtt-outbox)");
            }
            if (outbox.RecoveryNote is { } note) log.LogInformation("MQTT outbox: {Note}", note);
        }
        var bridge = new MqttBridge(config, whole, outbox, log);
        try
        {
            bridge.FirstConnect();
        }
        catch
        {
            bridge.Dispose();
            throw;
        }
        bridge._thread = new Thread(bridge.Run) { Name = "sc-mqtt", IsBackground = true };
        bridge._thread.Start();
        return bridge;
    }

    private static MqttClientOptions Options(MqttConfig config)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(config.Host, config.Port)
            .WithClientId(config.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)config.SessionExpiryS)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(config.KeepAliveS))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(config.TopicPrefix + "/availability")
            .WithWillPayload(MqttTopics.Offline)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (config.Username is not null) builder.WithCredentials(config.Username, config.Password ?? "");
        if (config.Tls)
        {
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls().WithTargetHost(config.Host).WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13);
                if (config.TrustedCas is { } cas) tls.WithTrustChain(cas);
                if (config.ClientCertificate is { } cert) tls.WithClientCertificates([cert]);
                if (config.Insecure) tls.WithCertificateValidationHandler(_ => true);
            });
        }
        return builder.Build();
    }

    private void FirstConnect()
    {
        _connecting = _client.ConnectAsync(_options, _stop.Token);
        try
        {
            _connecting.Wait(TimeSpan.FromSeconds(12));
        }
        catch (AggregateException)
        {
            // Looked at below.
        }
        if (!_connecting.IsCompleted) return; // still trying: the thread takes it from here
        var problem = ConnectProblem(_connecting, out var fatalKey);
        if (problem is null)
        {
            OnConnected(_connecting.Result);
            return;
        }
        _connecting = null;
        if (fatalKey is not null) throw new MqttStartException($"{fatalKey}: {problem}");
        Interlocked.Increment(ref _connectFailures);
        _log.LogWarning("MQTT: {Url}: {Problem}; events wait in the outbox ({Path}); retrying", _config.Url, problem, _config.OutboxPath);
        _nextConnectNs = MonotonicClock.NowNs() + _backoffNs;
    }

    /// <summary>Why a finished connect attempt failed (null: it did not), and the key to name when it is the config's fault.</summary>
    private string? ConnectProblem(Task<MqttClientConnectResult> attempt, out string? key)
    {
        key = null;
        if (attempt.IsCompletedSuccessfully)
        {
            var result = attempt.Result;
            if (result.ResultCode == MqttClientConnectResultCode.Success) return null;
            return Refused(result.ResultCode, result.ReasonString, out key);
        }
        var error = attempt.Exception?.GetBaseException() ?? new TimeoutException("no answer");
        for (Exception? e = attempt.Exception; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException tls)
            {
                key = _config.TrustedCas is not null ? "mqtt.tls.ca_file" : "mqtt.url";
                return $"the TLS handshake with {_config.Host}:{_config.Port} failed: {tls.Message}" +
                    (_config.TrustedCas is not null ? "; expected the CA that signed the broker's certificate (and a client certificate it accepts)"
                        : "; the broker's certificate is not signed by a CA this box trusts: set mqtt.tls.ca_file");
            }
            // MQTTnet 5 says a refused CONNACK in the message only ("Connecting with MQTT server failed (BadUserNameOrPassword)…").
            if (e is MQTTnet.Adapter.MqttConnectingFailedException)
                foreach (var code in Enum.GetValues<MqttClientConnectResultCode>())
                    if (code != MqttClientConnectResultCode.Success && e.Message.Contains(code.ToString(), StringComparison.Ordinal))
                        return Refused(code, null, out key);
        }
        return $"cannot connect: {error.Message}";
    }

    private string Refused(MqttClientConnectResultCode code, string? reason, out string? key)
    {
        key = code is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized or MqttClientConnectResultCode.BadAuthenticationMethod
            ? (_config.Username is null ? "mqtt.username" : "mqtt.password_file")
            : code is MqttClientConnectResultCode.ClientIdentifierNotValid or MqttClientConnectResultCode.Banned ? "mqtt.client_id" : null;
        return $"the broker at {_config.Url} refused the connection: {code}{(string.IsNullOrEmpty(reason) ? "" : $" ({reason})")}" +
            (key is "mqtt.username" or "mqtt.password_file" ? $" as {(_config.Username is null ? "an anonymous client" : $"user '{_config.Username}'")}; expected a login the broker accepts" : "");
    }

    private void OnConnected(MqttClientConnectResult result)
    {
        _connecting = null;
        _window = Math.Clamp((int)(result.ReceiveMaximum ?? Window), 1, Window);
        Volatile.Write(ref _connected, true);
        Interlocked.Increment(ref _connects);
        _backoffNs = MinBackoffNs;
        _announce = true;
        _outbox?.Rewind();
        _drainEvents = _outbox?.Pending ?? 0;
        _drainFromNs = _drainEvents > 0 ? MonotonicClock.NowNs() : 0;
        _log.LogInformation("MQTT: connected to {Url} as {ClientId}; {Pending} event(s) in the outbox", _config.Url, _config.ClientId, _drainEvents);
    }

    private void Run()
    {
        var stopAt = DateTime.MaxValue;
        while (true)
        {
            // Read before the drain: the flag is set after the publish thread's last message, so a drain that follows
            // seeing it takes every message. Read after, a message written during the drain would be left behind.
            var stopping = _stopping;
            try
            {
                Drain();
                _outbox?.Sync();
                LogDrops();
                KeepConnected();
                TakeAcks();
                if (_connected)
                {
                    if (_announce) Announce();
                    SendStatus(force: false);
                    SendControl();
                    SendEvents();
                }
                SaveHeadNowAndThen();
                _diskFailing = false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The data partition full or gone: the event being written is lost (said once until it works again); the
                // loop is not affected, and the thread tries again in a second.
                if (!_diskFailing) _log.LogError("MQTT outbox {Path}: {Error}; events that cannot be written are lost until it works again", _config.OutboxPath, e.Message);
                _diskFailing = true;
                _wake.Wait(1_000_000_000);
            }
            if (stopping)
            {
                if (stopAt == DateTime.MaxValue) stopAt = DateTime.UtcNow + StopFlushLimit;
                // Done when everything went out and was acknowledged, or there is no broker to wait for.
                var drained = Tap.Messages.Count == 0 && _inFlight.Count == 0 && _control.Count == 0 && _controlInFlight.TrueForAll(t => t.IsCompleted)
                    && (_outbox is null || _outbox.Pending == 0);
                if (drained || !_connected || DateTime.UtcNow >= stopAt) break;
            }
            _wake.Wait(_inFlight.Count > 0 || _connecting is not null ? 5_000_000 : 100_000_000);
        }
        Finish();
    }

    /// <summary>Everything the hand-over holds: events into the outbox, the latest status per topic, detections out if due.</summary>
    private void Drain()
    {
        var channel = Tap.Messages;
        while (channel.TryRead(out var message))
        {
            try
            {
                var topic = message.Topic;
                if (topic.StartsWith(EvtPrefix))
                {
                    _outbox?.Append(topic, message.Body);
                }
                else if (topic.StartsWith(StatusPrefix))
                {
                    var name = Encoding.UTF8.GetString(topic);
                    var json = message.Body.ToArray();
                    var signature = Signature(json);
                    var changed = !_status.TryGetValue(name, out var last) || last.Signature != signature;
                    _status[name] = (json, signature, Sent: !changed && last.Sent, last.SentNs);
                }
                else if (topic.StartsWith(DetPrefix) && _connected)
                {
                    // Paced by the messages' own publish times, so a thread that fell behind does not send a burst.
                    var name = Encoding.UTF8.GetString(topic);
                    var publishedNs = TopLevelJson.Long(message.Body, MessageNames.TsPublishNs);
                    if (!_detectionSentNs.TryGetValue(name, out var sent) || publishedNs - sent >= _detectionIntervalNs)
                    {
                        _detectionSentNs[name] = publishedNs;
                        Publish(_topics.ForBus(name)!, message.Body.ToArray(), MqttQualityOfServiceLevel.AtMostOnce, retain: false);
                        Interlocked.Increment(ref _detectionsSent);
                    }
                }
            }
            finally
            {
                channel.Release(message);
            }
        }
    }

    /// <summary>One line each time the full outbox drops its oldest events (a sixteenth of it at a time, so rarely).</summary>
    private void LogDrops()
    {
        if (_outbox is null) return;
        var dropped = _outbox.Counters.Dropped;
        if (dropped == _droppedLogged) return;
        _log.LogWarning("MQTT outbox {Path} full ({MaxMb} MB): dropped its {Count} oldest event(s), {Total} since start; the broker at {Url} has been unreachable",
            _config.OutboxPath, Math.Round(_config.OutboxMaxBytes / (1024.0 * 1024.0), 2), dropped - _droppedLogged, dropped, _config.Url);
        _droppedLogged = dropped;
    }

    /// <summary>What makes a status worth sending at once: the state, the zone counts and the line counts (Home Assistant's sensors).</summary>
    private static string Signature(byte[] json)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            var root = doc.RootElement;
            var text = new StringBuilder();
            if (root.TryGetProperty(MessageNames.State, out var state)) text.Append(state.GetString());
            if (root.TryGetProperty(MessageNames.Zones, out var zones)) text.Append(zones.GetRawText());
            if (root.TryGetProperty(MessageNames.Lines, out var lines)) text.Append(lines.GetRawText());
            return text.ToString();
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }

    private void KeepConnected()
    {
        if (_linkLost)
        {
            _linkLost = false;
            if (_connected)
            {
                Volatile.Write(ref _connected, false);
                _inFlight.Clear(); // their acknowledgements will never come: the outbox sends them again
                _control.Clear(); // availability, discovery and every status go again on the next connect
                _controlInFlight.Clear();
                _outbox?.Rewind();
                _nextConnectNs = MonotonicClock.NowNs(); // at once; then with the backoff
                _log.LogWarning("MQTT: the connection to {Url} was lost; reconnecting, {Pending} event(s) in the outbox", _config.Url, _outbox?.Pending ?? 0);
            }
        }
        if (_connected || _stopping) return;
        if (_connecting is { IsCompleted: true } attempt)
        {
            _connecting = null;
            var problem = ConnectProblem(attempt, out _);
            if (problem is null && _client.IsConnected)
            {
                OnConnected(attempt.Result);
                return;
            }
            Interlocked.Increment(ref _connectFailures);
            // Once per try, and the tries back off: a refused login at run time is retried, never a crash.
            _log.LogWarning("MQTT: {Url}: {Problem}; retrying in {Seconds} s, {Pending} event(s) in the outbox", _config.Url, problem ?? "disconnected at once",
                _backoffNs / 1_000_000_000, _outbox?.Pending ?? 0);
            _nextConnectNs = MonotonicClock.NowNs() + _backoffNs;
            _backoffNs = Math.Min(MaxBackoffNs, 2 * _backoffNs);
            return;
        }
        if (_connecting is null && MonotonicClock.NowNs() >= _nextConnectNs)
            _connecting = _client.ConnectAsync(_options, _stop.Token);
    }

    /// <summary>Acknowledgements in the order the events went out; an event leaves the outbox only when acknowledged.</summary>
    private void TakeAcks()
    {
        while (_inFlight.TryPeek(out var sent) && sent.Ack.IsCompleted)
        {
            _inFlight.Dequeue();
            if (!sent.Ack.IsCompletedSuccessfully)
            {
                // A broken connection (or the stop): it goes again after the reconnect. Anything else (an event too large
                // for the broker, …) would fail again every time and hold up every event behind it: dropped like a refusal.
                var error = sent.Ack.Exception?.GetBaseException();
                if (error is null or MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or ObjectDisposedException) continue;
                Reject(error.GetType().Name, error.Message);
            }
            else if (sent.Ack.Result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers) and var code)
            {
                Reject(code.ToString(), sent.Ack.Result.ReasonString);
            }
            _outbox!.Ack(sent.Entry);
        }
        if (_drainFromNs != 0 && _outbox is { Pending: 0 })
        {
            _log.LogInformation("MQTT: outbox drained: {Events} event(s) waiting at the reconnect, all acknowledged {Ms} ms after it", _drainEvents,
                (MonotonicClock.NowNs() - _drainFromNs) / 1_000_000);
            _drainFromNs = 0;
        }
    }

    /// <summary>An event the broker will never take: counted, logged once per kind, and let go.</summary>
    private void Reject(string kind, string? why)
    {
        Interlocked.Increment(ref _rejected);
        if (_rejectionsLogged.Add(kind))
            _log.LogError("MQTT: an event on {Topic} was refused: {Kind}{Why}; events refused so are dropped (counted in status.box mqtt.rejected)",
                _topics.Prefix + "/events/…", kind, string.IsNullOrEmpty(why) ? "" : $" ({why})");
    }

    private void SendEvents()
    {
        if (_outbox is null) return;
        while (_inFlight.Count + _controlInFlight.Count < _window && _outbox.TryNext(out var entry, out var busTopic, out var body))
        {
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(_topics.ForBus(busTopic) ?? _topics.Events(busTopic))
                .WithPayload(body)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithContentType("application/json")
                .Build();
            _inFlight.Enqueue((entry, _client.PublishAsync(message, _stop.Token)));
            Interlocked.Increment(ref _eventsSent);
        }
    }

    /// <summary>On each connect: <c>online</c>, Home Assistant's configs, and every status again.</summary>
    private void Announce()
    {
        _announce = false;
        _control.Enqueue(Retained(_topics.Availability, Encoding.UTF8.GetBytes(MqttTopics.Online)));
        if (_config.Discovery)
            foreach (var (topic, payload) in HomeAssistantDiscovery.Build(_config, _whole, _topics))
                _control.Enqueue(Retained(topic, payload));
        SendStatus(force: true);
    }

    /// <summary>Status messages due (or changed) into the control queue; one whose turn comes while the queue is long waits for the next round.</summary>
    private void SendStatus(bool force)
    {
        var now = MonotonicClock.NowNs();
        foreach (var name in _status.Keys.ToArray())
        {
            var (json, signature, sent, sentNs) = _status[name];
            if (!force && sent && now - sentNs < _statusIntervalNs) continue;
            if (_control.Count >= 4 * Window) break;
            _control.Enqueue(Retained(_topics.ForBus(name)!, json));
            Interlocked.Increment(ref _statusSent);
            _status[name] = (json, signature, true, now);
        }
    }

    private static MqttApplicationMessage Retained(string topic, byte[] payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build();

    /// <summary>Control messages, within the window they share with the events (first: Home Assistant needs its configs before the states).</summary>
    private void SendControl()
    {
        _controlInFlight.RemoveAll(t => t.IsCompleted);
        while (_control.Count > 0 && _inFlight.Count + _controlInFlight.Count < _window)
            _controlInFlight.Add(_client.PublishAsync(_control.Dequeue(), _stop.Token).ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted));
    }

    /// <summary>Fire and forget (detections, at QoS 0): a failure is a lost connection, which the thread sees anyway.</summary>
    private void Publish(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build();
        _ = _client.PublishAsync(message, _stop.Token).ContinueWith(t => _ = t.Exception, TaskContinuationOptions.OnlyOnFaulted);
    }

    private void SaveHeadNowAndThen()
    {
        var now = MonotonicClock.NowNs();
        if (_outbox is null || now - _headSavedNs < 1_000_000_000) return;
        _headSavedNs = now;
        _outbox.SaveHead();
    }

    /// <summary>After the last message: <c>offline</c> (a clean stop sends no last will), a clean disconnect, the outbox's head saved.</summary>
    private void Finish()
    {
        if (_connected)
        {
            try
            {
                var offline = new MqttApplicationMessageBuilder().WithTopic(_topics.Availability).WithPayload(MqttTopics.Offline)
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build();
                _client.PublishAsync(offline).Wait(TimeSpan.FromSeconds(2));
                _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build()).Wait(TimeSpan.FromSeconds(2));
            }
            catch (AggregateException)
            {
                // The broker went away as we stopped: the last will says offline.
            }
        }
        Volatile.Write(ref _connected, false);
        if (_outbox is { Pending: > 0 } outbox)
            _log.LogInformation("MQTT: {Pending} event(s) left in the outbox {Path}, {Dropped} dropped since start because it was full; they go out after the next start",
                outbox.Pending, _config.OutboxPath, outbox.Counters.Dropped);
    }

    public void Dispose()
    {
        _stopping = true;
        _wake.Signal();
        if (_thread is { IsAlive: true }) _thread.Join();
        _stop.Cancel();
        _client.Dispose();
        _outbox?.Dispose();
        Tap.Dispose();
        _wake.Dispose();
        _stop.Dispose();
    }
}
