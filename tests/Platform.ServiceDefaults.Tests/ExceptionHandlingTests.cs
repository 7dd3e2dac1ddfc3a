using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace Platform.ServiceDefaults.Tests;

public sealed class ExceptionHandlingTests
{
    private const string ServerPath = "/srv/platform/runs/7f1c/checkpoint.bin";

    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task An_unhandled_exception_answers_problem_details_500_without_its_message_path_or_stack(string environment)
    {
        await using var app = await TestApp.StartAsync(environment: environment, map: web =>
            web.MapGet("/fails", string () => throw new IOException($"Could not open {ServerPath}")));

        using var response = await app.Client.GetAsync("/fails");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(500, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.DoesNotContain("/srv/platform", body);
        Assert.DoesNotContain(nameof(IOException), body);
        Assert.DoesNotContain("ExceptionHandlingTests", body);
        Assert.DoesNotContain(" at ", body);
        // The exception is not lost: it is in the log, for the operator.
        Assert.Contains(app.Logs.Entries, entry => entry.Level == Microsoft.Extensions.Logging.LogLevel.Error && entry.Category.Contains("ExceptionHandler"));
    }

    [Fact]
    public async Task An_unknown_route_answers_problem_details_404()
    {
        await using var app = await TestApp.StartAsync();

        using var response = await app.Client.GetAsync("/no-such-route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
    }
}
