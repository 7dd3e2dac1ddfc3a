namespace Platform.Tracker.Tests;

/// <summary>The models page's serving state comes from inference's /status through the tracker; inference down is a state, not a crash.</summary>
[Collection(TrackerCollection.Name)]
public sealed class InferenceStatusApiTests(TrackerFixture fixture)
{
    [Fact]
    public async Task Inference_down_is_reported_as_unavailable_naming_inference_and_no_address()
    {
        var state = await fixture.GetJsonAsync("/inference/status");

        Assert.Equal(System.Text.Json.JsonValueKind.Null, state.GetProperty("status").ValueKind);
        var reason = state.GetProperty("unavailable").GetString()!;
        Assert.Contains("inference service did not answer", reason);
        Assert.DoesNotContain("127.0.0.1", reason);
        Assert.DoesNotContain(fixture.InferencePort.ToString(System.Globalization.CultureInfo.InvariantCulture), reason);
    }
}
