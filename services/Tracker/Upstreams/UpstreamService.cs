using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Platform.Contracts;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Platform.Tracker.Upstreams;

/// <summary>
/// Read-only calls from the tracker to another service found by service discovery (the AppHost gives the address as
/// <c>services__{name}__http__0</c>). A service that is not configured, does not answer, times out or fails answers a 503
/// naming the service and never the exception's text (it holds internal addresses); the service's own 404 is passed on.
/// </summary>
public abstract class UpstreamService(HttpClient http, IConfiguration configuration, ILogger logger, string name, string displayName)
{
    /// <summary>The largest answer read into memory (reports, thumbnails): a misbehaving service cannot fill the tracker's memory.</summary>
    public const long MaxAnswerBytes = 16 * 1024 * 1024;

    public string Name => name;

    /// <summary>True when the tracker was given the service's address.</summary>
    public bool IsConfigured => configuration.GetSection($"services:{name}").Exists();

    protected async Task<UpstreamAnswer<T>> GetJsonAsync<T>(string path, CancellationToken cancellationToken) where T : class
    {
        if (!IsConfigured)
        {
            return NotConfigured<T>();
        }
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new(null, await ProblemFromAsync(response, cancellationToken));
            }
            var value = await response.Content.ReadFromJsonAsync<T>(ContractJson.Options, cancellationToken)
                ?? throw new JsonException("The answer was empty.");
            return new(value, null);
        }
        catch (Exception exception) when (IsOutage(exception, cancellationToken))
        {
            logger.LogWarning(exception, "GET {Path} on {Service} failed", path, name);
            return new(null, Unavailable());
        }
    }

    /// <summary>Bytes of the given media type (a thumbnail), at most <paramref name="maxBytes"/>; anything else is the service misbehaving.</summary>
    protected async Task<UpstreamAnswer<byte[]>> GetBytesAsync(string path, string mediaType, int maxBytes, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return NotConfigured<byte[]>();
        }
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new(null, await ProblemFromAsync(response, cancellationToken));
            }
            if (response.Content.Headers.ContentType?.MediaType != mediaType || response.Content.Headers.ContentLength > maxBytes)
            {
                logger.LogWarning("GET {Path} on {Service} answered {MediaType}, {Length} bytes; expected {Expected} up to {Max} bytes",
                    path, name, response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentLength, mediaType, maxBytes);
                return new(null, Unavailable());
            }
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return bytes.Length <= maxBytes ? new(bytes, null) : new(null, Unavailable());
        }
        catch (Exception exception) when (IsOutage(exception, cancellationToken))
        {
            logger.LogWarning(exception, "GET {Path} on {Service} failed", path, name);
            return new(null, Unavailable());
        }
    }

    private static bool IsOutage(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or JsonException or NotSupportedException
            || exception is OperationCanceledException && !cancellationToken.IsCancellationRequested;

    /// <summary>The service's 404 (an unknown dataset or version) is the caller's answer; any other failure is the service being unavailable.</summary>
    private async Task<ProblemHttpResult> ProblemFromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            logger.LogWarning("{Service} answered {Status} to {Path}", name, (int)response.StatusCode, response.RequestMessage?.RequestUri?.PathAndQuery);
            return Unavailable();
        }
        ProblemDetails? problem = null;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(ContractJson.Options, cancellationToken);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
        }
        return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: problem?.Title ?? "Not found",
            detail: problem?.Detail ?? $"The {displayName} service knows nothing at this address.");
    }

    private UpstreamAnswer<T> NotConfigured<T>() where T : class => new(null, TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        title: $"{Capitalised} not configured",
        detail: $"The tracker was not given the {displayName} service's address (the AppHost passes it as services__{name}__http__0)."));

    private ProblemHttpResult Unavailable() => TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
        title: $"{Capitalised} unavailable",
        detail: $"The {displayName} service did not answer the tracker properly, so this cannot be shown now; try again once it is back.");

    private string Capitalised => char.ToUpperInvariant(displayName[0]) + displayName[1..];
}
