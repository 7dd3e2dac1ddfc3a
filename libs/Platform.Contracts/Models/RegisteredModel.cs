namespace Platform.Contracts.Models;

/// <summary>A model in the tracker's registry (<c>GET /models</c>, <c>GET /models/{name}</c>): its versions, oldest first, and where each alias points.</summary>
/// <param name="Aliases">Each alias's primary version (the only one, or its split's largest share).</param>
/// <param name="Routes">Each alias's full route: its weighted versions and shadow.</param>
public sealed record RegisteredModel(string Name, IReadOnlyList<ModelVersion> Versions, IReadOnlyDictionary<string, int> Aliases,
    IReadOnlyDictionary<string, AliasRoute>? Routes = null);
