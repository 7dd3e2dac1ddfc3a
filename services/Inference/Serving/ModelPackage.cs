using Platform.Contracts.ModelPackages;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Inference.Serving;

/// <summary>
/// The parts of a model package that serving needs: its index, the ONNX graph, the labels, and the training evaluation transform.
/// </summary>
public sealed record ModelPackage(ModelPackageIndex Index, byte[] Model, IReadOnlyList<string> Labels, TransformRecipe Preprocessing);
