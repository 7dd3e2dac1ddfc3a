using Microsoft.Extensions.Options;
using Platform.OnnxRuntime;

namespace Platform.Inference.Serving;

/// <summary>Stops the service at start with every rule its settings break, by name.</summary>
public sealed class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceOptions options) =>
        options.Violations().ToList() is { Count: > 0 } violations ? ValidateOptionsResult.Fail(violations) : ValidateOptionsResult.Success;
}
