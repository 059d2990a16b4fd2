using System.Text.Json;
using SmartCam.Configuration;
using SmartCam.Mqtt;

namespace SmartCam.Tests.Unit;

/// <summary>
/// The discovery configs against Home Assistant's documented configuration variables of its MQTT binary sensor and sensor
/// integrations (home-assistant.io/integrations/binary_sensor.mqtt and sensor.mqtt, and the MQTT discovery page): only
/// documented keys, the required ones present, enumerated values from the documented sets, templates that read fields
/// our status messages have.
/// </summary>
public class HomeAssistantDiscoveryTests
{
    private static SmartCamConfig TwoCameras(bool http) => ConfigLoader.Parse($$"""
        cameras:
          - id: gate
            source: file://{{Repo.Video}}
            tracking: {}
            zones: { yard: { polygon: [[0, 0], [1, 0], [1, 1]] }, door: { polygon: [[0, 0], [0.5, 0], [0.5, 0.5]] } }
            lines: { kerb: { points: [[0, 0.5], [1, 0.5]] } }
          - id: dock
            source: file://{{Repo.Video}}
        model: { path: {{Repo.Model}}, instances: 2 }
        {{(http ? "http: { listen: '127.0.0.1:8081' }" : "")}}
        mqtt: { url: 'mqtt://broker', client_id: site.gate-01, home_assistant: { discovery: true, prefix: ha } }
        """, "/tmp/ha.yaml");

    [Fact]
    public void Every_zone_line_and_camera_gets_its_entities_and_all_are_valid()
    {
        var config = TwoCameras(http: true);
        var topics = new MqttTopics(config.Mqtt!.TopicPrefix, config.Mqtt.DiscoveryPrefix);
        var configs = HomeAssistantDiscovery.Build(config.Mqtt, config, topics);
        Assert.Equal(
            ["ha/binary_sensor/site_gate-01/gate_zone_door/config", "ha/binary_sensor/site_gate-01/gate_zone_yard/config",
             "ha/sensor/site_gate-01/dock_detector_load/config", "ha/sensor/site_gate-01/dock_fps/config",
             "ha/sensor/site_gate-01/gate_detector_load/config", "ha/sensor/site_gate-01/gate_fps/config",
             "ha/sensor/site_gate-01/gate_line_kerb_in/config", "ha/sensor/site_gate-01/gate_line_kerb_out/config", "ha/sensor/site_gate-01/gate_line_kerb_total/config"],
            configs.Select(c => c.Topic).Order(StringComparer.Ordinal));
        foreach (var (topic, payload) in configs) HomeAssistantDiscoveryChecks.AssertValid(topic, JsonDocument.Parse(payload).RootElement);
        Assert.Equal(configs.Count, configs.Select(c => JsonDocument.Parse(c.Payload).RootElement.GetProperty("unique_id").GetString()).Distinct().Count());

        JsonElement Of(string end) => JsonDocument.Parse(configs.Single(c => c.Topic.EndsWith(end, StringComparison.Ordinal)).Payload).RootElement;
        var door = Of("gate_zone_door/config");
        Assert.Equal("smartcam/site.gate-01/status/gate", door.GetProperty("state_topic").GetString());
        Assert.Contains("value_json.zones['door']", door.GetProperty("value_template").GetString());
        Assert.Equal("occupancy", door.GetProperty("device_class").GetString());
        Assert.Equal("smartcam/site.gate-01/availability", door.GetProperty("availability_topic").GetString());
        Assert.Contains("value_json.lines['kerb'].in", Of("gate_line_kerb_in/config").GetProperty("value_template").GetString());
        Assert.Equal("total_increasing", Of("gate_line_kerb_total/config").GetProperty("state_class").GetString());
        // Each camera's detector load reads its own instance (camera index modulo model.instances) from status.box.
        Assert.Contains("detectors[0]", Of("gate_detector_load/config").GetProperty("value_template").GetString());
        Assert.Contains("detectors[1]", Of("dock_detector_load/config").GetProperty("value_template").GetString());
        Assert.Equal("smartcam/site.gate-01/status/box", Of("dock_detector_load/config").GetProperty("state_topic").GetString());
        // With the HTTP server on: the camera's page on the device, its MJPEG URL among the frame rate's attributes.
        var fps = Of("gate_fps/config");
        Assert.Equal("http://127.0.0.1:8081/#gate", fps.GetProperty("device").GetProperty("configuration_url").GetString());
        Assert.Contains("http://127.0.0.1:8081/api/cameras/gate/mjpeg", fps.GetProperty("json_attributes_template").GetString());
        Assert.NotEqual(fps.GetProperty("device").GetProperty("identifiers")[0].GetString(), Of("dock_fps/config").GetProperty("device").GetProperty("identifiers")[0].GetString());
    }

