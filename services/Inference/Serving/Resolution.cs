namespace Platform.Inference.Serving;

/// <summary>What a model name resolves to: the served version, or why there is none.</summary>
public enum Resolution
{
    Found,
    UnknownModel,
    UnknownVersion,
    NotReady,
}
