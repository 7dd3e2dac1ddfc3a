using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Inference.Tests;

[Collection(InferenceCollection.Name)]
public sealed class CalibrationTests(InferenceFixture fixture)
{
    [Fact]
    public void The_trainer_stores_a_fitted_temperature_and_its_calibration_errors_in_the_package()
    {
        var calibration = fixture.Versions[1].Index.Calibration;

        Assert.NotNull(calibration);
        Assert.True(calibration.Temperature > 0 && calibration.Temperature != 1, $"temperature {calibration.Temperature}");
        Assert.Equal(500, calibration.Images);
        // Temperature scaling minimises the validation NLL, which cannot leave the fit much worse calibrated than T = 1.
        Assert.True(calibration.EceAfter <= calibration.EceBefore + 0.01, $"ECE {calibration.EceBefore:F4} → {calibration.EceAfter:F4}");
    }

    [Fact]
    public async Task Probabilities_use_the_stored_temperature_and_calibrated_false_returns_the_raw_softmax()
    {
        var reference = fixture.Versions[1];
        var image = fixture.TestImages.Load(9950);

        var calibrated = await PredictAsync("");
        var raw = await PredictAsync("&calibrated=false");

        var logits = calibrated.GetProperty("results")[0].GetProperty("logits").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(reference.Temperature, calibrated.GetProperty("temperature").GetDouble());
        Assert.Equal(1, raw.GetProperty("temperature").GetDouble());
        AssertProbabilities(ReferenceModel.Softmax(logits, reference.Temperature), calibrated);
        AssertProbabilities(ReferenceModel.Softmax(logits, 1), raw);
        Assert.All(reference.Logits(image).Zip(logits), pair => Assert.InRange(Math.Abs(pair.First - pair.Second), 0, 1e-4f));
        // Scaling keeps the order of the classes: the same label is on top either way.
        Assert.Equal(Top(raw).GetProperty("index").GetInt32(), Top(calibrated).GetProperty("index").GetInt32());
    }

    private async Task<JsonElement> PredictAsync(string query)
    {
        using var response = await fixture.Service.Client.PostAsync($"/models/{InferenceFixture.ModelName}/versions/1/predict?topK=10&logits=true{query}",
            new ByteArrayContent(fixture.Png(9950)));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    private static JsonElement Top(JsonElement answer) => answer.GetProperty("results")[0].GetProperty("predictions")[0];

    private static void AssertProbabilities(double[] expected, JsonElement answer)
    {
        foreach (var prediction in answer.GetProperty("results")[0].GetProperty("predictions").EnumerateArray())
        {
            Assert.Equal(expected[prediction.GetProperty("index").GetInt32()], prediction.GetProperty("probability").GetDouble(), 1e-6);
        }
    }
}
