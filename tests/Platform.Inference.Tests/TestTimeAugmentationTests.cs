using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Imaging.Formats;

namespace Platform.Inference.Tests;

[Collection(InferenceCollection.Name)]
public sealed class TestTimeAugmentationTests(InferenceFixture fixture)
{
    private const int ImageIndex = 9950;

    [Fact]
    public async Task Tta_flip_answers_the_mean_of_the_image_and_mirror_image_probabilities()
    {
        var reference = fixture.Versions[1];
        var image = fixture.TestImages.Load(ImageIndex);

        var answer = await PredictAsync("&tta=flip");
        var plain = await PredictAsync("");

        var single = ReferenceModel.Softmax(reference.Logits(image), reference.Temperature);
        var mirrored = ReferenceModel.Softmax(reference.Logits(Mirror(image)), reference.Temperature);
        var expected = single.Zip(mirrored, (p, q) => (p + q) / 2).ToArray();
        Assert.Equal("flip", answer.GetProperty("tta").GetString());
        foreach (var prediction in answer.GetProperty("results")[0].GetProperty("predictions").EnumerateArray())
        {
            Assert.Equal(expected[prediction.GetProperty("index").GetInt32()], prediction.GetProperty("probability").GetDouble(), 1e-5);
        }

        // Off (the default), the answer is the single view's, and the mirrored view does change this image's figures.
        Assert.Equal("none", plain.GetProperty("tta").GetString());
        var top = plain.GetProperty("results")[0].GetProperty("predictions")[0];
        Assert.Equal(single[top.GetProperty("index").GetInt32()], top.GetProperty("probability").GetDouble(), 1e-5);
        Assert.True(single.Zip(expected).Max(pair => Math.Abs(pair.First - pair.Second)) > 1e-4);
    }

    [Fact]
    public async Task An_unknown_tta_is_a_400_that_names_it()
    {
        using var response = await fixture.Service.Client.PostAsync($"/models/{InferenceFixture.ModelName}/versions/1/predict?tta=rotate",
            new ByteArrayContent(fixture.Png(ImageIndex)));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_tta", body.GetProperty("reason").GetString());
        Assert.Contains("'rotate'", body.GetProperty("detail").GetString());
    }

    private async Task<JsonElement> PredictAsync(string query)
    {
        using var response = await fixture.Service.Client.PostAsync($"/models/{InferenceFixture.ModelName}/versions/1/predict?topK=10{query}",
            new ByteArrayContent(fixture.Png(ImageIndex)));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    private static ImageBuffer Mirror(ImageBuffer image)
    {
        var pixels = new byte[image.Pixels.Length];
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                for (var channel = 0; channel < image.Channels; channel++)
                {
                    pixels[(y * image.Width + x) * image.Channels + channel] = image.Pixels[(y * image.Width + image.Width - 1 - x) * image.Channels + channel];
                }
            }
        }

        return new ImageBuffer(image.Width, image.Height, image.Channels, pixels);
    }
}
