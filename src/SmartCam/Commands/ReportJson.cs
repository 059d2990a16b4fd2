using System.Text.Json.Serialization;
using SmartCam.Commands.Bench;

namespace SmartCam.Commands;

/// <summary>
/// The JSON the commands print (bench, doctor, view, jitter), source-generated: no reflection, Native AOT clean. Property names
/// from the snake_case policy; dictionary keys as they are.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SingleCameraJson))]
[JsonSerializable(typeof(MultiCameraJson))]
[JsonSerializable(typeof(DecodeOnlyJson))]
[JsonSerializable(typeof(DoctorCommand.ReportJson))]
[JsonSerializable(typeof(ViewCommand.PicturesJson))]
[JsonSerializable(typeof(JitterCommand.ReportJson), TypeInfoPropertyName = "JitterCommandReportJson")]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
