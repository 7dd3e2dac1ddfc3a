using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Inference.Serving;
using Platform.Inference.Telemetry;

namespace Platform.Inference.Apis;

/// <summary>
/// The Open Inference Protocol (KServe v2) over REST, so Triton and KServe clients work: health, model metadata and readiness, and
/// infer with FP32 tensor JSON (already preprocessed NCHW input; the model's logits as output). Errors are <c>{"error": "..."}</c> as
/// the protocol says. Infer requests share the predict path's queues, batching and limits.
/// </summary>
public static class OpenInferenceApi
{
    private const string Platform = OpenInferenceTensors.Platform;
    private const string Fp32 = OpenInferenceTensors.Fp32;

    public static RouteGroupBuilder MapOpenInferenceApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("Open Inference Protocol (KServe v2)");
        v2.MapGet("/", () => TypedResults.Ok(new { name = "platform-inference", version = OpenInferenceVersion(), extensions = Array.Empty<string>() }))
            .WithName("V2ServerMetadata");
        v2.MapGet("/health/live", () => TypedResults.Ok(new { live = true })).WithName("V2Live");
        v2.MapGet("/health/ready", ServerReady).WithName("V2Ready");
        v2.MapGet("/models/{name}", (string name, ModelRegistry registry) => ModelMetadata(name, null, registry)).WithName("V2ModelMetadata");
        v2.MapGet("/models/{name}/versions/{version:int}", (string name, int version, ModelRegistry registry) => ModelMetadata(name, version, registry))
            .WithName("V2ModelVersionMetadata");
        v2.MapGet("/models/{name}/ready", (string name, ModelRegistry registry) => ModelReady(name, null, registry)).WithName("V2ModelReady");
        v2.MapGet("/models/{name}/versions/{version:int}/ready", (string name, int version, ModelRegistry registry) => ModelReady(name, version, registry))
            .WithName("V2ModelVersionReady");
        v2.MapPost("/models/{name}/infer", (string name, HttpContext context, Predictor predictor, InferenceTelemetry telemetry, IOptions<InferenceOptions> options) =>
            InferAsync(name, null, context, predictor, telemetry, options.Value)).WithName("V2Infer");
        v2.MapPost("/models/{name}/versions/{version:int}/infer", (string name, int version, HttpContext context, Predictor predictor, InferenceTelemetry telemetry,
            IOptions<InferenceOptions> options) => InferAsync(name, version, context, predictor, telemetry, options.Value)).WithName("V2InferVersion");
        return v2;
    }

    public static string OpenInferenceVersion() => typeof(OpenInferenceApi).Assembly.GetName().Version?.ToString() ?? "1.0";

    private static IResult ServerReady(ModelRegistry registry)
    {
        var ready = registry.StartupComplete && registry.PendingPromotions().Count == 0;
        return TypedResults.Json(new { ready }, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static IResult ModelMetadata(string name, int? version, ModelRegistry registry)
    {
        if (registry.Resolve(name, null, version, out var served) is var resolution && resolution != Resolution.Found)
        {
            return Error(resolution == Resolution.NotReady ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status404NotFound, NotFound(name, version, resolution));
        }
        var model = registry.Models.Single(m => m.Name == name);
        return TypedResults.Ok(new V2ModelMetadata(name, [.. model.Versions.Keys.Order().Select(v => v.ToString())], Platform,
            [new V2TensorMetadata(served!.InputName, Fp32, [-1, .. served.ImageShape])],
            [new V2TensorMetadata(served.OutputName, Fp32, [-1, served.Labels.Count])]));
    }

    private static IResult ModelReady(string name, int? version, ModelRegistry registry)
    {
        var resolution = registry.Resolve(name, null, version, out _);
        return resolution switch
        {
            Resolution.Found => TypedResults.Ok(new { name, ready = true }),
            Resolution.NotReady => TypedResults.Json(new { name, ready = false }, statusCode: StatusCodes.Status503ServiceUnavailable),
            _ => Error(StatusCodes.Status404NotFound, NotFound(name, version, resolution)),
        };
    }

    private static async Task<IResult> InferAsync(string name, int? version, HttpContext context, Predictor predictor, InferenceTelemetry telemetry,
        InferenceOptions options)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            RequestBody.LimitSize(context, options);
            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            }
            catch (JsonException exception)
            {
                throw new InferenceRejectedException(StatusCodes.Status400BadRequest, "Bad JSON", $"The body is not valid JSON: {exception.Message}", "bad_json");
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                throw new InferenceRejectedException(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The body exceeds {options.MaxBodyBytes} bytes (Inference:MaxBodyBytes).", "body_too_large");
            }
            using (document)
            {
                var request = document.RootElement;
                string? id = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
                    ? idElement.GetString() : null;
                var prediction = await predictor.PredictAsync(name, null, version, id, model => ReadInput(request, model, predictor, options), context.RequestAborted);
                var classes = prediction.Model.Labels.Count;
                var data = new float[prediction.Outcomes.Count * classes];
                for (var i = 0; i < prediction.Outcomes.Count; i++)
                {
                    prediction.Outcomes[i].Logits.CopyTo(data, i * classes);
                }
                telemetry.RecordAnswer(name, started, rejectionReason: null);
                return TypedResults.Ok(new V2InferResponse(name, prediction.Model.Version.ToString(), id,
                    [new V2OutputTensor(prediction.Model.OutputName, Fp32, [prediction.Outcomes.Count, classes], data)]));
            }
        }
        catch (InferenceRejectedException rejection)
        {
            telemetry.RecordAnswer(name, started, rejection.Reason);
            if (rejection.Retryable)
            {
                context.Response.Headers.RetryAfter = options.RetryAfterSeconds.ToString();
            }
            return Error(rejection.Status, rejection.Message);
        }
    }

    /// <summary>The one FP32 input tensor, shape [N, C, H, W] as the model takes it, split into N images.</summary>
    private static List<float[]> ReadInput(JsonElement request, ServedModel model, Predictor predictor, InferenceOptions options)
    {
        if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() != 1)
        {
            throw BadRequest("The request needs \"inputs\": an array with exactly one tensor.");
        }
        var input = inputs[0];
        var datatype = input.TryGetProperty("datatype", out var datatypeElement) && datatypeElement.ValueKind == JsonValueKind.String ? datatypeElement.GetString() : null;
        if (!input.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw BadRequest("The input needs a \"shape\".");
        }
        var shape = shapeElement.EnumerateArray().Select(d => d.TryGetInt64(out var value) ? value : -1).ToArray();
        var images = OpenInferenceTensors.CheckInput(datatype, shape, model, predictor, options);
        if (!input.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw BadRequest("The input needs \"data\": the tensor's values, flat or nested, in row-major order.");
        }
        var imageLength = model.Preprocessing.OutputLength;
        var values = new float[images * imageLength];
        var count = 0;
        Flatten(data, values, ref count);
        if (count != values.Length)
        {
            throw BadRequest($"The shape [{string.Join(", ", shape)}] needs {values.Length} values; \"data\" has {count}.");
        }
        return OpenInferenceTensors.SplitImages(values, images, imageLength);
    }

    private static void Flatten(JsonElement element, float[] values, ref int count)
    {
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                Flatten(item, values, ref count);
                continue;
            }
            if (item.ValueKind != JsonValueKind.Number)
            {
                throw BadRequest("\"data\" may hold only numbers.");
            }
            if (count == values.Length)
            {
                count++;
                return;
            }
            values[count++] = item.GetSingle();
        }
    }

    private static InferenceRejectedException BadRequest(string detail) => OpenInferenceTensors.BadRequest(detail);

    private static string NotFound(string name, int? version, Resolution resolution) => resolution switch
    {
        Resolution.UnknownModel => $"Unknown model '{name}'.",
        Resolution.NotReady => $"Model '{name}' is still loading.",
        _ => version is { } v ? $"Model '{name}' has no loaded version {v}." : $"Model '{name}' has no served version.",
    };

    private static IResult Error(int status, string message) => TypedResults.Json(new { error = message }, statusCode: status);
}
