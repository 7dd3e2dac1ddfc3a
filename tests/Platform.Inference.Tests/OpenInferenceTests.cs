using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Inference.Tests;

[Collection(InferenceCollection.Name)]
public sealed class OpenInferenceTests(InferenceFixture fixture)
{
    [Fact]
    public async Task Server_liveness_and_readiness_answer_200()
    {
        using var live = await fixture.Service.Client.GetAsync("/v2/health/live");
        using var ready = await fixture.Service.Client.GetAsync("/v2/health/ready");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True((await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ready").GetBoolean());
    }

    [Fact]
    public async Task Model_metadata_describes_the_input_and_output_tensors()
    {
        var metadata = await fixture.Service.Client.GetFromJsonAsync<JsonElement>("/v2/models/fashion-cnn");
        Assert.Equal("fashion-cnn", metadata.GetProperty("name").GetString());
        Assert.Equal("onnxruntime_onnx", metadata.GetProperty("platform").GetString());
        Assert.Contains((await fixture.ServingVersionAsync()).ToString(), metadata.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        var input = metadata.GetProperty("inputs")[0];
        Assert.Equal("FP32", input.GetProperty("datatype").GetString());
        Assert.Equal([-1L, 1, 28, 28], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        Assert.Equal([-1L, 10], metadata.GetProperty("outputs")[0].GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
    }

    [Fact]
    public async Task Model_readiness_is_200_for_a_served_model_and_404_for_an_unknown_one()
    {
        using var served = await fixture.Service.Client.GetAsync("/v2/models/fashion-cnn/ready");
        using var unknown = await fixture.Service.Client.GetAsync("/v2/models/no-such-model/ready");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("no-such-model", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Infer_with_an_fp32_tensor_returns_the_models_logits()
    {
        var serving = await fixture.ServingVersionAsync();
        var reference = fixture.Versions[serving];
        var indices = new[] { 9900, 9901, 9902 };
        var tensors = indices.Select(i =>
        {
            var tensor = new float[reference.Preprocessing.OutputLength];
            reference.Preprocessing.Apply(fixture.TestImages.Load(i), tensor);
            return tensor;
        }).ToList();
        var request = new
        {
            id = "request-7",
            inputs = new[] { new { name = "input", shape = new[] { indices.Length, 1, 28, 28 }, datatype = "FP32", data = tensors.SelectMany(t => t).ToArray() } },
        };
        using var response = await fixture.Service.Client.PostAsJsonAsync("/v2/models/fashion-cnn/infer", request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.Equal("request-7", body.GetProperty("id").GetString());
        Assert.Equal(serving.ToString(), body.GetProperty("model_version").GetString());
        var output = body.GetProperty("outputs")[0];
        Assert.Equal([3L, 10], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()));
        var data = output.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        for (var i = 0; i < indices.Length; i++)
        {
            var expected = reference.Logits(fixture.TestImages.Load(indices[i]));
            Assert.All(expected.Zip(data.Skip(i * 10).Take(10)), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, 1e-4f));
        }
    }

    [Fact]
    public async Task Infer_with_a_wrong_shape_answers_400_with_an_error_message()
    {
        var request = new { inputs = new[] { new { name = "input", shape = new[] { 1, 3, 28, 28 }, datatype = "FP32", data = new float[3 * 28 * 28] } } };
        using var response = await fixture.Service.Client.PostAsJsonAsync("/v2/models/fashion-cnn/infer", request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("[N, 1, 28, 28]", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }
}
