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
                + "instead of the package's temperature-scaled probabilities. "
                + "Header X-Request-Id: a split alias sends the same id to the same version.");
        api.MapPost("/{name}/versions/{version:int}/predict", PredictByVersion)
            .WithName("PredictWithVersion")
            .WithSummary("Classify with a pinned version (a version an alias serves, or the one it served before)");
        return api;
    }

    public static Task<Results<Ok<PredictionResponse>, ProblemHttpResult>> PredictByAlias(string name, string? alias, int? topK, bool? logits,
        bool? calibrated, HttpContext context, Predictor predictor, InferenceTelemetry telemetry, IOptions<InferenceOptions> options) =>
        PredictAsync(name, alias, null, topK, logits, calibrated ?? true, context, predictor, telemetry, options.Value);

    public static Task<Results<Ok<PredictionResponse>, ProblemHttpResult>> PredictByVersion(string name, int version, int? topK, bool? logits,
        bool? calibrated, HttpContext context, Predictor predictor, InferenceTelemetry telemetry, IOptions<InferenceOptions> options) =>
        PredictAsync(name, null, version, topK, logits, calibrated ?? true, context, predictor, telemetry, options.Value);

    private static async Task<Results<Ok<PredictionResponse>, ProblemHttpResult>> PredictAsync(string name, string? alias, int? version, int? topK,
        bool? logits, bool calibrated, HttpContext context, Predictor predictor, InferenceTelemetry telemetry, InferenceOptions options)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (topK is < 1)
            {
                throw new InferenceRejectedException(StatusCodes.Status400BadRequest, "Invalid topK", "topK must be at least 1.", "invalid_topk");
            }
            var images = await RequestBody.ReadImagesAsync(context, options, context.RequestAborted);
            IReadOnlyList<float[]> Prepare(ServedModel model) => [.. images.Select(image => model.Preprocess(image.Bytes, predictor.DecodeOptions))];
            var prediction = await predictor.PredictAsync(name, alias, version, RequestId(context),
                model =>
                {
                    predictor.EnsureFitsQueue(images.Count);
                    return Prepare(model);
                }, context.RequestAborted, prepareForShadow: Prepare);
            var k = topK ?? options.DefaultTopK;
            var results = images.Select((image, i) =>
            {
                var outcome = prediction.Outcomes[i];
                return new ImagePrediction(image.Name, TopK(prediction.Model.Probabilities(outcome.Logits, calibrated), prediction.Model.Labels, k), logits == true ? outcome.Logits : null,
                    outcome.BatchSize, outcome.QueueMs, outcome.InferenceMs);
            }).ToList();
            telemetry.RecordAnswer(name, started, rejectionReason: null);
            return TypedResults.Ok(new PredictionResponse(prediction.Model.Name, prediction.Model.Version, prediction.Alias, prediction.Model.RunId, results, prediction.TotalMs,
                calibrated ? prediction.Model.Temperature : 1));
        }
        catch (InferenceRejectedException rejection)
        {
            telemetry.RecordAnswer(name, started, rejection.Reason);
            return Problem(context, rejection, options);
        }
    }

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
