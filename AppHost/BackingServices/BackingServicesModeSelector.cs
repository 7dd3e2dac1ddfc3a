namespace Platform.AppHost.BackingServices;

public static class BackingServicesModeSelector
{
    /// <summary>
    /// Resolves <see cref="BackingServicesMode.Auto"/>. The container runtime is only asked when it matters,
    /// because asking an absent or broken one costs seconds.
    /// </summary>
    public static BackingServicesMode Resolve(BackingServicesMode configured, bool isPublishMode, Func<bool> containerRuntimeIsHealthy)
    {
        if (isPublishMode)
        {
            // A deployment gets its backing services from the platform it is deployed to (infra/).
            return BackingServicesMode.External;
        }
        return configured switch
        {
            BackingServicesMode.Auto => containerRuntimeIsHealthy() ? BackingServicesMode.Containers : BackingServicesMode.Processes,
            _ => configured,
        };
    }

    public static BackingServicesMode Parse(string? value) =>
        string.IsNullOrWhiteSpace(value) ? BackingServicesMode.Auto
        : Enum.TryParse<BackingServicesMode>(value, ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !int.TryParse(value, out _) ? mode
        : throw new BackingServicesException(
            $"BackingServices:Mode '{value}' is not a mode. Use one of: {string.Join(", ", Enum.GetNames<BackingServicesMode>().Select(n => n.ToLowerInvariant()))}.");
}
