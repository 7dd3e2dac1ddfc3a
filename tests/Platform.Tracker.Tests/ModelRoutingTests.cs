using Platform.Contracts;

namespace Platform.Tracker.Tests;

[Collection(TrackerCollection.Name)]
public sealed class ModelRoutingTests(TrackerFixture fixture)
{
    /// <summary>A model with three registered versions (runs created first, as the trainer's runs are) and v1 in production.</summary>
    private async Task<(string Model, Guid[] Runs)> ModelWithThreeVersionsAsync()
    {
        var model = $"routing-{Guid.NewGuid():N}"[..24];
        var runs = new Guid[3];
        for (var i = 0; i < runs.Length; i++)
        {
            var (status, run) = await fixture.SendJsonAsync(HttpMethod.Post, "/experiments/routing/runs", new
            {
                dataset = new { name = "fashion-mnist", version = 1 },
                modelName = model,
                config = new { architecture = "small_cnn", epochs = 1 },
            });
            Assert.True(status == 201, run.ToString());
            runs[i] = run.GetProperty("id").GetGuid();
            await fixture.WritePackageAsync(model, runs[i]);
            await fixture.Bus.Publish(new ModelTrained(runs[i], model, $"http://blobs/models/{runs[i]}", "fashion-mnist", 1,
                new Dictionary<string, double> { ["accuracy"] = 0.9 }, DateTimeOffset.UtcNow));
            await fixture.Tracker.PollAsync($"/models/{model}", m => m.GetProperty("versions").GetArrayLength() == i + 1);
        }
        var (promoted, body) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production", new { version = 1 });
        Assert.True(promoted == 200, body.ToString());
        return (model, runs);
    }

    [Fact]
    public async Task A_split_is_stored_published_with_every_versions_run_and_recorded_in_the_history_with_its_rollback()
    {
        var (model, runs) = await ModelWithThreeVersionsAsync();

        var (status, body) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production",
            new { versions = new[] { new { version = 1, weight = 90 }, new { version = 2, weight = 10 } } });

