namespace Platform.Contracts.ModelPackages;

/// <summary>The dataset version a packaged model was trained on.</summary>
public sealed record ModelPackageDataset(string Name, int Version);
