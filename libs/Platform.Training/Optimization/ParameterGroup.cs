using TorchSharp.Modules;

namespace Platform.Training.Optimization;

/// <summary>One named set of parameters trained at lr × <see cref="LrFactor"/>.</summary>
public sealed record ParameterGroup(string Name, IReadOnlyList<Parameter> Parameters, double LrFactor);
