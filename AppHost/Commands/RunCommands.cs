using Microsoft.Extensions.DependencyInjection;

namespace Platform.AppHost.Commands;

/// <summary>
/// Dashboard commands on the tracker that act on one training run: the operator types the run id, the AppHost calls
/// the tracker's API (<c>POST /runs/{id}/cancel</c> or <c>/resume</c>) and shows its answer.
/// </summary>
public static class RunCommands
{
    public static IResourceBuilder<ProjectResource> WithRunCommands(this IResourceBuilder<ProjectResource> tracker)
    {
        var endpoint = tracker.GetEndpoint("http");
        tracker.WithCommand("cancel-run", "Cancel run…", context => CallAsync(context, endpoint, "cancel", "Cancel a training run"),
            new CommandOptions { IconName = "Stop", Description = "Stops a run within one batch; its checkpoints stay so it can be resumed." });
        tracker.WithCommand("resume-run", "Resume run…", context => CallAsync(context, endpoint, "resume", "Resume a training run"),
            new CommandOptions { IconName = "Play", Description = "Queues a failed or cancelled run again; it continues from its last checkpoint." });
        return tracker;
    }

    private static async Task<ExecuteCommandResult> CallAsync(ExecuteCommandContext context, EndpointReference endpoint, string action, string title)
    {
#pragma warning disable ASPIREINTERACTION001 // The interaction service is marked experimental in Aspire 13.
        var interactions = context.Services.GetRequiredService<IInteractionService>();
        var answer = await interactions.PromptInputAsync(title, "The run id (a GUID) as shown in the tracker UI or in the run's trace.",
            "Run id", "00000000-0000-0000-0000-000000000000", cancellationToken: context.CancellationToken);
#pragma warning restore ASPIREINTERACTION001
        if (answer.Canceled)
        {
            return CommandResults.Success();
        }
        if (!Guid.TryParse(answer.Data?.Value, out var runId))
        {
            return CommandResults.Failure($"'{answer.Data?.Value}' is not a run id (a GUID).");
        }
        using var client = new HttpClient { BaseAddress = new Uri(endpoint.Url), Timeout = TimeSpan.FromSeconds(30) };
        using var response = await client.PostAsync($"/runs/{runId}/{action}", content: null, context.CancellationToken);
        return response.IsSuccessStatusCode
            ? CommandResults.Success()
            : CommandResults.Failure($"The tracker answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(context.CancellationToken)}");
    }
}
