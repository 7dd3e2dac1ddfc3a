using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Inference.Tests;

[Collection(InferenceCollection.Name)]
public sealed class HostileInputTests(InferenceFixture fixture)
{
    public static TheoryData<string, byte[], HttpStatusCode, string> BadImages() => new()
    {
        { "text", Encoding.UTF8.GetBytes("this is not an image at all"), HttpStatusCode.UnsupportedMediaType, "unsupported_format" },
        { "empty", [], HttpStatusCode.BadRequest, "empty" },
        { "decompression bomb", EncodedSamples.PngHeader(40_000, 40_000), HttpStatusCode.RequestEntityTooLarge, "too_many_pixels" },
        { "a 4000x10 strip", EncodedSamples.PngHeader(4000, 10), HttpStatusCode.BadRequest, "extreme_aspect_ratio" },
    };

    [Theory]
    [MemberData(nameof(BadImages))]
    public async Task A_bad_image_answers_a_problem_with_its_reason_and_the_service_stays_up(string kind, byte[] body, HttpStatusCode status, string reason)
    {
        using var content = new ByteArrayContent(body);
        using var response = await fixture.Service.Client.PostAsync("/models/fashion-cnn/predict", content);
        await AssertProblemAsync(response, status, reason, kind);
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task A_gif_is_predicted_from_its_first_frame_as_ingest_accepts_it()
    {
        using var content = new ByteArrayContent(EncodedSamples.Gif(2, 2, [(0, 0, 0), (255, 255, 255), (0, 0, 0), (0, 0, 0)], [0, 1, 1, 0]));
        using var response = await fixture.Service.Client.PostAsync("/models/fashion-cnn/predict", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_truncated_png_answers_400()
    {
        var png = fixture.Png(9950);
        using var content = new ByteArrayContent(png[..(png.Length / 2)]);
        using var response = await fixture.Service.Client.PostAsync("/models/fashion-cnn/predict", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task An_oversize_body_answers_413_before_it_is_read()
    {
        using var content = new ByteArrayContent(new byte[17 * 1024 * 1024]);
        using var response = await fixture.Service.Client.PostAsync("/models/fashion-cnn/predict", content);
        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body_too_large", "17 MiB body");
        await AssertHealthyAsync();
    }

    [Fact]
    public async Task An_unknown_model_answers_404()
    {
        using var content = new ByteArrayContent(fixture.Png(9951));
        using var response = await fixture.Service.Client.PostAsync("/models/no-such-model/predict", content);
        await AssertProblemAsync(response, HttpStatusCode.NotFound, "unknown_model", "unknown model");
    }

    [Fact]
    public async Task An_unknown_version_answers_404()
    {
        using var content = new ByteArrayContent(fixture.Png(9952));
        using var response = await fixture.Service.Client.PostAsync("/models/fashion-cnn/versions/99/predict", content);
        await AssertProblemAsync(response, HttpStatusCode.NotFound, "unknown_version", "unknown version");
    }

    [Fact]
    public async Task More_images_than_allowed_in_one_multipart_request_answers_400()
    {
        using var form = new MultipartFormDataContent();
        var png = fixture.Png(9953);
        for (var i = 0; i < 65; i++)
        {
            var part = new ByteArrayContent(png);
            part.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(part, "images", $"{i}.png");
        }
        using var response = await fixture.Service.Client.PostAsync("/models/fashion-cnn/predict", form);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "too_many_images", "65 images");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string reason, string kind)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{kind}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(reason, problem.GetProperty("reason").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    private async Task AssertHealthyAsync()
    {
        using var health = await fixture.Service.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
