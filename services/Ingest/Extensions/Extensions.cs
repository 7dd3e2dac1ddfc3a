namespace Platform.Ingest.Extensions;

internal static class Extensions
{
    public const string ServiceName = "ingest";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformBlobStorage();
        builder.AddPlatformMessaging(ServiceName);
    }
}
