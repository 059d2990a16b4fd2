using SmartCam.Core;

namespace SmartCam.Inference;

/// <summary>A model that cannot be used as configured: the message names the model file, what was found and what was expected.</summary>
/// <param name="key">Set when a config key, not the model file, is at fault (<c>model.provider</c> on a build without that provider):
/// the message then starts with the key instead of the model's path.</param>
public sealed class ModelException(string message, string? key = null) : Exception(UserError.OneLine(message))
{
    public string? Key { get; } = key;
}
