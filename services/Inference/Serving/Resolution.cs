using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Imaging.Transforms;
using Platform.Inference.Telemetry;
using Platform.OnnxRuntime;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Inference.Serving;

/// <summary>What a model name resolves to: the served version, or why there is none.</summary>
public enum Resolution
{
    Found,
    UnknownModel,
    UnknownVersion,
    NotReady,
}
