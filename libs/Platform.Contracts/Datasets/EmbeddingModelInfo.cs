namespace Platform.Contracts.Datasets;

/// <summary>The model the health check embedded images with, and how.</summary>
/// <param name="Sha256">SHA-256 of the model file as published.</param>
/// <param name="Resolution">The square side images were stretched to.</param>
public sealed record EmbeddingModelInfo(string Name, string Sha256, int Resolution, int Dimension, string Preprocessing);
