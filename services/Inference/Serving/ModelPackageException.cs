using Azure;
using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Imaging.Transforms;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Inference.Serving;

/// <summary>A package that cannot be served: missing, incomplete (no index yet) or inconsistent.</summary>
public sealed class ModelPackageException(string message, Exception? inner = null) : Exception(message, inner);
