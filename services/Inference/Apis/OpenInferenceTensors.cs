using Platform.Inference.Serving;

namespace Platform.Inference.Apis;

/// <summary>What the Open Inference Protocol's REST and gRPC endpoints check alike: the input tensor's datatype and shape, and its split into images.</summary>
public static class OpenInferenceTensors
{
    public const string Fp32 = "FP32";

    /// <summary>The platform name the protocol gives an ONNX Runtime model.</summary>
    public const string Platform = "onnxruntime_onnx";

    /// <summary>Checks an FP32 input of shape [N, C, H, W] as the model takes it, N within the request and queue limits; returns N.</summary>
    public static int CheckInput(string? datatype, IReadOnlyList<long> shape, ServedModel model, Predictor predictor, InferenceOptions options)
    {
        if (datatype != Fp32)
        {
            throw BadRequest($"The input's datatype must be {Fp32}.");
        }
        long[] expected = model.ImageShape;
        if (shape.Count != 4 || shape[0] < 1 || !shape.Skip(1).SequenceEqual(expected))
        {
            throw BadRequest($"The input shape must be [N, {string.Join(", ", expected)}] with N ≥ 1; got [{string.Join(", ", shape)}].");
        }
        if (shape[0] > options.MaxImagesPerRequest)
        {
            throw BadRequest($"At most {options.MaxImagesPerRequest} images per request (Inference:MaxImagesPerRequest); got {shape[0]}.");
        }
        predictor.EnsureFitsQueue(shape[0]);
        return (int)shape[0];
    }

    /// <summary>The tensor's values as one array per image; the caller has checked that there are images × imageLength of them.</summary>
    public static List<float[]> SplitImages(ReadOnlySpan<float> values, int images, int imageLength)
    {
        var split = new List<float[]>(images);
        for (var i = 0; i < images; i++)
        {
            split.Add(values.Slice(i * imageLength, imageLength).ToArray());
        }
        return split;
    }

    public static InferenceRejectedException BadRequest(string detail) =>
        new(StatusCodes.Status400BadRequest, "Bad infer request", detail, "bad_tensor");
}
