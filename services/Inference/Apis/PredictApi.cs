using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Contracts.Predictions;
using Platform.Inference.Serving;
using Platform.Inference.Telemetry;

namespace Platform.Inference.Apis;

public static class PredictApi
{
    public const string RequestIdHeader = "X-Request-Id";

    public static RouteGroupBuilder MapPredictApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/models").WithTags("Predict");
        api.MapPost("/{name}/predict", PredictByAlias)
            .WithName("Predict")
            .WithSummary("Classify one image (JPEG, PNG, WebP, BMP body) or a multipart/form-data batch with the version an alias serves")
            .WithDescription("Query: alias (default production), topK (default Inference:DefaultTopK), logits=true to return raw logits, calibrated=false for the raw softmax "
                + "instead of the package's temperature-scaled probabilities, tta=flip to average the probabilities of each image and its mirror image "
                + "(two inferences per image; logits are then the unmirrored view's). "
                + "Header X-Request-Id: a split alias sends the same id to the same version.");
        api.MapPost("/{name}/versions/{version:int}/predict", PredictByVersion)
            .WithName("PredictWithVersion")
            .WithSummary("Classify with a pinned version (a version an alias serves, or the one it served before)");
        return api;
    }

    public static Task<Results<Ok<PredictionResponse>, ProblemHttpResult>> PredictByAlias(string name, string? alias, int? topK, bool? logits,
        bool? calibrated, string? tta, HttpContext context, Predictor predictor, InferenceTelemetry telemetry, IOptions<InferenceOptions> options) =>
        PredictAsync(name, alias, null, topK, logits, calibrated ?? true, tta, context, predictor, telemetry, options.Value);

    public static Task<Results<Ok<PredictionResponse>, ProblemHttpResult>> PredictByVersion(string name, int version, int? topK, bool? logits,
        bool? calibrated, string? tta, HttpContext context, Predictor predictor, InferenceTelemetry telemetry, IOptions<InferenceOptions> options) =>
        PredictAsync(name, null, version, topK, logits, calibrated ?? true, tta, context, predictor, telemetry, options.Value);

    private static async Task<Results<Ok<PredictionResponse>, ProblemHttpResult>> PredictAsync(string name, string? alias, int? version, int? topK,
        bool? logits, bool calibrated, string? tta, HttpContext context, Predictor predictor, InferenceTelemetry telemetry, InferenceOptions options)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (topK is < 1)
            {
                throw new InferenceRejectedException(StatusCodes.Status400BadRequest, "Invalid topK", "topK must be at least 1.", "invalid_topk");
            }
            var flip = FlipRequested(tta);
            // With tta=flip every image is queued twice, as itself and mirrored, and the two views are next to each other.
            var views = flip ? 2 : 1;
            var images = await RequestBody.ReadImagesAsync(context, options, context.RequestAborted);
            IReadOnlyList<float[]> Prepare(ServedModel model) => [.. images.SelectMany(image =>
            {
                var tensor = model.Preprocess(image.Bytes, predictor.DecodeOptions);
                return flip ? [tensor, model.Mirror(tensor)] : new[] { tensor };
            })];
            var prediction = await predictor.PredictAsync(name, alias, version, RequestId(context),
                model =>
                {
                    predictor.EnsureFitsQueue(images.Count * views);
                    return Prepare(model);
                }, context.RequestAborted, prepareForShadow: Prepare);
            var k = topK ?? options.DefaultTopK;
            var results = images.Select((image, i) =>
            {
                var outcome = prediction.Outcomes[i * views];
                var probabilities = prediction.Model.Probabilities(outcome.Logits, calibrated);
                if (flip)
                {
                    var mirrored = prediction.Model.Probabilities(prediction.Outcomes[i * views + 1].Logits, calibrated);
                    probabilities = [.. probabilities.Zip(mirrored, (p, q) => (p + q) / 2)];
                }
                return new ImagePrediction(image.Name, TopK(probabilities, prediction.Model.Labels, k), logits == true ? outcome.Logits : null,
                    outcome.BatchSize, outcome.QueueMs, outcome.InferenceMs);
            }).ToList();
            telemetry.RecordAnswer(name, started, rejectionReason: null);
            return TypedResults.Ok(new PredictionResponse(prediction.Model.Name, prediction.Model.Version, prediction.Alias, prediction.Model.RunId, results, prediction.TotalMs,
                calibrated ? prediction.Model.Temperature : 1, flip ? "flip" : "none"));
        }
        catch (InferenceRejectedException rejection)
        {
            telemetry.RecordAnswer(name, started, rejection.Reason);
            return Problem(context, rejection, options);
        }
    }

    /// <summary>tta: absent or none for the image alone, flip for the average with its mirror image; anything else is a 400 naming it.</summary>
    private static bool FlipRequested(string? tta) => tta?.ToLowerInvariant() switch
    {
        null or "" or "none" => false,
        "flip" => true,
        _ => throw new InferenceRejectedException(StatusCodes.Status400BadRequest, "Invalid tta", $"tta must be none or flip (was '{tta}').", "invalid_tta"),
    };

    /// <summary>The client's id for the request, which keeps its retries on the same version of a split alias.</summary>
    private static string? RequestId(HttpContext context) =>
        context.Request.Headers.TryGetValue(RequestIdHeader, out var id) && !string.IsNullOrWhiteSpace(id) ? id.ToString() : null;

    /// <summary>The k most probable labels first, from the version's probabilities (<see cref="ServedModel.Probabilities"/>).</summary>
    public static IReadOnlyList<LabelProbability> TopK(double[] probabilities, IReadOnlyList<string> labels, int k) =>
        [.. probabilities.Select((p, i) => new LabelProbability(i < labels.Count ? labels[i] : i.ToString(), i, p)).OrderByDescending(p => p.Probability).Take(k)];

    public static ProblemHttpResult Problem(HttpContext context, InferenceRejectedException rejection, InferenceOptions options)
    {
        if (rejection.Retryable)
        {
            context.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString();
        }
        return TypedResults.Problem(new ProblemDetails
        {
            Status = rejection.Status,
            Title = rejection.Title,
            Detail = rejection.Message,
            Extensions = { ["reason"] = rejection.Reason },
        });
    }
}
