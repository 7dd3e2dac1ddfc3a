using Platform.Trainer.Diagnostics;

namespace Platform.Trainer.Extensions;

internal static class Extensions
{
    public const string ServiceName = "trainer";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformBlobStorage();
        builder.AddPlatformMessaging(ServiceName);

        builder.Services.AddSingleton<TorchRuntime>();
        builder.Services.AddHealthChecks().AddCheck<TorchRuntimeHealthCheck>("torch", tags: [Microsoft.Extensions.Hosting.Extensions.ReadinessTag]);
    }
}
