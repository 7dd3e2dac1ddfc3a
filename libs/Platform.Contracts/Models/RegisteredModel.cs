namespace Platform.Contracts.Models;

/// <summary>A model in the tracker's registry (<c>GET /models</c>, <c>GET /models/{name}</c>): its versions, oldest first, and where each alias points.</summary>
public sealed record RegisteredModel(string Name, IReadOnlyList<ModelVersion> Versions, IReadOnlyDictionary<string, int> Aliases);
