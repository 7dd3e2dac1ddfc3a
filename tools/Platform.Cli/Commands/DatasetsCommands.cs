using System.CommandLine;
using System.Text.Json;
using Platform.Cli.Http;
using Spectre.Console;
using Platform.Imaging.Formats.Data;
using Platform.Contracts.Naming;

namespace Platform.Cli.Commands;

/// <summary><c>platform datasets upload | list | show | delete</c>, against the ingest service.</summary>
public static class DatasetsCommands
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create(Terminal terminal) => new("datasets", "Upload datasets and read their validation reports")
    {
        Upload(terminal),
        List(terminal),
        Show(terminal),
        Delete(terminal),
    };

    private static Command Upload(Terminal terminal)
    {
        var paths = new Argument<string[]>("source")
        {
            Description = "A folder of class folders, a zip/tar/tar.gz archive (class folders, or images with a CSV/JSON/VOC annotation file), "
                + "or two IDX files: images then labels (gzip or not)",
            Arity = new ArgumentArity(1, 2),
        };
        var name = new Option<string>("--name", "-n") { Description = "Dataset name (a new version is added when it exists)", Required = true };
        var split = new Option<string?>("--split") { Description = "train,val,test fractions, stratified per class (default 0.8,0.1,0.1)" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the split and of balancing" };
        var size = new Option<string?>("--size") { Description = "keep, or N to resize every image to N×N" };
        var channels = new Option<string?>("--channels") { Description = "auto, 1 (grayscale) or 3 (RGB)" };
        var balance = new Option<string?>("--balance") { Description = "none, or oversample (augmented copies of minority classes in train)" };
        balance.AcceptOnlyFromAmong("none", "oversample");
        var balanceRatio = new Option<double?>("--balance-ratio") { Description = "With oversample: smallest class at least this share of the largest (0-1]" };
        var classes = new Option<string?>("--classes") { Description = "Keep only these classes (comma-separated)" };
        var classNames = new Option<string?>("--class-names")
        {
            Description = "IDX uploads: names of labels 0, 1, 2… (comma-separated), or fashion-mnist or mnist",
        };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once uploaded, without waiting for validation and publication" };
        var command = new Command("upload", "Upload a dataset, follow its processing and print the validation report")
        {
            paths, name, split, seed, size, channels, balance, balanceRatio, classes, classNames, noWait,
        };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var query = new List<string> { "name=" + Uri.EscapeDataString(ResourceNames.Dataset.Checked(parse.GetValue(name))) };
            void Add(string key, string? value)
            {
                if (!string.IsNullOrWhiteSpace(value))
                {
                    query.Add($"{key}={Uri.EscapeDataString(value)}");
                }
            }
            Add("split", parse.GetValue(split));
            Add("seed", parse.GetValue(seed)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add("size", parse.GetValue(size));
            Add("channels", parse.GetValue(channels));
            Add("balance", parse.GetValue(balance));
            Add("balanceRatio", parse.GetValue(balanceRatio)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Add("classes", parse.GetValue(classes));
            Add("classNames", ClassNames.Parse(parse.GetValue(classNames)) is { } names ? string.Join(',', names) : null);

            using var upload = UploadSource.Prepare(parse.GetValue(paths)!, context);
            var accepted = await SendAsync(context, upload, string.Join('&', query), cancellationToken);
            var datasetName = accepted.Text("name")!;
            var version = accepted.GetProperty("version").GetInt32();
            if (parse.GetValue(noWait))
            {
                if (context.Json)
                {
                    context.WriteJson(accepted);
                }
                else
                {
                    context.Console.MarkupLineInterpolated($"Uploaded [bold]{datasetName}:{version}[/]; follow it with: platform datasets show {datasetName}:{version}");
                }
                return ExitCodes.Success;
            }
            var record = await FollowAsync(context, datasetName, version, cancellationToken);
            return Report(context, record);
        }));
        return command;
    }

    private static Command List(Terminal terminal)
    {
        var command = new Command("list", "Every dataset with its latest version");
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var datasets = await context.Ingest.GetJsonAsync("/datasets", cancellationToken);
            if (context.Json)
            {
                context.WriteJson(datasets);
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("Dataset", "Versions", "Latest", "State", "Latest published");
            foreach (var dataset in datasets.EnumerateArray())
            {
                table.AddRow(Markup.Escape(dataset.Text("name")!), dataset.GetProperty("versions").ToString(), dataset.GetProperty("latestVersion").ToString(),
                    dataset.Text("latestState") ?? "", dataset.Child("latestPublishedVersion")?.ToString() ?? "-");
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Show(Terminal terminal)
    {
        var reference = new Argument<string>("dataset") { Description = "name (its versions) or name:version (that version's report)" };
        var command = new Command("show", "A dataset's versions, or one version's state and validation report") { reference };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var dataset = DatasetReference.Parse(parse.GetValue(reference)!);
            if (dataset.Version is { } version)
            {
                var record = await context.Ingest.GetJsonAsync($"/datasets/{Uri.EscapeDataString(dataset.Name)}/versions/{version}", cancellationToken);
                return Report(context, record);
            }
            var details = await context.Ingest.GetJsonAsync($"/datasets/{Uri.EscapeDataString(dataset.Name)}", cancellationToken);
            if (context.Json)
            {
                context.WriteJson(details);
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("Version", "State", "Stage", "Files read", "Accepted", "Rejected", "Created", "Error");
            foreach (var item in details.Items("versions"))
            {
                var progress = item.GetProperty("progress");
                table.AddRow(item.GetProperty("version").ToString(), item.Text("state") ?? "", progress.Text("stage") ?? "",
                    progress.GetProperty("filesRead").ToString(), progress.GetProperty("accepted").ToString(), progress.GetProperty("rejected").ToString(),
                    item.GetProperty("createdAt").GetDateTimeOffset().ToLocalTime().ToString("g"), Markup.Escape(item.Text("error") ?? ""));
            }
            context.Console.Write(table);
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Delete(Terminal terminal)
    {
        var reference = new Argument<string>("dataset") { Description = "name:version" };
        var command = new Command("delete", "Delete a finished dataset version that no run uses") { reference };
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var dataset = DatasetReference.Parse(parse.GetValue(reference)!);
            if (dataset.Version is not { } version)
            {
                throw new CliException(ExitCodes.InvalidInput, "Name the version to delete: platform datasets delete name:version.");
            }
            using var _ = await context.Ingest.SendAsync(() => new HttpRequestMessage(HttpMethod.Delete,
                context.Ingest.Address($"/datasets/{Uri.EscapeDataString(dataset.Name)}/versions/{version}")), ServiceClient.DefaultTimeout, false, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(new { name = dataset.Name, version, deleted = true });
            }
            else
            {
                context.Console.MarkupLineInterpolated($"Deleted {dataset.Name}:{version}.");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static async Task<JsonElement> SendAsync(CliContext context, UploadSource upload, string query, CancellationToken cancellationToken)
    {
        var path = "/datasets?" + query;
        if (!context.Interactive)
        {
            context.Note($"uploading {upload.Description} ({Bytes(upload.TotalBytes)}) to {context.Ingest.BaseAddress}");
            using var response = await context.Ingest.SendAsync(() => upload.CreateRequest(context.Ingest.Address(path), _ => { }), timeout: null, false, cancellationToken);
            return await context.Ingest.ReadJsonAsync(response, cancellationToken);
        }
        JsonElement accepted = default;
        await context.Status.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async progress =>
            {
                context.Note($"uploading {upload.Description} to {context.Ingest.BaseAddress}");
                var task = progress.AddTask("Uploading", maxValue: Math.Max(1, upload.TotalBytes));
                using var response = await context.Ingest.SendAsync(() => upload.CreateRequest(context.Ingest.Address(path), sent => task.Value = sent),
                    timeout: null, false, cancellationToken);
                task.Value = task.MaxValue;
                accepted = await context.Ingest.ReadJsonAsync(response, cancellationToken);
            });
        return accepted;
    }

    /// <summary>
    /// Polls the version until it is published or failed, showing the stage and counts as they change, and a bar over
    /// the images to write once the service knows how many there are.
    /// </summary>
    private static async Task<JsonElement> FollowAsync(CliContext context, string name, int version, CancellationToken cancellationToken)
    {
        var path = $"/datasets/{Uri.EscapeDataString(name)}/versions/{version}";
        static bool Finished(JsonElement record) => record.Text("state") is "Published" or "Failed";
        static (int Written, int ToWrite) Writing(JsonElement record) =>
            record.GetProperty("progress") is var progress && progress.Number("toWrite") is { } toWrite
                ? ((int)(progress.Number("written") ?? 0), (int)toWrite)
                : (0, 0);
        static string Describe(JsonElement record)
        {
            var progress = record.GetProperty("progress");
            var (written, toWrite) = Writing(record);
            return $"{record.Text("state")?.ToLowerInvariant()}: {progress.Text("stage")} — {progress.GetProperty("filesRead")} read, "
                + $"{progress.GetProperty("accepted")} accepted, {progress.GetProperty("rejected")} rejected"
                + (toWrite > 0 ? $", {written}/{toWrite} written" : "");
        }
        if (!context.Interactive)
        {
            var last = "";
            return await PollAsync(record =>
            {
                var line = Describe(record);
                if (line != last)
                {
                    context.Note($"{name}:{version} {line}");
                    last = line;
                }
            });
        }
        JsonElement result = default;
        await context.Status.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"Processing {Markup.Escape($"{name}:{version}")}").IsIndeterminate();
                result = await PollAsync(record =>
                {
                    // Short enough for an 80-column terminal: the bar and the report carry the rest.
                    var counts = record.GetProperty("progress");
                    task.Description = Markup.Escape($"{counts.Text("stage")} · {counts.GetProperty("filesRead")} read · {counts.GetProperty("rejected")} rejected");
                    var (written, toWrite) = Writing(record);
                    if (toWrite > 0)
                    {
                        task.IsIndeterminate(false);
                        task.MaxValue = toWrite;
                        task.Value = written;
                    }
                });
                task.StopTask();
            });
        return result;

        async Task<JsonElement> PollAsync(Action<JsonElement> show)
        {
            while (true)
            {
                var record = await context.Ingest.GetJsonAsync(path, cancellationToken);
                show(record);
                if (Finished(record))
                {
                    return record;
                }
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
    }

    /// <summary>Prints a version's outcome and report; exit code 1 when it failed.</summary>
    private static int Report(CliContext context, JsonElement record)
    {
        var state = record.Text("state");
        var failed = state == "Failed";
        if (context.Json)
        {
            context.WriteJson(record);
            return failed ? ExitCodes.Failed : ExitCodes.Success;
        }
        var console = context.Console;
        var title = $"{record.Text("name")}:{record.GetProperty("version")}";
        console.MarkupLine(failed
            ? $"[red]{Markup.Escape(title)} failed:[/] {Markup.Escape(record.Text("error") ?? "")}"
            : $"[green]{Markup.Escape(title)} {Markup.Escape(state?.ToLowerInvariant() ?? "")}[/]");
        if (record.Child("report") is not { } report)
        {
            return failed ? ExitCodes.Failed : ExitCodes.Success;
        }
        var classNames = report.Items("classes").Select(c => c.GetString() ?? "").ToList();
        var splits = report.Items("splits").ToList();
        var table = new Table().AddColumn("Class");
        foreach (var split in splits)
        {
            table.AddColumn(new TableColumn(Markup.Escape(split.Text("name") ?? "")).RightAligned());
        }
        for (var c = 0; c < classNames.Count; c++)
        {
            table.AddRow([Markup.Escape(classNames[c]), .. splits.Select(s => s.GetProperty("perClass")[c].ToString())]);
        }
        table.AddRow(["[bold]total[/]", .. splits.Select(s => $"[bold]{s.GetProperty("samples")}[/]")]);
        console.Write(table);

        var size = report.Child("size") is { } imageSize ? $"{imageSize.GetProperty("width")}×{imageSize.GetProperty("height")}" : "kept";
        console.MarkupLineInterpolated($"channels {report.GetProperty("channels")}, size {size}, mean ({string.Join(", ", report.Items("mean").Select(m => m.GetDouble().ToString("0.###")))}), std ({string.Join(", ", report.Items("std").Select(m => m.GetDouble().ToString("0.###")))}), labels from {report.Text("labelSource")}");
        var duplicates = report.Items("duplicates").Sum(d => d.Items("dropped").Count());
        var conflicts = report.Items("conflicts").Count();
        if (duplicates > 0 || conflicts > 0)
        {
            console.MarkupLineInterpolated($"{duplicates} duplicate file(s) dropped, {conflicts} label conflict(s) dropped");
        }
        if (report.Child("balancing") is { } balancing)
        {
            console.MarkupLineInterpolated($"balanced by {balancing.Text("method")}: {string.Join(", ", balancing.GetProperty("addedPerClass").EnumerateObject().Select(p => $"+{p.Value} {p.Name}"))}");
        }
        foreach (var warning in report.Items("warnings"))
        {
            console.MarkupLineInterpolated($"[yellow]warning:[/] {warning.GetString()}");
        }
        var rejected = report.Items("rejected").ToList();
        if (rejected.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]{rejected.Count} file(s) rejected[/] ({string.Join(", ", rejected.GroupBy(r => r.Text("reason")).Select(g => $"{g.Count()} {g.Key}"))}):");
            var rejections = new Table().AddColumns("File", "Reason", "Detail");
            foreach (var file in rejected.Take(20))
            {
                rejections.AddRow(Markup.Escape(file.Text("path") ?? ""), Markup.Escape(file.Text("reason") ?? ""), Markup.Escape(file.Text("detail") ?? ""));
            }
            console.Write(rejections);
            if (rejected.Count > 20)
            {
                console.MarkupLineInterpolated($"… and {rejected.Count - 20} more (platform datasets show {title} --json lists them all)");
            }
        }
        return failed ? ExitCodes.Failed : ExitCodes.Success;
    }

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 30 => $"{bytes / (double)(1 << 30):0.0} GiB",
        >= 1 << 20 => $"{bytes / (double)(1 << 20):0.0} MiB",
        >= 1 << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
