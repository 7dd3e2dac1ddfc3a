using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Platform.Inference.Protocol;

namespace Platform.Inference.Tests;

[Collection(InferenceCollection.Name)]
public sealed class GrpcInferenceTests(InferenceFixture fixture) : IDisposable
{
    private readonly GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{fixture.GrpcPort}");

    private GRPCInferenceService.GRPCInferenceServiceClient Client => new(channel);

    [Fact]
    public async Task Server_and_model_health_and_metadata_answer_as_the_protocol_says()
    {
        Assert.True((await Client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await Client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = InferenceFixture.ModelName })).Ready);
        var metadata = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = InferenceFixture.ModelName });
        Assert.Equal("onnxruntime_onnx", metadata.Platform);
        Assert.Equal([-1L, 1, 28, 28], metadata.Inputs.Single().Shape);
        Assert.Equal([-1L, 10], metadata.Outputs.Single().Shape);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Client.ModelReadyAsync(new ModelReadyRequest { Name = "no-such-model" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task ModelInfer_gives_the_same_logits_as_the_rest_endpoint_for_the_same_tensor_raw_or_typed()
    {
        var reference = fixture.Versions[1];
        var tensor = new[] { 9910, 9911, 9912 }.SelectMany(i =>
        {
            var image = new float[reference.Preprocessing.OutputLength];
            reference.Preprocessing.Apply(fixture.TestImages.Load(i), image);
            return image;
        }).ToArray();
        using var rest = await fixture.Service.Client.PostAsJsonAsync($"/v2/models/{InferenceFixture.ModelName}/versions/1/infer",
            new { inputs = new[] { new { name = "input", shape = new[] { 3, 1, 28, 28 }, datatype = "FP32", data = tensor } } });
        var restBody = await rest.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(rest.IsSuccessStatusCode, restBody.ToString());
        var restLogits = restBody.GetProperty("outputs")[0].GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();

        var raw = Request(tensor);
        raw.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(tensor.AsSpan())));
        var typed = Request(tensor);
        typed.Inputs[0].Contents = new InferTensorContents();
        typed.Inputs[0].Contents.Fp32Contents.Add(tensor);
        var rawAnswer = await Client.ModelInferAsync(raw);
        var typedAnswer = await Client.ModelInferAsync(typed);

        Assert.Equal(("1", "grpc-1"), (rawAnswer.ModelVersion, rawAnswer.Id));
        Assert.Equal([3L, 10], rawAnswer.Outputs.Single().Shape);
        Assert.Equal(restLogits, MemoryMarshal.Cast<byte, float>(rawAnswer.RawOutputContents.Single().Span).ToArray());
        Assert.Equal(restLogits, typedAnswer.Outputs.Single().Contents.Fp32Contents);
    }

    [Fact]
    public async Task A_wrong_shape_is_invalid_argument_with_the_reason()
    {
        var request = new ModelInferRequest { ModelName = InferenceFixture.ModelName };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 1, 3, 28, 28 } });
        request.RawInputContents.Add(ByteString.CopyFrom(new byte[3 * 28 * 28 * 4]));

        var failure = await Assert.ThrowsAsync<RpcException>(() => Client.ModelInferAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, failure.StatusCode);
        Assert.Contains("[N, 1, 28, 28]", failure.Status.Detail);
    }

    private static ModelInferRequest Request(float[] tensor)
    {
        var request = new ModelInferRequest { ModelName = InferenceFixture.ModelName, ModelVersion = "1", Id = "grpc-1" };
        request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { 3, 1, 28, 28 } });
        return request;
    }

    public void Dispose() => channel.Dispose();
}
