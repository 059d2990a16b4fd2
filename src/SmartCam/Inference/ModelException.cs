namespace SmartCam.Inference;

/// <summary>A model that cannot be used as configured: the message names the model file, what was found and what was expected.</summary>
public sealed class ModelException(string message) : Exception(UserError.OneLine(message));