    [Fact]
    public void Without_the_HTTP_server_there_is_no_URL()
    {
        var config = TwoCameras(http: false);
        var configs = HomeAssistantDiscovery.Build(config.Mqtt!, config, new MqttTopics(config.Mqtt!.TopicPrefix, config.Mqtt.DiscoveryPrefix));
        foreach (var (topic, payload) in configs)
        {
            var json = JsonDocument.Parse(payload).RootElement;
            HomeAssistantDiscoveryChecks.AssertValid(topic, json);
            Assert.False(json.GetProperty("device").TryGetProperty("configuration_url", out _));
            Assert.False(json.TryGetProperty("json_attributes_template", out _));
        }
    }
}

/// <summary>Home Assistant's documented MQTT discovery fields, for the unit tests and the broker test.</summary>
public static class HomeAssistantDiscoveryChecks
{
    // Keys both integrations document (availability, device and entity options), then each one's own.
    private static readonly HashSet<string> Common =
    [
        "availability", "availability_mode", "availability_template", "availability_topic", "default_entity_id", "device", "device_class",
        "enabled_by_default", "encoding", "entity_category", "entity_picture", "expire_after", "force_update", "icon", "json_attributes_template",
        "json_attributes_topic", "name", "payload_available", "payload_not_available", "platform", "qos", "state_topic", "unique_id", "value_template",
    ];
    private static readonly HashSet<string> BinarySensorOnly = ["off_delay", "payload_off", "payload_on"];
    private static readonly HashSet<string> SensorOnly = ["last_reset_value_template", "options", "state_class", "suggested_display_precision", "unit_of_measurement"];
    private static readonly HashSet<string> DeviceKeys =
        ["configuration_url", "connections", "hw_version", "identifiers", "manufacturer", "model", "model_id", "name", "serial_number", "suggested_area", "sw_version", "via_device"];
    private static readonly HashSet<string> StateClasses = ["measurement", "measurement_angle", "total", "total_increasing"];
    // The binary sensor device classes Home Assistant lists (those a camera could mean).
    private static readonly HashSet<string> BinaryDeviceClasses = ["motion", "moving", "occupancy", "presence"];

    /// <summary>One config as Home Assistant reads it: topic &lt;prefix&gt;/&lt;component&gt;/[&lt;node_id&gt;/]&lt;object_id&gt;/config.</summary>
    public static void AssertValid(string topic, JsonElement config)
    {
        var parts = topic.Split('/');
        Assert.True(parts.Length is 4 or 5 && parts[^1] == "config", topic);
        var component = parts[1];
        Assert.Contains(component, new[] { "binary_sensor", "sensor" });
        foreach (var id in parts[2..^1]) Assert.Matches("^[a-zA-Z0-9_-]+$", id); // node_id and object_id
        var allowed = new HashSet<string>(Common);
        allowed.UnionWith(component == "sensor" ? SensorOnly : BinarySensorOnly);
        foreach (var p in config.EnumerateObject()) Assert.True(allowed.Contains(p.Name), $"{topic}: '{p.Name}' is not a documented {component} option");
        Assert.False(string.IsNullOrEmpty(config.GetProperty("state_topic").GetString()), "state_topic is required");
        Assert.Matches("^[a-zA-Z0-9_-]+$", config.GetProperty("unique_id").GetString()!);
        // A device is tied in only through discovery with a unique_id, and needs identifiers or connections.
        var device = config.GetProperty("device");
        foreach (var p in device.EnumerateObject()) Assert.True(DeviceKeys.Contains(p.Name), $"{topic}: device '{p.Name}' is not documented");
        Assert.True(device.GetProperty("identifiers").GetArrayLength() > 0);
        Assert.Equal(JsonValueKind.String, config.GetProperty("availability_topic").ValueKind);
        Assert.Equal(MqttTopics.Online, config.GetProperty("payload_available").GetString());
        Assert.Equal(MqttTopics.Offline, config.GetProperty("payload_not_available").GetString());
        if (config.TryGetProperty("state_class", out var stateClass)) Assert.Contains(stateClass.GetString()!, StateClasses);
        if (component == "binary_sensor")
        {
            Assert.Contains(config.GetProperty("device_class").GetString()!, BinaryDeviceClasses);
            // Without payload_on/payload_off the template must render Home Assistant's defaults, ON and OFF.
            Assert.Contains("'ON'", config.GetProperty("value_template").GetString());
            Assert.Contains("'OFF'", config.GetProperty("value_template").GetString());
        }
        var template = config.GetProperty("value_template").GetString()!;
        Assert.StartsWith("{{", template);
        Assert.EndsWith("}}", template);
    }
}
