using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Datasets;
using Platform.Contracts.Naming;
using Platform.Tracker.Upstreams;

namespace Platform.Tracker.Apis;

/// <summary>
/// The ingest service's datasets, read-only, for the UI's datasets page (the browser talks to the tracker only). Names and thumbnail
/// keys are checked here before anything is forwarded; ingest down answers 503 problem details naming it.
/// </summary>
public static class DatasetsApi
{
    public static RouteGroupBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/datasets").WithTags("Datasets (from ingest)");
        api.MapGet("/", ListDatasets).WithName("ListDatasetsFromIngest").WithSummary("Every dataset with its latest version, as ingest has them");
        api.MapGet("/{name}", GetDataset).WithName("GetDatasetFromIngest").WithSummary("A dataset's versions with their state");
        api.MapGet("/{name}/versions/{version:int}", GetVersion).WithName("GetDatasetVersionFromIngest")
            .WithSummary("One version with its report: class counts per split, duplicates and report.health (near-duplicates, leakage moves, likely label errors, outliers)");
        api.MapGet("/{name}/versions/{version:int}/thumbnails/{key}", GetThumbnail).WithName("GetDatasetThumbnailFromIngest")
            .WithSummary("A JPEG thumbnail (at most 96 px a side) that the version's health report names by this key");
        return api;
    }

    public static async Task<Results<Ok<IReadOnlyList<DatasetSummary>>, ProblemHttpResult>> ListDatasets(IngestClient ingest, CancellationToken cancellationToken)
    {
        var answer = await ingest.ListDatasetsAsync(cancellationToken);
        return answer.Value is { } datasets ? TypedResults.Ok(datasets) : answer.Problem!;
    }

    public static async Task<Results<Ok<DatasetDetails>, ProblemHttpResult>> GetDataset(string name, IngestClient ingest, CancellationToken cancellationToken)
    {
        if (ResourceNames.Dataset.Problem(name) is { } problem)
        {
            return RunsApi.Problem(StatusCodes.Status404NotFound, "Dataset not found", $"There is no dataset '{name}': {problem}");
        }
        var answer = await ingest.GetDatasetAsync(name, cancellationToken);
        return answer.Value is { } details ? TypedResults.Ok(details) : answer.Problem!;
    }

    public static async Task<Results<Ok<DatasetVersionRecord>, ProblemHttpResult>> GetVersion(string name, int version, IngestClient ingest,
        CancellationToken cancellationToken)
    {
        if (ResourceNames.Dataset.Problem(name) is { } problem)
        {
            return RunsApi.Problem(StatusCodes.Status404NotFound, "Dataset version not found", $"There is no dataset '{name}': {problem}");
        }
        var answer = await ingest.GetVersionAsync(name, version, cancellationToken);
        // The manifest's blob address is storage's, for the trainer: the browser has no use for it.
        return answer.Value is { } record ? TypedResults.Ok(record with { ManifestUri = null }) : answer.Problem!;
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetThumbnail(string name, int version, string key, IngestClient ingest,
        HttpContext context, CancellationToken cancellationToken)
    {
        if (ResourceNames.Dataset.Problem(name) is not null || !IsThumbnailKey(key))
        {
            return RunsApi.Problem(StatusCodes.Status404NotFound, "Thumbnail not found",
                "Thumbnail keys are the 16 hexadecimal digits a version's health report names.");
        }
        var answer = await ingest.GetThumbnailAsync(name, version, key, cancellationToken);
        if (answer.Value is not { } jpeg)
        {
            return answer.Problem!;
        }
        // The health check writes a version's thumbnails once; only five minutes because a deleted version's number can be reused.
        context.Response.Headers.CacheControl = "private, max-age=300";
        return TypedResults.File(jpeg, "image/jpeg");
    }

    /// <summary>Ingest's thumbnail keys: the first 16 lowercase hexadecimal digits of the image key's SHA-256.</summary>
    public static bool IsThumbnailKey(string key) => key.Length == 16 && key.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
