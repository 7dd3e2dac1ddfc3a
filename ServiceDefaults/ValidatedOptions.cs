using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Every service binds and checks its options the same way: bound from one configuration section, validated by the
/// class's own rules when the host starts, so a broken setting stops the service at once with every rule it breaks.
/// </summary>
public static class ValidatedOptions
{
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string sectionName)
        where TOptions : class, ISelfValidatingOptions
    {
        services.AddSingleton<IValidateOptions<TOptions>, RulesValidator<TOptions>>();
        return services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateOnStart();
    }

    private sealed class RulesValidator<TOptions> : IValidateOptions<TOptions> where TOptions : class, ISelfValidatingOptions
    {
        public ValidateOptionsResult Validate(string? name, TOptions options) =>
            options.Violations().ToList() is { Count: > 0 } violations ? ValidateOptionsResult.Fail(violations) : ValidateOptionsResult.Success;
    }
}
