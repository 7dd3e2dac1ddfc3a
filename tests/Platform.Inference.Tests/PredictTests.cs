using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Imaging;
using Platform.Testing;
using Platform.Imaging.Formats;

namespace Platform.Inference.Tests;

[Collection(InferenceCollection.Name)]
public sealed class PredictTests(InferenceFixture fixture)
{
    private const float LogitTolerance = 1e-4f;

    [Fact]
    public async Task Predict_on_unseen_test_images_gives_the_trained_models_logits_and_labels()
    {
        for (var index = 9000; index < 9024; index++)
        {
            var answer = await PredictAsync(fixture.Png(index), "/models/fashion-cnn/predict?logits=true&topK=3");
            var reference = fixture.Versions[answer.GetProperty("version").GetInt32()];
            var expected = reference.Logits(fixture.TestImages.Load(index));
            var result = answer.GetProperty("results")[0];
            var logits = result.GetProperty("logits").EnumerateArray().Select(v => v.GetSingle()).ToArray();
            Assert.Equal(expected.Length, logits.Length);
            Assert.All(expected.Zip(logits), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, LogitTolerance));
            var predictions = result.GetProperty("predictions");
            Assert.Equal(3, predictions.GetArrayLength());
            Assert.Equal(reference.Labels[ArgMax(expected)], predictions[0].GetProperty("label").GetString());
            Assert.Equal(InferenceFixture.ModelName, answer.GetProperty("model").GetString());
            Assert.Equal("production", answer.GetProperty("alias").GetString());
        }
    }

    [Fact]
    public async Task Probabilities_are_the_softmax_of_the_logits_over_the_reported_temperature_in_descending_order()
    {
        var answer = await PredictAsync(fixture.Png(9100), "/models/fashion-cnn/predict?logits=true&topK=10");
        var result = answer.GetProperty("results")[0];
        // The package's calibration temperature (CalibrationTests checks it is the stored one).
        var temperature = answer.GetProperty("temperature").GetDouble();
        var logits = result.GetProperty("logits").EnumerateArray().Select(v => v.GetSingle() / temperature).ToArray();
        var denominator = logits.Sum(l => Math.Exp(l - logits.Max()));
        var probabilities = result.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(10, probabilities.Count);
        foreach (var p in probabilities)
        {
            var expected = Math.Exp(logits[p.GetProperty("index").GetInt32()] - logits.Max()) / denominator;
            // The logits travel as JSON floats: agreement to float precision.
            Assert.Equal(expected, p.GetProperty("probability").GetDouble(), 1e-6);
        }
        Assert.True(probabilities.Zip(probabilities.Skip(1)).All(pair => pair.First.GetProperty("probability").GetDouble() >= pair.Second.GetProperty("probability").GetDouble()));
    }

    [Fact]
    public async Task A_multipart_batch_agrees_with_single_image_requests()
    {
        var indices = Enumerable.Range(9200, 8).ToArray();
        using var form = new MultipartFormDataContent();
        foreach (var index in indices)
        {
            var part = new ByteArrayContent(fixture.Png(index));
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, "images", $"image-{index}.png");
        }
        using var response = await fixture.Service.Client.PostAsync("/models/fashion-cnn/predict?logits=true", form);
        var batch = await ReadOkAsync(response);
        var results = batch.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(indices.Length, results.Count);
        for (var i = 0; i < indices.Length; i++)
        {
            Assert.Equal($"image-{indices[i]}.png", results[i].GetProperty("name").GetString());
            var single = (await PredictAsync(fixture.Png(indices[i]), $"/models/fashion-cnn/versions/{batch.GetProperty("version").GetInt32()}/predict?logits=true")).GetProperty("results")[0];
            var batchLogits = results[i].GetProperty("logits").EnumerateArray().Select(v => v.GetSingle());
            var singleLogits = single.GetProperty("logits").EnumerateArray().Select(v => v.GetSingle());
            Assert.All(batchLogits.Zip(singleLogits), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, LogitTolerance));
            Assert.Equal(single.GetProperty("predictions")[0].GetProperty("label").GetString(), results[i].GetProperty("predictions")[0].GetProperty("label").GetString());
        }
    }

    [Theory]
    [InlineData(ImageFormat.Jpeg)]
    [InlineData(ImageFormat.Webp)]
    [InlineData(ImageFormat.Bmp)]
    public async Task Jpeg_webp_and_bmp_bodies_are_decoded_and_preprocessed_like_the_reference(ImageFormat format)
    {
        var gray = fixture.TestImages.Load(9300);
        var bytes = format == ImageFormat.Bmp ? EncodedSamples.Bmp(gray.WithChannels(3)) : ImageEncoder.Encode(gray, format);
        var answer = await PredictAsync(bytes, "/models/fashion-cnn/predict?logits=true");
        var expected = fixture.Versions[answer.GetProperty("version").GetInt32()].Logits(ImageDecoder.Decode(bytes, new DecodeOptions(Channels: 1)));
        var logits = answer.GetProperty("results")[0].GetProperty("logits").EnumerateArray().Select(v => v.GetSingle());
        Assert.All(expected.Zip(logits), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, LogitTolerance));
    }

    [Fact]
    public async Task A_pinned_version_is_served_by_that_version()
    {
        var serving = await fixture.ServingVersionAsync();
        var answer = await PredictAsync(fixture.Png(9400), $"/models/fashion-cnn/versions/{serving}/predict");
        Assert.Equal(serving, answer.GetProperty("version").GetInt32());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("alias").ValueKind);
    }

    [Fact]
    public async Task The_status_endpoint_reports_the_execution_provider_and_the_loaded_model()
    {
        var status = await fixture.Service.Client.GetFromJsonAsync<JsonElement>("/status");
        // This machine has no CUDA 13 libraries: the CPU provider runs and the status says why CUDA does not.
        Assert.Equal("cpu", status.GetProperty("provider").GetString());
        Assert.Contains("CUDA", status.GetProperty("fallbackReason").GetString());
        Assert.True(status.GetProperty("ready").GetBoolean());
        var model = status.GetProperty("models").EnumerateArray().Single();
        Assert.Equal([1L, 28L, 28L], model.GetProperty("versions")[0].GetProperty("inputShape").EnumerateArray().Select(d => d.GetInt64()));
    }

    private async Task<JsonElement> PredictAsync(byte[] image, string path)
    {
        using var content = new ByteArrayContent(image);
        using var response = await fixture.Service.Client.PostAsync(path, content);
        return await ReadOkAsync(response);
    }

    private static async Task<JsonElement> ReadOkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static int ArgMax(float[] values) => Array.IndexOf(values, values.Max());
}
