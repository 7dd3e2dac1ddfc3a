using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>
/// A Platform HTTP service a test talks to over a loopback port, whether it runs as its own process
/// (<see cref="ServiceHost"/>) or inside the test's (<see cref="InProcessService{TEntryPoint}"/>): tests written against
/// this surface run unchanged on either.
/// </summary>
public abstract class ServiceUnderTest : IAsyncDisposable
{
    protected ServiceUnderTest(Uri address)
    {
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    /// <summary>What the service logged, for diagnostics.</summary>
    public abstract string Output { get; }

    public abstract bool HasExited { get; }

    public async Task WaitUntilHealthyAsync(TimeSpan timeout, string readyPath = "/health")
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"The service stopped during start-up:\n{Output}");
            }
            try
            {
                using var response = await Client.GetAsync(readyPath);
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException exception)
            {
                last = exception.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"Not healthy within {timeout}: {last}\n{Output}");
    }

    /// <summary>Polls a JSON resource until <paramref name="done"/> holds; answers other than success (a 404 before it exists) are waited out.</summary>
    public async Task<JsonElement> PollAsync(string path, Func<JsonElement, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Client.GetAsync(path);
            if (response.IsSuccessStatusCode)
            {
                last = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (done(last))
                {
                    return last;
                }
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{path} did not reach the expected state within {timeout}; last: {last}\n{Output[^Math.Min(4000, Output.Length)..]}");
    }

    public abstract ValueTask DisposeAsync();
}
