using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Ingest.Datasets;
using Platform.Ingest.Processing;
using Platform.Ingest.Sources;
using Platform.Imaging.Formats.Shards;
using Platform.Contracts.Datasets;
using Platform.Contracts.Naming;

namespace Platform.Ingest.Apis;

public static class DatasetsApi
{
    public static RouteGroupBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/datasets").WithTags("Datasets");

        api.MapPost("/", UploadDataset)
            .WithName("UploadDataset")
            .WithSummary("Upload a dataset: a zip/tar/tar.gz of class folders or of images with annotation files, or an IDX image+label pair")
            .WithDescription("The body is the archive itself, or multipart/form-data with an 'archive' part, or with 'images' and 'labels' parts (IDX). "
                + "Query: name (required), split=0.8,0.1,0.1, seed, size=keep|N, channels=auto|1|3, balance=none|oversample|undersample, balanceRatio, classes, classNames, labels=fine|coarse (CIFAR-100), "
                + "health=auto|on|off, leakage=move|report, labelErrors=report|exclude. "
                + "Answers 202 with the new version; follow its location for progress and the report.")
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(long.MaxValue));
        api.MapGet("/", ListDatasets).WithName("ListDatasets").WithSummary("Every dataset with its latest version");
        api.MapGet("/{name}", GetDataset).WithName("GetDataset").WithSummary("A dataset's versions with their state and progress");
        api.MapGet("/{name}/versions/{version:int}", GetVersion).WithName("GetDatasetVersion")
            .WithSummary("One version: state, progress, and when done the report (classes, split counts, mean/std, duplicates, rejected files)");
        api.MapGet("/{name}/versions/{version:int}/manifest", GetManifest).WithName("GetDatasetManifest")
            .WithSummary("The manifest of a published version (what the trainer reads)");
        api.MapGet("/{name}/versions/{version:int}/thumbnails/{key}", GetThumbnail).WithName("GetDatasetThumbnail")
            .WithSummary("A JPEG thumbnail (at most 96 px a side) of an image the version's health report names by this key");
        api.MapGet("/{name}/versions/{version:int}/runs", GetRunsUsingVersion).WithName("GetRunsUsingDatasetVersion")
            .WithSummary("The runs that train on this version (a version in use cannot be deleted)");
        api.MapDelete("/{name}/versions/{version:int}", DeleteVersion).WithName("DeleteDatasetVersion")
            .WithSummary("Delete a finished version that no run uses");
        return api;
    }

    public static async Task<Results<Accepted<DatasetVersionRecord>, ValidationProblem, ProblemHttpResult>> UploadDataset(
        HttpContext context,
        DatasetStore store,
        IngestQueue queue,
        IOptions<IngestOptions> options,
        TimeProvider time,
        ILoggerFactory loggers,
        HealthCheckService health,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
        var name = request.Query["name"].ToString();
        var (settings, errors) = IngestQuery.Parse(request.Query);
        if (ResourceNames.Dataset.Problem(name) is { } nameProblem)
        {
            errors["name"] = [nameProblem];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The upload's options are invalid.");
        }
        var limits = options.Value;
        if (request.ContentLength > limits.MaxUploadBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Upload too large", new UploadTooLargeException(limits.MaxUploadBytes).Message);
        }
        if (!queue.HasRoom)
        {
            context.Response.Headers.RetryAfter = "30";
            return Problem(StatusCodes.Status503ServiceUnavailable, "Ingest queue full",
                $"{limits.MaxQueuedIngests} uploads are already waiting to be processed; try again later.");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limits.MaxUploadBytes;
        }

        // Blob storage holds the version record: without it nothing can be accepted. The readiness probe's client answers at once
        // (no retries), so an outage is a quick 503 rather than the storage client's backoff followed by a 500.
        if ((await health.CheckHealthAsync(check => check.Name == BlobStorageExtensions.ConnectionName, cancellationToken)).Status == HealthStatus.Unhealthy)
        {
            context.Response.Headers.RetryAfter = "10";
            return Problem(StatusCodes.Status503ServiceUnavailable, "Blob storage unavailable",
                "Blob storage does not answer, so the upload cannot be stored now; nothing was recorded. Try again.");
        }
        var record = await store.CreateVersionAsync(name, settings, "upload", cancellationToken);
        var progress = queue.Own(name, record.Version);
        var folder = Path.Combine(limits.ResolvedWorkFolder, $"{name}-v{record.Version}-{Guid.NewGuid():N}");
        try
        {
            var upload = await UploadReceiver.ReceiveAsync(request, folder, limits.MaxUploadBytes, cancellationToken);
            var (openSource, description) = ChooseSource(upload, settings, limits);
            record = record with { State = DatasetVersionState.Queued, SourceDescription = description, Progress = progress.Snapshot() with { Stage = "queued" } };
            await store.SaveAsync(record, cancellationToken);
            if (!queue.TryEnqueue(new IngestJob(name, record.Version, folder, openSource, upload.Sources)))
            {
                throw new QueueFullException();
            }
            return TypedResults.Accepted($"/datasets/{name}/versions/{record.Version}", record);
        }
        catch (Exception exception) when (exception is UploadTooLargeException or InvalidUploadException or UploadRejectedException
            or QueueFullException or InvalidDataException or BadHttpRequestException or IOException or OperationCanceledException)
        {
            queue.Release(name, record.Version);
            TryDelete(folder);
            var (status, title) = exception switch
            {
                UploadTooLargeException => (StatusCodes.Status413PayloadTooLarge, "Upload too large"),
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "Upload too large"),
                QueueFullException => (StatusCodes.Status503ServiceUnavailable, "Ingest queue full"),
                UploadRejectedException => (StatusCodes.Status415UnsupportedMediaType, "Unsupported upload"),
                OperationCanceledException => (StatusCodes.Status400BadRequest, "Upload interrupted"),
                _ => (StatusCodes.Status400BadRequest, "Invalid upload"),
            };
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = "30";
            }
            // An I/O error's text names the server's copy of the upload: the answer and the record get it without paths.
            var detail = ServerPaths.Redact(exception is IOException and not BadHttpRequestException
                ? "The upload could not be stored on the ingest service; try again." : exception.Message, limits);
            await store.SaveAsync(record with { State = DatasetVersionState.Failed, Error = $"{title}: {detail}", HeartbeatAt = time.GetUtcNow() },
                CancellationToken.None);
            loggers.CreateLogger(typeof(DatasetsApi)).LogWarning(exception, "Upload for {Dataset} v{Version} refused: {Error}", name, record.Version, detail);
            return Problem(status, title, detail, $"/datasets/{name}/versions/{record.Version}");
        }
    }

    private static (Func<IIngestSource> Open, string Description) ChooseSource(ReceivedUpload upload, IngestSettings settings, IngestOptions limits)
    {
        var files = upload.FilesByPart;
        if (files.TryGetValue("images", out var images) || files.TryGetValue("labels", out _))
        {
            if (images is null || !files.TryGetValue("labels", out var labels))
            {
                throw new InvalidUploadException("IDX uploads need both an 'images' and a 'labels' part.");
            }
            var source = new IdxSource(images, labels, settings.ClassNames);
            return (() => new IdxSource(images, labels, settings.ClassNames), source.Description);
        }
        var file = files.GetValueOrDefault("archive") ?? files.GetValueOrDefault("file") ?? files["upload"];
        var kind = ArchiveSource.Detect(file)
            ?? throw new UploadRejectedException("unsupported-upload",
                "The upload is not a zip, tar or tar.gz archive. Send an archive of class folders (or of images with a CSV/JSON/VOC annotation file), "
                + "or multipart 'images' + 'labels' IDX files.");
        var name = upload.Sources[0].Path;
        if (CifarSource.Detect(file, kind))
        {
            return (() => new CifarSource(file, kind, name, settings, limits), new CifarSource(file, kind, name, settings, limits).Description);
        }
        return (() => new ArchiveSource(file, kind, name, limits), new ArchiveSource(file, kind, name, limits).Description);
    }

    public static async Task<Ok<IReadOnlyList<DatasetSummary>>> ListDatasets(DatasetStore store, CancellationToken cancellationToken)
    {
        var summaries = new List<DatasetSummary>();
        foreach (var name in await store.ListNamesAsync(cancellationToken))
        {
            var versions = await store.ListVersionsAsync(name, cancellationToken);
            if (versions.Count > 0)
            {
                var latest = versions[^1];
                var published = versions.LastOrDefault(v => v.State == DatasetVersionState.Published);
                summaries.Add(new DatasetSummary(name, versions.Count, latest.Version, latest.State, published?.Version));
            }
        }
        return TypedResults.Ok<IReadOnlyList<DatasetSummary>>(summaries);
    }

    public static async Task<Results<Ok<DatasetDetails>, ProblemHttpResult>> GetDataset(string name, DatasetStore store, CancellationToken cancellationToken)
    {
        var versions = ResourceNames.Dataset.IsValid(name) ? await store.ListVersionsAsync(name, cancellationToken) : [];
        return versions.Count == 0
            ? Problem(StatusCodes.Status404NotFound, "Dataset not found", $"There is no dataset '{name}'.")
            : TypedResults.Ok(new DatasetDetails(name, versions.Select(v => new DatasetVersionSummary(
                v.Version, v.State, v.Progress, v.Error, v.CreatedAt, v.UpdatedAt)).ToList()));
    }

    public static async Task<Results<Ok<DatasetVersionRecord>, ProblemHttpResult>> GetVersion(
        string name, int version, DatasetStore store, CancellationToken cancellationToken)
    {
        var record = ResourceNames.Dataset.IsValid(name) ? await store.GetAsync(name, version, cancellationToken) : null;
        return record is null
            ? Problem(StatusCodes.Status404NotFound, "Dataset version not found", $"Dataset '{name}' has no version {version}.")
            : TypedResults.Ok(record);
    }

    public static async Task<Results<Ok<DatasetManifest>, ProblemHttpResult>> GetManifest(
        string name, int version, DatasetStore store, CancellationToken cancellationToken)
    {
        var manifest = ResourceNames.Dataset.IsValid(name) ? await store.GetManifestAsync(name, version, cancellationToken) : null;
        return manifest is null
            ? Problem(StatusCodes.Status404NotFound, "Manifest not found", $"Dataset '{name}' v{version} is not published (or does not exist).")
            : TypedResults.Ok(manifest);
    }

    /// <summary>Thumbnails are re-encoded by the health check (never the uploaded bytes) and named by a hash, so no path is in the URL.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetThumbnail(
        string name, int version, string key, DatasetStore store, CancellationToken cancellationToken)
    {
        var jpeg = ResourceNames.Dataset.IsValid(name) && Health.ThumbnailKeys.IsValid(key)
            ? await store.GetThumbnailAsync(name, version, key, cancellationToken)
            : null;
        return jpeg is null
            ? Problem(StatusCodes.Status404NotFound, "Thumbnail not found", $"Dataset '{name}' v{version} has no thumbnail '{ArchivePaths.ForDisplay(key)}'.")
            : TypedResults.File(jpeg, "image/jpeg");
    }

    public static async Task<Results<Ok<IReadOnlyList<Guid>>, ProblemHttpResult>> GetRunsUsingVersion(
        string name, int version, DatasetStore store, CancellationToken cancellationToken)
    {
        var record = ResourceNames.Dataset.IsValid(name) ? await store.GetAsync(name, version, cancellationToken) : null;
        return record is null
            ? Problem(StatusCodes.Status404NotFound, "Dataset version not found", $"Dataset '{name}' has no version {version}.")
            : TypedResults.Ok(await store.RunsUsingAsync(name, version, cancellationToken));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteVersion(
        string name, int version, DatasetStore store, CancellationToken cancellationToken)
    {
        var record = ResourceNames.Dataset.IsValid(name) ? await store.GetAsync(name, version, cancellationToken) : null;
        if (record is null)
        {
            return Problem(StatusCodes.Status404NotFound, "Dataset version not found", $"Dataset '{name}' has no version {version}.");
        }
        if (record.State is not (DatasetVersionState.Published or DatasetVersionState.Failed))
        {
            return Problem(StatusCodes.Status409Conflict, "Dataset version busy", $"Dataset '{name}' v{version} is still {record.State.ToString().ToLowerInvariant()}.");
        }
        var runs = await store.RunsUsingAsync(name, version, cancellationToken);
        if (runs.Count > 0)
        {
            return Problem(StatusCodes.Status409Conflict, "Dataset version in use",
                $"Dataset '{name}' v{version} is used by {runs.Count} run(s): {string.Join(", ", runs.Take(10))}. Versions that runs use are kept.");
        }
        await store.DeleteVersionAsync(name, version, cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult Problem(int status, string title, string detail, string? instance = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, instance: instance);

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private sealed class QueueFullException() : Exception("The ingest queue filled up while the upload was received; try again later.");
}