        Assert.True(status == 200, body.ToString());
        var published = await fixture.WaitForPublishedAsync<ModelPromoted>(m => m.ModelName == model && m.Split is not null);
        Assert.Equal((1, runs[0]), (published.Version, published.RunId));
        Assert.Equal([new TrafficShare(1, runs[0], 90), new TrafficShare(2, runs[1], 10)], published.Split!);
        var registered = await fixture.GetJsonAsync($"/models/{model}");
        Assert.Equal(1, registered.GetProperty("aliases").GetProperty("production").GetInt32());
        Assert.Equal([(1, 90), (2, 10)], registered.GetProperty("routes").GetProperty("production").GetProperty("versions").EnumerateArray()
            .Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("weight").GetInt32())));

        var (rolledBack, _) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production", new { version = 1 });
        Assert.Equal(200, rolledBack);
        var rollback = await fixture.WaitForPublishedAsync<ModelPromoted>(m => m.ModelName == model && m.Split is null && m.PromotedAt > published.PromotedAt);
        Assert.Equal([new TrafficShare(1, runs[0], 100)], rollback.Shares());
        var history = await fixture.GetJsonAsync($"/models/{model}/history");
        Assert.Equal(["promote", "split", "rollback"], history.EnumerateArray().Select(c => c.GetProperty("action").GetString()!));
    }

    [Theory]
    [InlineData("""{"versions": [{"version": 1, "weight": 90}, {"version": 2, "weight": 20}]}""", "sum to 110")]
    [InlineData("""{"versions": [{"version": 1, "weight": 90}, {"version": 9, "weight": 10}]}""", "no version 9")]
    [InlineData("""{"versions": [{"version": 1, "weight": 50}, {"version": 1, "weight": 50}]}""", "named 2 times")]
    [InlineData("""{"versions": [{"version": 1, "weight": 100}, {"version": 2, "weight": 0}]}""", "weight 0")]
    [InlineData("""{"version": 1, "versions": [{"version": 1, "weight": 100}]}""", "weights summing to 100")]
    public async Task A_bad_split_is_refused_with_400_and_the_reason_and_changes_nothing(string request, string reason)
    {
        var (model, _) = await ModelWithThreeVersionsAsync();
        var before = await fixture.GetJsonAsync($"/models/{model}");

        using var content = new StringContent(request, System.Text.Encoding.UTF8, "application/json");
        using var response = await fixture.Tracker.Client.PutAsync($"/models/{model}/aliases/production", content);

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains(reason, body);
        Assert.Equal(before.ToString(), (await fixture.GetJsonAsync($"/models/{model}")).ToString());
        Assert.Single((await fixture.GetJsonAsync($"/models/{model}/history")).EnumerateArray());
    }

    public enum PackageDamage { IndexDeleted, IndexTruncated, IndexWithoutLabels, IndexOfAnotherRun, GraphDeleted }

    [Theory]
    [InlineData(PackageDamage.IndexDeleted, "has no package.json")]
    [InlineData(PackageDamage.IndexTruncated, "is not a model package index")]
    [InlineData(PackageDamage.IndexWithoutLabels, "is not a model package index")]
    [InlineData(PackageDamage.IndexOfAnotherRun, "it indexes")]
    [InlineData(PackageDamage.GraphDeleted, "has no model.onnx")]
    public async Task A_version_whose_package_cannot_be_loaded_is_refused_with_400_for_promotion_split_and_shadow_and_changes_nothing(
        PackageDamage damage, string reason)
    {
        var (model, runs) = await ModelWithThreeVersionsAsync();
        var index = StoredModelPackages.File(fixture.Servers.BlobConnectionString!, model, runs[1], Platform.Contracts.ModelPackages.ModelPackageLayout.IndexFile);
        var text = (await index.DownloadContentAsync()).Value.Content.ToString();
        switch (damage)
        {
            case PackageDamage.IndexDeleted:
                await index.DeleteAsync();
                break;
            case PackageDamage.IndexTruncated:
                await index.UploadAsync(BinaryData.FromString(text[..(text.Length / 2)]), overwrite: true);
                break;
            case PackageDamage.IndexWithoutLabels:
                var node = System.Text.Json.Nodes.JsonNode.Parse(text)!.AsObject();
                node.Remove("labels");
                await index.UploadAsync(BinaryData.FromString(node.ToJsonString()), overwrite: true);
                break;
            case PackageDamage.IndexOfAnotherRun:
                await index.UploadAsync(BinaryData.FromString(text.Replace(runs[1].ToString("D"), runs[2].ToString("D"))), overwrite: true);
                break;
            case PackageDamage.GraphDeleted:
                await StoredModelPackages.File(fixture.Servers.BlobConnectionString!, model, runs[1], Platform.Contracts.ModelPackages.ModelPackageLayout.ModelFile).DeleteAsync();
                break;
        }
        var before = await fixture.GetJsonAsync($"/models/{model}");
        var published = fixture.Published.OfType<ModelPromoted>().Count(m => m.ModelName == model);

        var attempts = new (string Path, object Body)[]
        {
            ($"/models/{model}/aliases/production", new { version = 2 }),
            ($"/models/{model}/aliases/production", new { versions = new[] { new { version = 1, weight = 90 }, new { version = 2, weight = 10 } } }),
            ($"/models/{model}/aliases/production/shadow", new { version = 2 }),
            ($"/models/{model}/aliases/staging", new { version = 2 }),
        };
        foreach (var (path, body) in attempts)
        {
            var (status, problem) = await fixture.SendJsonAsync(HttpMethod.Put, path, body);
            Assert.True(status == 400, $"{path}: {status} {problem}");
            Assert.Contains("Version 2 cannot be loaded", problem.ToString());
            Assert.Contains(reason, problem.ToString());
            Assert.DoesNotContain(Platform.Testing.RepositoryPaths.Root, problem.ToString());
        }

        Assert.Equal(before.ToString(), (await fixture.GetJsonAsync($"/models/{model}")).ToString());
        Assert.Single((await fixture.GetJsonAsync($"/models/{model}/history")).EnumerateArray());
        Assert.Equal(published, fixture.Published.OfType<ModelPromoted>().Count(m => m.ModelName == model));
        var (healthy, _) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production/shadow", new { version = 3 });
        Assert.Equal(200, healthy);
    }

    [Fact]
    public async Task A_shadow_is_published_with_the_route_and_one_equal_to_an_answering_version_is_refused()
    {
        var (model, runs) = await ModelWithThreeVersionsAsync();

        var (same, refusal) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production/shadow", new { version = 1 });
        var (unknown, _) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production/shadow", new { version = 9 });
        var (set, _) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production/shadow", new { version = 3 });

        Assert.Equal(400, same);
        Assert.Contains("already answers", refusal.ToString());
        Assert.Equal(400, unknown);
        Assert.Equal(200, set);
        var published = await fixture.WaitForPublishedAsync<ModelPromoted>(m => m.ModelName == model && m.Shadow is not null);
        Assert.Equal((1, new ShadowVersion(3, runs[2])), (published.Version, published.Shadow));
        var (removed, route) = await fixture.SendJsonAsync(HttpMethod.Delete, $"/models/{model}/aliases/production/shadow", null);
        Assert.Equal(200, removed);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, route.GetProperty("shadow").ValueKind);
        var history = await fixture.GetJsonAsync($"/models/{model}/history");
        Assert.Equal(["promote", "shadow", "unshadow"], history.EnumerateArray().Select(c => c.GetProperty("action").GetString()!));
    }
}
