using SmartCam.Core;

namespace SmartCam.Mqtt;

/// <summary>
/// The MQTT topics, all under <c>mqtt.topic_prefix</c> (docs/mqtt.md#topics), named once. Each bus topic has one MQTT
/// topic: <c>evt.CAM</c> → <c>PREFIX/events/CAM</c>, <c>status.CAM</c> → <c>PREFIX/status/CAM</c> (<c>status.box</c> →
/// <c>PREFIX/status/box</c>), <c>det.CAM</c> → <c>PREFIX/detections/CAM</c>; the payloads are the bus's JSON, unchanged.
/// </summary>
public sealed class MqttTopics(string prefix, string discoveryPrefix)
{
    public const string Online = "online", Offline = "offline";

    public string Prefix { get; } = prefix;

    /// <summary>Home Assistant's discovery prefix (<c>mqtt.home_assistant.prefix</c>).</summary>
    public string DiscoveryPrefix { get; } = discoveryPrefix;

    /// <summary>Retained <see cref="Online"/> while connected, <see cref="Offline"/> after a clean stop or (the last will) a lost connection.</summary>
    public string Availability => Prefix + "/availability";

    public string Events(string camera) => $"{Prefix}/events/{camera}";
    public string Status(string camera) => $"{Prefix}/status/{camera}";
    public string Detections(string camera) => $"{Prefix}/detections/{camera}";

    /// <summary>The MQTT topic of a bus topic; null for one that does not go off the box.</summary>
    public string? ForBus(string busTopic) =>
        busTopic.StartsWith(MessageNames.EvtPrefix, StringComparison.Ordinal) ? Events(busTopic[MessageNames.EvtPrefix.Length..])
        : busTopic.StartsWith(MessageNames.StatusPrefix, StringComparison.Ordinal) ? Status(busTopic[MessageNames.StatusPrefix.Length..])
        : busTopic.StartsWith(MessageNames.DetPrefix, StringComparison.Ordinal) ? Detections(busTopic[MessageNames.DetPrefix.Length..])
        : null;
}
