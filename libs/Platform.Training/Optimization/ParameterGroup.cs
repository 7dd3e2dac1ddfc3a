using TorchSharp.Modules;

namespace Platform.Training.Optimization;

/// <summary>One named set of parameters trained at lr × <see cref="LrFactor"/>, with <see cref="DecaysWeights"/>
/// false for the ones exempt from weight decay.</summary>
public sealed record ParameterGroup(string Name, IReadOnlyList<Parameter> Parameters, double LrFactor, bool DecaysWeights = true);
