using System.Text.Json;

namespace Platform.Ingest.Tests;

[Collection(IngestCollection.Name)]
public sealed class UndersamplingIngestTests(IngestFixture fixture)
{
    [Fact]
    public async Task Undersampling_cuts_each_majority_train_class_to_the_ratio_reports_what_it_left_out_and_leaves_val_and_test_alone()
    {
        // 14 cats and 6 dogs: split 80/10/10 per class gives train 12 and 4; balanceRatio 0.5 caps each train class at 4 / 0.5 = 8.
        var archive = TestArchives.Zip(Enumerable.Range(0, 20).Select(i => new TestArchives.Entry($"{(i < 14 ? "cat" : "dog")}/{i}.png", TestArchives.Png(700 + i))));

        var plain = await IngestAsync("undersampled", "", archive);
        var balanced = await IngestAsync("undersampled", "&balance=undersample&balanceRatio=0.5", archive);

        Assert.Equal([12, 4], PerClass(plain, "train"));
        Assert.Equal([8, 4], PerClass(balanced, "train"));
        Assert.Equal(PerClass(plain, "val"), PerClass(balanced, "val"));
        Assert.Equal(PerClass(plain, "test"), PerClass(balanced, "test"));
        var balancing = balanced.GetProperty("balancing");
        Assert.Equal("undersample", balancing.GetProperty("method").GetString());
        Assert.Equal(4, balancing.GetProperty("removedPerClass").GetProperty("cat").GetInt32());
        Assert.Equal(0, balancing.GetProperty("removedPerClass").GetProperty("dog").GetInt32());
        Assert.Equal(3.0, plain.GetProperty("imbalanceRatio").GetDouble());
        Assert.Equal(2.0, balanced.GetProperty("imbalanceRatio").GetDouble());
        Assert.Contains(plain.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("the train split is imbalanced: 3×", StringComparison.Ordinal));
    }

    private async Task<JsonElement> IngestAsync(string name, string query, byte[] archive)
    {
        var accepted = await fixture.UploadAsync($"name={name}&seed=5{query}", IngestFixture.Archive(archive));
        var record = await fixture.WaitForOutcomeAsync(name, accepted.GetProperty("version").GetInt32());
        Assert.Equal("published", record.GetProperty("state").GetString());
        return record.GetProperty("report");
    }

    private static int[] PerClass(JsonElement report, string split) => report.GetProperty("splits").EnumerateArray()
        .Single(s => s.GetProperty("name").GetString() == split).GetProperty("perClass").EnumerateArray().Select(c => c.GetInt32()).ToArray();
}
