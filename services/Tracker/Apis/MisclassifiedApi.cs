using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Runs;
using Platform.Tracker.Runs;

namespace Platform.Tracker.Apis;

/// <summary>
/// A completed run's misclassified gallery: the validation images its final model got most confidently wrong, with true and predicted
/// labels, as the trainer stored them in the run's folder. Thumbnails are served only by the names the run's index lists.
/// </summary>
public static class MisclassifiedApi
{
    public static IEndpointRouteBuilder MapMisclassifiedApi(this IEndpointRouteBuilder app)
    {
        var gallery = app.MapGroup("/runs/{id:guid}/misclassified").WithTags("Runs");
        gallery.MapGet("/", GetGallery).WithName("GetMisclassifiedExamples")
            .WithSummary("The validation images the run's final model got most confidently wrong (monitoring.misclassifiedExamples, default 24): "
                + "true and predicted label, confidence, the top three labels and the thumbnail's name, most confident first");
        gallery.MapGet("/{file}", GetThumbnail).WithName("GetMisclassifiedThumbnail")
            .WithSummary("A PNG thumbnail (at most 96 px a side) that the run's gallery names (1.png, 2.png, …)");
        return app;
    }

    public static async Task<Results<Ok<MisclassifiedGallery>, ProblemHttpResult>> GetGallery(Guid id, RunStore store, MisclassifiedGalleryReader reader,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, details: false) is null)
        {
            return RunsApi.UnknownRun(id);
        }
        try
        {
            return await reader.GetIndexAsync(id, cancellationToken) is { } index
                ? TypedResults.Ok(index)
                : RunsApi.Problem(StatusCodes.Status404NotFound, "No misclassified examples",
                    $"Run {id} has no misclassified gallery. The trainer stores one when a run completes with monitoring.misclassifiedExamples "
                    + "above 0 (the default is 24) and its final model gets at least one validation image wrong.");
        }
        catch (InvalidDataException exception)
        {
            return Unreadable(id, exception, loggers);
        }
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetThumbnail(Guid id, string file, MisclassifiedGalleryReader reader,
        HttpContext context, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        byte[]? png;
        try
        {
            png = await reader.GetThumbnailAsync(id, file, cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            return Unreadable(id, exception, loggers);
        }
        if (png is null)
        {
            return RunsApi.Problem(StatusCodes.Status404NotFound, "Thumbnail not found",
                $"Run {id} has no misclassified thumbnail by that name: the names are the ones GET /runs/{id}/misclassified lists (1.png, 2.png, …).");
        }
        // A completed run's gallery is written once; five minutes because a failed run's resume may write a new one.
        context.Response.Headers.CacheControl = "private, max-age=300";
        return TypedResults.File(png, "image/png");
    }

    private static ProblemHttpResult Unreadable(Guid id, InvalidDataException exception, ILoggerFactory loggers)
    {
        loggers.CreateLogger(typeof(MisclassifiedApi)).LogWarning(exception, "Run {RunId}: the stored misclassified gallery is unreadable", id);
        return RunsApi.Problem(StatusCodes.Status500InternalServerError, "Misclassified gallery unreadable", exception.Message);
    }
}
