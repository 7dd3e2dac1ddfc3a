namespace Platform.Ingest.Health;

/// <summary>Two images (indices, <see cref="First"/> &lt; <see cref="Second"/>) and the cosine similarity of their embeddings.</summary>
public readonly record struct SimilarPair(int First, int Second, float Similarity);
