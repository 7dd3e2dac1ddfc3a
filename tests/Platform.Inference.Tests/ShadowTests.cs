using System.Net;
using System.Text.Json;

namespace Platform.Inference.Tests;

[Collection(InferenceCollection.Name)]
public sealed class ShadowTests(InferenceFixture fixture)
{
    private const string Alias = "shadowed";

    [Fact]
    public async Task Shadow_agreement_equals_a_direct_comparison_of_the_two_versions_on_the_same_images()
    {
        await fixture.ApplyRouteAsync(fixture.SplitPromotion(Alias, [(1, 100)], shadow: 2));
        var before = await AgreementAsync();
        var indices = Enumerable.Range(9200, 24).ToArray();

        using var form = OverloadTests.Multipart(indices.Select(fixture.Png));
        using var response = await fixture.Service.Client.PostAsync($"/models/{InferenceFixture.ModelName}/predict?alias={Alias}", form);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var figures = await AgreementAsync(compared: before.Compared + indices.Length);

        var (primary, shadow) = (fixture.Versions[1], fixture.Versions[2]);
        var matches = 0;
        var difference = 0.0;
        foreach (var index in indices)
        {
            var p = primary.Probabilities(fixture.TestImages.Load(index));
            var q = shadow.Probabilities(fixture.TestImages.Load(index));
            matches += Array.IndexOf(p, p.Max()) == Array.IndexOf(q, q.Max()) ? 1 : 0;
            difference += p.Zip(q, (a, b) => Math.Abs(a - b)).Average();
        }
        // The figures are over every image compared since the pair began: take this request's share out of them.
        var top1 = (figures.Top1 * figures.Compared - before.Top1 * before.Compared) / indices.Length;
        var meanDifference = (figures.MeanDifference * figures.Compared - before.MeanDifference * before.Compared) / indices.Length;
        Assert.Equal((double)matches / indices.Length, top1, 1e-9);
        Assert.Equal(difference / indices.Length, meanDifference, 1e-5);
    }

    [Fact]
    public async Task Under_overload_the_shadow_is_shed_and_the_primary_answers_only_200_or_429()
    {
        await fixture.ApplyRouteAsync(fixture.SplitPromotion(Alias, [(1, 100)], shadow: 2));
        var before = await AgreementAsync();
        var images = Enumerable.Range(9300, 8).Select(fixture.Png).ToList();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 48).Select(_ => Task.Run(async () =>
        {
            var mine = new List<(HttpStatusCode, string)>();
            for (var i = 0; i < 6; i++)
            {
                using var form = OverloadTests.Multipart(images);
                using var answer = await fixture.Service.Client.PostAsync($"/models/{InferenceFixture.ModelName}/predict?alias={Alias}", form);
                mine.Add((answer.StatusCode, await answer.Content.ReadAsStringAsync()));
            }
            return mine;
        })));

        Assert.All(statuses.SelectMany(s => s), s => Assert.True(s.Item1 is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{(int)s.Item1}: {s.Item2}"));
        var after = await AgreementAsync();
        Assert.True(after.Shed > before.Shed, $"No mirrored request was shed ({after.Compared - before.Compared} images compared).");
        using var health = await fixture.Service.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>The alias's agreement figures for v1 against shadow v2, once at least <paramref name="compared"/> images are compared.</summary>
    private async Task<(long Compared, long Shed, double Top1, double MeanDifference)> AgreementAsync(long compared = 0)
    {
        (long, long, double, double) figures = default;
        await fixture.Service.PollAsync("/status", status =>
        {
            var model = status.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == InferenceFixture.ModelName);
            var pair = model.GetProperty("shadows").EnumerateArray()
                .FirstOrDefault(s => s.GetProperty("alias").GetString() == Alias && s.GetProperty("primary").GetInt32() == 1 && s.GetProperty("shadow").GetInt32() == 2);
            figures = pair.ValueKind == JsonValueKind.Object
                ? (pair.GetProperty("compared").GetInt64(), pair.GetProperty("shed").GetInt64(), pair.GetProperty("top1Agreement").GetDouble(),
                    pair.GetProperty("meanAbsProbabilityDifference").GetDouble())
                : default;
            return figures.Item1 >= compared;
        }, TimeSpan.FromSeconds(30));
        return figures;
    }
}
