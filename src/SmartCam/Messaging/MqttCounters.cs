namespace SmartCam.Messaging;

/// <summary>
/// What <c>status.box</c>'s <c>mqtt</c> object says about the MQTT client (docs/mqtt.md#counters): a read-only snapshot its
/// thread fills (<c>Mqtt/MqttBridge</c>), counts since start. Declared here, where status.box is written, so this stage
/// needs nothing of the MQTT one.
/// </summary>
/// <param name="OutboxEvents">Events waiting for the broker's acknowledgement (on disk).</param>
/// <param name="OutboxBytes">The outbox's files' size.</param>
/// <param name="OutboxDropped">Events dropped unacknowledged because the outbox was full (the oldest first).</param>
/// <param name="OutboxRecovered">Events found in the outbox at start, left by an earlier run.</param>
/// <param name="Rejected">Events the broker answered with an error code (not authorised for the topic, …): logged, not sent again.</param>
/// <param name="HandOverDropped">Bus messages not taken because the MQTT thread was a whole hand-over queue behind.</param>
public readonly record struct MqttCounters(bool Connected, long Connects, long ConnectFailures, long OutboxEvents, long OutboxBytes, long OutboxDropped,
    long OutboxRecovered, long EventsSent, long EventsAcked, long Rejected, long HandOverDropped, long Syncs);
