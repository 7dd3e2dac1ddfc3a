using System.Diagnostics;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Platform.Inference.Protocol;
using Platform.Inference.Serving;
using Platform.Inference.Telemetry;

namespace Platform.Inference.Apis;

/// <summary>
/// The Open Inference Protocol over gRPC (<c>inference.GRPCInferenceService</c>, Protos/grpc_predict_v2.proto): the same health,
/// metadata and infer as the REST endpoints, through the same <see cref="Predictor"/>, queues, limits and split routing. Infer takes
/// one FP32 tensor [N, C, H, W] as <c>fp32_contents</c> or as <c>raw_input_contents</c> and answers the logits the same way.
/// Rejections are gRPC status codes (429 → RESOURCE_EXHAUSTED, 503 → UNAVAILABLE with a <c>retry-after</c> trailer, …).
/// </summary>
public sealed class OpenInferenceGrpcService(ModelRegistry registry, Predictor predictor, InferenceTelemetry telemetry, IOptions<InferenceOptions> options)
    : GRPCInferenceService.GRPCInferenceServiceBase
{
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = registry.StartupComplete && registry.PendingPromotions().Count == 0 });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = "platform-inference", Version = OpenInferenceApi.OpenInferenceVersion() });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        var resolution = registry.Resolve(request.Name, null, ParseVersion(request.Version), out _);
        return resolution is Resolution.Found or Resolution.NotReady
            ? Task.FromResult(new ModelReadyResponse { Ready = resolution == Resolution.Found })
            : throw new RpcException(new Status(StatusCode.NotFound, NotFound(request.Name, request.Version, resolution)));
    }

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var resolution = registry.Resolve(request.Name, null, ParseVersion(request.Version), out var served);
        if (resolution != Resolution.Found)
        {
            throw new RpcException(new Status(resolution == Resolution.NotReady ? StatusCode.Unavailable : StatusCode.NotFound, NotFound(request.Name, request.Version, resolution)));
        }
        var model = registry.Models.Single(m => m.Name == request.Name);
        var response = new ModelMetadataResponse { Name = request.Name, Platform = OpenInferenceTensors.Platform };
        response.Versions.AddRange(model.Versions.Keys.Order().Select(v => v.ToString()));
        response.Inputs.Add(Tensor(served!.InputName, [-1, .. served.ImageShape]));
        response.Outputs.Add(Tensor(served.OutputName, [-1, served.Labels.Count]));
        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var settings = options.Value;
        try
        {
            var raw = request.RawInputContents.Count > 0;
            var prediction = await predictor.PredictAsync(request.ModelName, null, ParseVersion(request.ModelVersion), NullIfEmpty(request.Id),
                model => ReadInput(request, model, settings), context.CancellationToken);
            var classes = prediction.Model.Labels.Count;
            var logits = new float[prediction.Outcomes.Count * classes];
            for (var i = 0; i < prediction.Outcomes.Count; i++)
            {
                prediction.Outcomes[i].Logits.CopyTo(logits, i * classes);
            }
            var output = new ModelInferResponse.Types.InferOutputTensor { Name = prediction.Model.OutputName, Datatype = OpenInferenceTensors.Fp32 };
            output.Shape.Add([prediction.Outcomes.Count, classes]);
            var response = new ModelInferResponse { ModelName = request.ModelName, ModelVersion = prediction.Model.Version.ToString(), Id = request.Id };
            // Answered the way it was asked: raw bytes for a raw request, typed contents otherwise.
            if (raw)
            {
                response.RawOutputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(logits.AsSpan())));
            }
            else
            {
                output.Contents = new InferTensorContents();
                output.Contents.Fp32Contents.Add(logits);
            }
            response.Outputs.Add(output);
            telemetry.RecordAnswer(request.ModelName, started, rejectionReason: null);
            return response;
        }
        catch (InferenceRejectedException rejection)
        {
            telemetry.RecordAnswer(request.ModelName, started, rejection.Reason);
            var trailers = new Metadata { { "reason", rejection.Reason } };
            if (rejection.Retryable)
            {
                trailers.Add("retry-after", settings.RetryAfterSeconds.ToString());
            }
            throw new RpcException(new Status(StatusCodeOf(rejection.Status), rejection.Message), trailers);
        }
    }

    private List<float[]> ReadInput(ModelInferRequest request, ServedModel model, InferenceOptions settings)
    {
        if (request.Inputs.Count != 1)
        {
            throw OpenInferenceTensors.BadRequest($"The request needs exactly one input tensor; it has {request.Inputs.Count}.");
        }
        var input = request.Inputs[0];
        var images = OpenInferenceTensors.CheckInput(input.Datatype, input.Shape, model, predictor, settings);
        var imageLength = model.Preprocessing.OutputLength;
        var expected = images * imageLength;
        if (request.RawInputContents.Count > 0)
        {
            if (input.Contents is not null || request.RawInputContents.Count != 1)
            {
                throw OpenInferenceTensors.BadRequest("With raw_input_contents, give one entry for the one input and no contents.");
            }
            var bytes = request.RawInputContents[0].Span;
            if (bytes.Length != expected * sizeof(float))
            {
                throw OpenInferenceTensors.BadRequest($"The shape [{string.Join(", ", input.Shape)}] needs {expected * sizeof(float)} bytes of FP32; raw_input_contents has {bytes.Length}.");
            }
            // The protocol's raw layout is little-endian, as this machine's floats are (ONNX Runtime runs on little-endian CPUs only).
            return OpenInferenceTensors.SplitImages(MemoryMarshal.Cast<byte, float>(bytes), images, imageLength);
        }
        var values = input.Contents?.Fp32Contents;
        if (values is null || values.Count != expected)
        {
            throw OpenInferenceTensors.BadRequest($"The shape [{string.Join(", ", input.Shape)}] needs {expected} fp32_contents; the input has {values?.Count ?? 0}.");
        }
        var array = new float[expected];
        values.CopyTo(array, 0);
        return OpenInferenceTensors.SplitImages(array, images, imageLength);
    }

    private static int? ParseVersion(string version) =>
        string.IsNullOrEmpty(version) ? null
        : int.TryParse(version, out var number) && number > 0 ? number
        : throw new RpcException(new Status(StatusCode.InvalidArgument, $"'{version}' is not a model version: versions are positive integers."));

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(string name, long[] shape)
    {
        var tensor = new ModelMetadataResponse.Types.TensorMetadata { Name = name, Datatype = OpenInferenceTensors.Fp32 };
        tensor.Shape.Add(shape);
        return tensor;
    }

    private static string NotFound(string name, string version, Resolution resolution) => resolution switch
    {
        Resolution.UnknownModel => $"Unknown model '{name}'.",
        Resolution.NotReady => $"Model '{name}' is still loading.",
        _ => version.Length > 0 ? $"Model '{name}' has no loaded version {version}." : $"Model '{name}' has no served version.",
    };

    /// <summary>The gRPC status for the HTTP status the REST endpoints answer the same rejection with.</summary>
    public static StatusCode StatusCodeOf(int httpStatus) => httpStatus switch
    {
        StatusCodes.Status400BadRequest or StatusCodes.Status413PayloadTooLarge or StatusCodes.Status415UnsupportedMediaType => StatusCode.InvalidArgument,
        StatusCodes.Status404NotFound => StatusCode.NotFound,
        StatusCodes.Status429TooManyRequests => StatusCode.ResourceExhausted,
        StatusCodes.Status503ServiceUnavailable => StatusCode.Unavailable,
        _ => StatusCode.Internal,
    };
}
