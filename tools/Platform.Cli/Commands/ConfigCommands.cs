using System.CommandLine;
using System.Text.Json;
using Platform.Cli.Configuration;
using Spectre.Console;
using Platform.Training.Configuration.Architectures;

namespace Platform.Cli.Commands;

/// <summary><c>platform config validate | architectures</c>: offline, no service needed.</summary>
public static class ConfigCommands
{
    public static Command Create(Terminal terminal) => new("config", "Check training configurations and list architectures, offline")
    {
        Validate(terminal),
        Architectures(terminal),
    };

    private static Command Validate(Terminal terminal)
    {
        var file = new Argument<string?>("file") { Description = "Configuration file (.json, .yaml or .yml); none means the defaults", Arity = ArgumentArity.ZeroOrOne };
        var set = new Option<string[]>("--set") { Description = "Override a field: key=value (dotted for nested fields)" };
        var command = new Command("validate", "Check a configuration with the trainer's rules and print it with every default filled in") { file, set };
        command.SetAction(terminal.Action((parse, context, cancellationToken) =>
        {
            var (_, config) = RunConfiguration.Load(parse.GetValue(file), parse.GetValue(set) ?? []);
            if (context.Json)
            {
                context.WriteJson(JsonDocument.Parse(config.ToJson()).RootElement);
            }
            else
            {
                context.Status.MarkupLine("[green]valid[/]; the trainer will run with:");
                context.Output.WriteLine(config.ToJson());
            }
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }

    private static Command Architectures(Terminal terminal)
    {
        // Parameters with a 1000-class head; GFLOPs are multiply-adds of one image at the default size, as papers count them.
        var command = new Command("architectures", "The architectures a configuration can name, with parameters (1000 classes) and GFLOPs at the default size");
        command.SetAction(terminal.Action((parse, context, cancellationToken) =>
        {
            if (context.Json)
            {
                context.WriteJson(ArchitectureCatalog.Architectures);
                return Task.FromResult(ExitCodes.Success);
            }
            var table = new Table().AddColumns("Architecture", "Family", "Image size", "Parameters", "GFLOPs", "Grayscale", "Pretrained", "Description");
            foreach (var architecture in ArchitectureCatalog.Architectures)
            {
                table.AddRow(architecture.Name, architecture.Family,
                    architecture.RequiresExactImageSize ? $"{architecture.DefaultImageSize} (exact)" : $"{architecture.DefaultImageSize} (≥ {architecture.MinimumImageSize})",
                    $"{architecture.Parameters / 1e6:0.0} M", $"{architecture.MultiplyAdds / 1e9:0.00}",
                    architecture.SupportsSingleChannel ? "yes" : "no", Markup.Escape(architecture.PretrainedWeights ?? "-"), Markup.Escape(architecture.Description));
            }
            context.Console.Write(table);
            return Task.FromResult(ExitCodes.Success);
        }));
        return command;
    }
}
