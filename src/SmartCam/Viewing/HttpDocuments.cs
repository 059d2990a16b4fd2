using System.Text.Json.Serialization;

namespace SmartCam.Viewing;

/// <summary><c>/healthz</c>: <c>{"healthy":true,"cameras":{"cam0":"running"}}</c>, the cameras in the config's order.</summary>
internal sealed record HealthDocument(bool Healthy, OrderedDictionary<string, string> Cameras);

/// <summary><c>/api/cameras</c>: <c>{"cameras":["cam0",…]}</c>.</summary>
internal sealed record CameraListDocument(IReadOnlyList<string> Cameras);

/// <summary>The HTTP server's JSON, written by System.Text.Json's source generator (Native AOT: no reflection).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HealthDocument))]
[JsonSerializable(typeof(CameraListDocument))]
internal sealed partial class HttpJson : JsonSerializerContext;
