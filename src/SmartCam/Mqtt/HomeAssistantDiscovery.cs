using System.Buffers;
using System.Net;
using System.Text.Json;
using SmartCam.Configuration;
using SmartCam.Core;

namespace SmartCam.Mqtt;

/// <summary>
/// Home Assistant's MQTT discovery configs for every camera (docs/mqtt.md#home-assistant), published retained on each
/// connect: a binary sensor per zone (occupied), three sensors per line (crossings in, out and in total), the camera's
/// frame rate and its detector's load. All read the retained status topics with templates, so Home Assistant needs no
/// topic of its own; all share the box's availability topic (the last will turns them unavailable). Fields are those
/// of Home Assistant's MQTT binary_sensor and sensor integrations (https://www.home-assistant.io/integrations/mqtt/).
/// </summary>
public static class HomeAssistantDiscovery
{
    public const string Manufacturer = "SmartCam";

    /// <summary>Each config's topic (<c>PREFIX/COMPONENT/NODE/OBJECT/config</c>) and JSON payload.</summary>
    public static IReadOnlyList<(string Topic, byte[] Payload)> Build(MqttConfig mqtt, SmartCamConfig config, MqttTopics topics)
    {
        var node = Slug(mqtt.ClientId);
        var configs = new List<(string, byte[])>();
        for (var c = 0; c < config.Cameras.Count; c++)
        {
            var camera = config.Cameras[c];
            var id = camera.Id;
            var device = new Device($"smartcam_{node}_{Slug(id)}", $"{mqtt.ClientId} {id}", LivePage(config.Http, id));
            var status = topics.Status(id);
            foreach (var zone in camera.Scene.Zones)
                configs.Add(Entity("binary_sensor", node, $"{id}_zone_{zone.Name}", $"{zone.Name} occupied", status,
                    $"{{{{ 'ON' if (value_json.zones['{zone.Name}'] | int(0)) > 0 else 'OFF' }}}}", device, topics,
                    deviceClass: "occupancy"));
            foreach (var line in camera.Scene.Lines)
                foreach (var (field, what) in new[] { (MessageNames.Total, "crossings"), (MessageNames.In, "crossings in"), (MessageNames.Out, "crossings out") })
                    configs.Add(Entity("sensor", node, $"{id}_line_{line.Name}_{field}", $"{line.Name} {what}", status,
                        $"{{{{ value_json.lines['{line.Name}'].{field} }}}}", device, topics, stateClass: "total_increasing", icon: "mdi:transit-transfer"));
            configs.Add(Entity("sensor", node, $"{id}_fps", "frame rate", status, "{{ value_json.fps }}", device, topics,
                stateClass: "measurement", unit: "fps", icon: "mdi:speedometer",
                attributesTemplate: device.LiveUrl is null ? null : $"{{{{ {{'mjpeg_url': '{device.LiveUrl.Mjpeg}', 'state': value_json.state}} | tojson }}}}"));
            var instance = c % Math.Max(1, config.Model.Instances);
            configs.Add(Entity("sensor", node, $"{id}_detector_load", "detector load", topics.Status(BoxStatus.Id),
                $"{{{{ (value_json.detectors[{instance}].load * 100) | round(1) }}}}", device, topics, stateClass: "measurement", unit: "%", icon: "mdi:chip"));
        }
        return configs;
    }

    /// <summary>The camera's page and MJPEG stream, when the HTTP server is on (the host name stands for an any-address listen).</summary>
    private sealed record LiveUrls(string Page, string Mjpeg);

    private sealed record Device(string Identifier, string Name, LiveUrls? LiveUrl);

    private static LiveUrls? LivePage(HttpConfig? http, string camera)
    {
        if (http is null) return null;
        var host = http.Address.Equals(IPAddress.Any) || http.Address.Equals(IPAddress.IPv6Any) ? Environment.MachineName
            : http.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{http.Address}]" : http.Address.ToString();
        var root = $"http://{host}:{http.Port}";
        return new LiveUrls($"{root}/#{Uri.EscapeDataString(camera)}", $"{root}/api/cameras/{Uri.EscapeDataString(camera)}/mjpeg");
    }

    private static (string, byte[]) Entity(string component, string node, string objectId, string name, string stateTopic, string valueTemplate,
        Device device, MqttTopics topics, string? deviceClass = null, string? stateClass = null, string? unit = null, string? icon = null,
        string? attributesTemplate = null)
    {
        var slug = Slug(objectId);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var j = new Utf8JsonWriter(buffer))
        {
            j.WriteStartObject();
            j.WriteString("name", name);
            j.WriteString("unique_id", $"smartcam_{node}_{slug}");
            j.WriteString("state_topic", stateTopic);
            j.WriteString("value_template", valueTemplate);
            if (deviceClass is not null) j.WriteString("device_class", deviceClass);
            if (stateClass is not null) j.WriteString("state_class", stateClass);
            if (unit is not null) j.WriteString("unit_of_measurement", unit);
            if (icon is not null) j.WriteString("icon", icon);
            if (attributesTemplate is not null)
            {
                j.WriteString("json_attributes_topic", stateTopic);
                j.WriteString("json_attributes_template", attributesTemplate);
            }
            j.WriteString("availability_topic", topics.Availability);
            j.WriteString("payload_available", MqttTopics.Online);
            j.WriteString("payload_not_available", MqttTopics.Offline);
            j.WriteStartObject("device");
            j.WriteStartArray("identifiers");
            j.WriteStringValue(device.Identifier);
            j.WriteEndArray();
            j.WriteString("name", device.Name);
            j.WriteString("manufacturer", Manufacturer);
            j.WriteString("model", "SmartCam camera");
            j.WriteString("sw_version", Program.Version);
            if (device.LiveUrl is not null) j.WriteString("configuration_url", device.LiveUrl.Page);
            j.WriteEndObject();
            j.WriteEndObject();
        }
        return ($"{topics.DiscoveryPrefix}/{component}/{node}/{slug}/config", buffer.WrittenSpan.ToArray());
    }

    /// <summary>Home Assistant's node and object ids: letters, digits, '_' and '-' only.</summary>
    internal static string Slug(string text) => string.Concat(text.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' ? ch : '_'));
}
