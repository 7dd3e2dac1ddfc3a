using Platform.Contracts.Health;
using System.CommandLine;
using Platform.Cli.Http;
using Spectre.Console;

namespace Platform.Cli.Commands;

/// <summary><c>platform status</c>: whether ingest, tracker and inference answer and are ready (their /health).</summary>
public static class StatusCommand
{
    private sealed record ServiceState(string Service, string Address, bool Ready, string Detail);

    /// <summary>The part of ServiceDefaults' readiness report (<c>/health</c>) this command shows.</summary>
    public static Command Create(Terminal terminal)
    {
        var wait = new Option<int>("--wait") { Description = "Wait up to this many seconds for every service to be ready", DefaultValueFactory = _ => 0 };
        var command = new Command("status", "Is each service reachable and ready? (exit code 3 if not)") { wait };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(parse.GetValue(wait));
            List<ServiceState> states;
            while (true)
            {
                states = [];
                foreach (var service in new[] { context.Ingest, context.Tracker, context.Inference })
                {
                    states.Add(await CheckAsync(service, cancellationToken));
                }
                if (states.All(s => s.Ready) || DateTime.UtcNow >= deadline)
                {
                    break;
                }
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            if (context.Json)
            {
                context.WriteJson(states);
            }
            else
            {
                var table = new Table().AddColumns("Service", "Address", "Ready", "Detail");
                foreach (var state in states)
                {
                    table.AddRow(state.Service, state.Address, state.Ready ? "[green]yes[/]" : "[red]no[/]", Markup.Escape(state.Detail));
                }
                context.Console.Write(table);
            }
            return states.All(s => s.Ready) ? ExitCodes.Success : ExitCodes.Unavailable;
        }));
        return command;
    }

    private static async Task<ServiceState> CheckAsync(ServiceClient service, CancellationToken cancellationToken)
    {
        try
        {
            var health = await service.GetJsonAsync("/health", cancellationToken);
            var status = health.ValueKind == System.Text.Json.JsonValueKind.Object ? service.Answer<HealthDocument>(health, "GET /health").Value.Status : null;
            return new ServiceState(service.ServiceName, service.BaseAddress.ToString(), true, status ?? "");
        }
        catch (CliException failure)
        {
            return new ServiceState(service.ServiceName, service.BaseAddress.ToString(), false, failure.Message);
        }
    }
}
