using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Platform.Contracts;

namespace Platform.Cli.Http;

/// <summary>
/// One service's public API. Every failure becomes a <see cref="CliException"/> that names the service, what it said
/// (problem details: title, detail and each invalid field) and the exit code a script can test.
/// </summary>
public sealed class ServiceClient(string serviceName, string addressOption, string addressVariable, Uri baseAddress, HttpClient http)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private const int MaxBusyRetries = 10;

    public string ServiceName { get; } = serviceName;

    public Uri BaseAddress { get; } = baseAddress;

    public async Task<JsonElement> GetJsonAsync(string path, CancellationToken cancellationToken) =>
        await SendJsonAsync(HttpMethod.Get, path, body: null, cancellationToken);

    /// <summary>GET <paramref name="path"/>, read as the contract record <typeparamref name="T"/> (and kept as sent).</summary>
    public async Task<ServiceAnswer<T>> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        Answer<T>(await GetJsonAsync(path, cancellationToken), $"GET {path}");

    public async Task<ServiceAnswer<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        Answer<T>(await SendJsonAsync(method, path, body, cancellationToken), $"{method} {path}");

    /// <summary>
    /// A successful answer's JSON as the record both sides share, read with the options the services write with. A document
    /// that does not fit is reported as a version mismatch between the CLI and the service rather than as a crash.
    /// </summary>
    public ServiceAnswer<T> Answer<T>(JsonElement json, string request)
    {
        try
        {
            return json.Deserialize<T>(ContractJson.Options) is { } value
                ? new ServiceAnswer<T>(value, json)
                : throw new JsonException("The answer is empty.");
        }
        catch (JsonException exception)
        {
            throw new CliException(ExitCodes.Unavailable,
                $"The {ServiceName} service at {BaseAddress} answered {request} with a document this CLI does not read ({exception.Message}). "
                + "Are the CLI and the service the same version?");
        }
    }

    public async Task<JsonElement> SendJsonAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(method, Address(path))
        {
            Content = body is null ? null : JsonContent.Create(body, options: JsonSerializerOptions.Web),
        }, DefaultTimeout, retryWhenBusy: false, cancellationToken);
        return await ReadJsonAsync(response, cancellationToken);
    }

    /// <summary>
    /// Sends a request built by <paramref name="createRequest"/> (called again for each retry). Answers other than
    /// success throw. With <paramref name="retryWhenBusy"/>, 429 and 503 answers are retried after their Retry-After.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, TimeSpan? timeout, bool retryWhenBusy,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = createRequest();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout is { } limit)
            {
                deadline.CancelAfter(limit);
            }
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CliException(ExitCodes.Unavailable, $"The {ServiceName} service at {BaseAddress} did not answer within {timeout?.TotalSeconds:0} s.");
            }
            catch (HttpRequestException exception)
            {
                throw Unreachable(exception);
            }
            if (response.IsSuccessStatusCode)
            {
                return response;
            }
            if (retryWhenBusy && attempt < MaxBusyRetries && response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            {
                var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                response.Dispose();
                await Task.Delay(wait < TimeSpan.FromSeconds(10) ? wait : TimeSpan.FromSeconds(10), cancellationToken);
                continue;
            }
            using (response)
            {
                throw await FailureAsync(request, response, cancellationToken);
            }
        }
    }

    public Uri Address(string path) => new(BaseAddress, path);

    /// <summary>
    /// The JSON body of a successful answer (default for an empty one). A body that is not JSON means something other than the
    /// service answers at its address: that is reported as the service being unavailable, naming the address and how to change it.
    /// </summary>
    public async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (text.Length == 0)
        {
            return default;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            var firstLine = text.Split('\n', 2)[0].Trim();
            throw new CliException(ExitCodes.Unavailable,
                $"What answers at {BaseAddress} is not the {ServiceName} service: {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} "
                + $"got {(int)response.StatusCode} with a body that is not JSON ({response.Content.Headers.ContentType?.MediaType ?? "no content type"}: "
                + $"\"{(firstLine.Length > 80 ? firstLine[..80] + "…" : firstLine)}\"). Point the command at the {ServiceName} service with {addressOption} or {addressVariable}.");
        }
    }

    private CliException Unreachable(HttpRequestException exception)
    {
        var reason = exception.InnerException is SocketException socket
            ? socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData => "unknown host",
                SocketError.TimedOut => "timed out",
                _ => socket.Message,
            }
            : exception.Message;
        return new CliException(ExitCodes.Unavailable,
            $"The {ServiceName} service at {BaseAddress} is not reachable ({reason}). Is the suite running? Start it with scripts/run.sh, "
            + $"or point the command at it with {addressOption} or {addressVariable}.");
    }

    private async Task<CliException> FailureAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var (title, detail, fields) = await ReadProblemAsync(response, cancellationToken);
        var what = $"{request.Method} {request.RequestUri?.AbsolutePath}";
        var message = $"The {ServiceName} service refused {what}: {status} {title ?? response.ReasonPhrase}"
            + (string.IsNullOrWhiteSpace(detail) ? "" : $" — {detail}");
        var code = response.StatusCode switch
        {
            HttpStatusCode.NotFound => ExitCodes.NotFound,
            HttpStatusCode.Conflict => ExitCodes.Conflict,
            HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout
                => ExitCodes.Unavailable,
            _ when status >= 500 => ExitCodes.Unavailable,
            _ => ExitCodes.InvalidInput,
        };
        if (code == ExitCodes.Unavailable && response.Headers.RetryAfter?.Delta is { } retryAfter)
        {
            message += $" (retry after {retryAfter.TotalSeconds:0} s)";
        }
        return new CliException(code, message, fields);
    }

    /// <summary>RFC 7807 problem details, or the KServe-style {"error": …}, or the body's first line.</summary>
    private static async Task<(string? Title, string? Detail, IReadOnlyList<string> Fields)> ReadProblemAsync(
        HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (text.Length == 0)
        {
            return (null, null, []);
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, text, []);
            }
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            var fields = new List<string>();
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    var messages = field.Value.ValueKind == JsonValueKind.Array
                        ? field.Value.EnumerateArray().Select(m => m.ToString())
                        : [field.Value.ToString()];
                    fields.AddRange(messages.Select(m => $"{field.Name}: {m}"));
                }
            }
            return (Text("title"), Text("detail") ?? Text("error"), fields);
        }
        catch (JsonException)
        {
            return (null, text.Split('\n')[0].Trim(), []);
        }
    }
}
