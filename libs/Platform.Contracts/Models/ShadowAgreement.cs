namespace Platform.Contracts.Models;

/// <summary>
/// How a shadow version's answers compare with those given to an alias's requests, over the images mirrored since the inference
/// service started (or since this pair began).
/// </summary>
/// <param name="Primary">The version that answered the compared images (a split alias has one entry per answering version).</param>
/// <param name="Compared">Images both versions classified.</param>
/// <param name="Shed">Mirrored requests dropped because the shadow's queue was full or the primary busy: shadow work is shed first.</param>
/// <param name="Top1Agreement">Fraction of compared images with the same most probable label.</param>
/// <param name="MeanAbsProbabilityDifference">Mean over images and classes of |p_primary − p_shadow| (the probabilities as served, calibrated).</param>
public sealed record ShadowAgreement(string Alias, int Primary, int Shadow, long Compared, long Shed, double Top1Agreement, double MeanAbsProbabilityDifference);
