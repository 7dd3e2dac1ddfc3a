namespace Platform.Inference.Extensions;

internal static class Extensions
{
    public const string ServiceName = "inference";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformBlobStorage();
        builder.AddPlatformMessaging(ServiceName);
    }
}
