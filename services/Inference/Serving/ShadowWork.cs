namespace Platform.Inference.Serving;

/// <summary>
/// One request mirrored to a shadow version: the answers the primary gave, and the inputs for the shadow (the primary's own when the
/// request was a tensor, or made again with the shadow's preprocessing from the encoded images).
/// </summary>
public sealed record ShadowWork(string Alias, ServedModel Primary, ServedModel Shadow, IReadOnlyList<float[]> PrimaryInputs,
    Func<ServedModel, IReadOnlyList<float[]>>? PrepareForShadow, IReadOnlyList<float[]> PrimaryLogits);
