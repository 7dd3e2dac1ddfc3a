using System.CommandLine;
using Platform.Cli.Http;
using Spectre.Console;
using Platform.Contracts;
using Platform.Contracts.Datasets;
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
            Description = "A folder of class folders; an archive as downloaded or packed (zip/tar/tar.gz): class folders, images with "
                + "annotations (CSV, JSON, LabelImg's Pascal VOC, YOLO or CreateML, COCO), CIFAR-10/100 (binary or Python), "
                + "an ImageNet-style tar of per-class tars; or two IDX files: images then labels (gzip or not)",
            Arity = new ArgumentArity(1, 2),
        };
        var name = new Option<string>("--name", "-n") { Description = "Dataset name (a new version is added when it exists)", Required = true };
        var split = new Option<string?>("--split") { Description = "train,val,test fractions, stratified per class (default 0.8,0.1,0.1)" };
        var seed = new Option<int?>("--seed") { Description = "Seed of the split and of balancing" };
        var size = new Option<string?>("--size") { Description = "keep, or N to resize every image to N×N" };
        var channels = new Option<string?>("--channels") { Description = "auto, 1 (grayscale) or 3 (RGB)" };
        var balance = new Option<string?>("--balance")
        {
            Description = "none, oversample (augmented copies of minority classes in train) or undersample (leave out some of the majority classes' train images)",
        };
        balance.AcceptOnlyFromAmong("none", "oversample", "undersample");
        var balanceRatio = new Option<double?>("--balance-ratio") { Description = "With balancing: smallest train class at least this share of the largest (0-1]" };
        var labels = new Option<string?>("--labels") { Description = "CIFAR-100: fine (100 classes, default) or coarse (20 superclasses)" };
        labels.AcceptOnlyFromAmong("fine", "coarse");
        var classes = new Option<string?>("--classes") { Description = "Keep only these classes (comma-separated)" };
        var classNames = new Option<string?>("--class-names")
        {
            Description = "IDX uploads: names of labels 0, 1, 2… (comma-separated), or fashion-mnist or mnist",
        };
        var health = new Option<string?>("--health") { Description = "Check near-duplicates, train/test leakage and likely label errors: auto (default, up to the service's size limit), on or off" };
        health.AcceptOnlyFromAmong("auto", "on", "off");
        var leakage = new Option<string?>("--leakage") { Description = "Near-duplicates across splits: move (default: into the original's split) or report" };
        leakage.AcceptOnlyFromAmong("move", "report");
        var labelErrors = new Option<string?>("--label-errors") { Description = "Likely label errors: report (default) or exclude (left out of the version)" };
        labelErrors.AcceptOnlyFromAmong("report", "exclude");
        var noWait = new Option<bool>("--no-wait") { Description = "Return once uploaded, without waiting for validation and publication" };
        var command = new Command("upload", "Upload a dataset, follow its processing and print the validation report")
        {
            paths, name, split, seed, size, channels, balance, balanceRatio, labels, classes, classNames, health, leakage, labelErrors, noWait,
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
            Add("labels", parse.GetValue(labels));
            Add("classes", parse.GetValue(classes));
            Add("classNames", ClassNames.Parse(parse.GetValue(classNames)) is { } names ? string.Join(',', names) : null);
            Add("health", parse.GetValue(health));
            Add("leakage", parse.GetValue(leakage));
            Add("labelErrors", parse.GetValue(labelErrors));

            using var upload = UploadSource.Prepare(parse.GetValue(paths)!, context);
            var accepted = await SendAsync(context, upload, string.Join('&', query), cancellationToken);
            var (datasetName, version) = (accepted.Value.Name, accepted.Value.Version);
            if (parse.GetValue(noWait))
            {
                if (context.Json)
                {
                    context.WriteJson(accepted.Json);
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
            var datasets = await context.Ingest.GetAsync<IReadOnlyList<DatasetSummary>>("/datasets", cancellationToken);
            if (context.Json)
            {
                context.WriteJson(datasets.Json);
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("Dataset", "Versions", "Latest", "State", "Latest published");
            foreach (var dataset in datasets.Value)
            {
                table.AddRow(Markup.Escape(dataset.Name), dataset.Versions.ToString(), dataset.LatestVersion.ToString(),
                    WireNames.Of(dataset.LatestState), dataset.LatestPublishedVersion?.ToString() ?? "-");
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
                var record = await context.Ingest.GetAsync<DatasetVersionRecord>($"/datasets/{Uri.EscapeDataString(dataset.Name)}/versions/{version}",
                    cancellationToken);
                return Report(context, record);
            }
            var details = await context.Ingest.GetAsync<DatasetDetails>($"/datasets/{Uri.EscapeDataString(dataset.Name)}", cancellationToken);
            if (context.Json)
            {
                context.WriteJson(details.Json);
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("Version", "State", "Stage", "Files read", "Accepted", "Rejected", "Created", "Error");
            foreach (var item in details.Value.Versions)
            {
                var progress = item.Progress;
                table.AddRow(item.Version.ToString(), WireNames.Of(item.State), Markup.Escape(progress.Stage),
                    progress.FilesRead.ToString(), progress.Accepted.ToString(), progress.Rejected.ToString(),
                    item.CreatedAt.ToLocalTime().ToString("g"), Markup.Escape(item.Error ?? ""));
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

    private static async Task<ServiceAnswer<DatasetVersionRecord>> SendAsync(CliContext context, UploadSource upload, string query,
        CancellationToken cancellationToken)
    {
        var path = "/datasets?" + query;
        if (!context.Interactive)
        {
            context.Note($"uploading {upload.Description} ({Bytes(upload.TotalBytes)}) to {context.Ingest.BaseAddress}");
            using var response = await context.Ingest.SendAsync(() => upload.CreateRequest(context.Ingest.Address(path), _ => { }), timeout: null, false, cancellationToken);
            return context.Ingest.Answer<DatasetVersionRecord>(await context.Ingest.ReadJsonAsync(response, cancellationToken), "POST /datasets");
        }
        ServiceAnswer<DatasetVersionRecord>? accepted = null;
        await context.Status.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn())
            .StartAsync(async progress =>
            {
                context.Note($"uploading {upload.Description} to {context.Ingest.BaseAddress}");
                var task = progress.AddTask("Uploading", maxValue: Math.Max(1, upload.TotalBytes));
                using var response = await context.Ingest.SendAsync(() => upload.CreateRequest(context.Ingest.Address(path), sent => task.Value = sent),
                    timeout: null, false, cancellationToken);
                task.Value = task.MaxValue;
                accepted = context.Ingest.Answer<DatasetVersionRecord>(await context.Ingest.ReadJsonAsync(response, cancellationToken), "POST /datasets");
            });
        return accepted!;
    }

    /// <summary>
    /// Polls the version until it is published or failed, showing the stage and counts as they change, and a bar over
    /// the images to write once the service knows how many there are.
    /// </summary>
    private static async Task<ServiceAnswer<DatasetVersionRecord>> FollowAsync(CliContext context, string name, int version, CancellationToken cancellationToken)
    {
        var path = $"/datasets/{Uri.EscapeDataString(name)}/versions/{version}";
        static bool Finished(DatasetVersionRecord record) => record.State is DatasetVersionState.Published or DatasetVersionState.Failed;
        static string Describe(DatasetVersionRecord record)
        {
            var progress = record.Progress;
            return $"{WireNames.Of(record.State)}: {progress.Stage} — {progress.FilesRead} read, {progress.Accepted} accepted, {progress.Rejected} rejected"
                + (progress.ToWrite > 0 ? $", {progress.Written}/{progress.ToWrite} written" : "");
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
        ServiceAnswer<DatasetVersionRecord>? result = null;
        await context.Status.Progress()
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask($"Processing {Markup.Escape($"{name}:{version}")}").IsIndeterminate();
                result = await PollAsync(record =>
                {
                    // Short enough for an 80-column terminal: the bar and the report carry the rest.
                    var counts = record.Progress;
                    task.Description = Markup.Escape($"{counts.Stage} · {counts.FilesRead} read · {counts.Rejected} rejected");
                    if (counts.ToWrite > 0)
                    {
                        task.IsIndeterminate(false);
                        task.MaxValue = counts.ToWrite;
                        task.Value = counts.Written;
                    }
                });
                task.StopTask();
            });
        return result!;

        async Task<ServiceAnswer<DatasetVersionRecord>> PollAsync(Action<DatasetVersionRecord> show)
        {
            while (true)
            {
                var record = await context.Ingest.GetAsync<DatasetVersionRecord>(path, cancellationToken);
                show(record.Value);
                if (Finished(record.Value))
                {
                    return record;
                }
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
    }

    /// <summary>Prints a version's outcome and report; exit code 1 when it failed.</summary>
    private static int Report(CliContext context, ServiceAnswer<DatasetVersionRecord> answer)
    {
        var record = answer.Value;
        var failed = record.State == DatasetVersionState.Failed;
        if (context.Json)
        {
            context.WriteJson(answer.Json);
            return failed ? ExitCodes.Failed : ExitCodes.Success;
        }
        var console = context.Console;
        var title = $"{record.Name}:{record.Version}";
        console.MarkupLine(failed
            ? $"[red]{Markup.Escape(title)} failed:[/] {Markup.Escape(record.Error ?? "")}"
            : $"[green]{Markup.Escape(title)} {WireNames.Of(record.State)}[/]");
        if (record.Report is not { } report)
        {
            return failed ? ExitCodes.Failed : ExitCodes.Success;
        }
        var table = new Table().AddColumn("Class");
        foreach (var split in report.Splits)
        {
            table.AddColumn(new TableColumn(Markup.Escape(split.Name)).RightAligned());
        }
        for (var c = 0; c < report.Classes.Count; c++)
        {
            table.AddRow([Markup.Escape(report.Classes[c]), .. report.Splits.Select(s => s.PerClass[c].ToString())]);
        }
        table.AddRow(["[bold]total[/]", .. report.Splits.Select(s => $"[bold]{s.Samples}[/]")]);
        console.Write(table);

        var size = report.Size is { } imageSize ? $"{imageSize.Width}×{imageSize.Height}" : "kept";
        console.MarkupLineInterpolated($"channels {report.Channels}, size {size}, mean ({string.Join(", ", report.Mean.Select(m => m.ToString("0.###")))}), std ({string.Join(", ", report.Std.Select(m => m.ToString("0.###")))}), labels from {report.LabelSource}");
        var duplicates = report.Duplicates.Sum(d => d.Dropped.Count);
        var conflicts = report.Conflicts.Count;
        if (duplicates > 0 || conflicts > 0)
        {
            console.MarkupLineInterpolated($"{duplicates} duplicate file(s) dropped, {conflicts} label conflict(s) dropped");
        }
        if (report.Balancing is { } balancing)
        {
            var changes = balancing.RemovedPerClass is { } removed
                ? removed.Select(p => $"-{p.Value} {p.Key}")
                : balancing.AddedPerClass.Select(p => $"+{p.Value} {p.Key}");
            console.MarkupLineInterpolated($"balanced by {WireNames.Of(balancing.Method)}: {string.Join(", ", changes)}");
        }
        if (report.ImbalanceRatio is { } imbalance)
        {
            console.MarkupLineInterpolated($"imbalance ratio {imbalance.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} (largest train class per image of the smallest)");
        }
        foreach (var warning in report.Warnings)
        {
            console.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
        }
        if (report.Rejected.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]{report.Rejected.Count} file(s) rejected[/] ({string.Join(", ", report.Rejected.GroupBy(r => r.Reason).Select(g => $"{g.Count()} {g.Key}"))}):");
            var rejections = new Table().AddColumns("File", "Reason", "Detail");
            foreach (var file in report.Rejected.Take(20))
            {
                rejections.AddRow(Markup.Escape(file.Path), Markup.Escape(file.Reason), Markup.Escape(file.Detail));
            }
            console.Write(rejections);
            if (report.Rejected.Count > 20)
            {
                console.MarkupLineInterpolated($"… and {report.Rejected.Count - 20} more (platform datasets show {title} --json lists them all)");
            }
        }
        if (report.Health is { } health)
        {
            WriteHealth(console, health, title);
        }
        return failed ? ExitCodes.Failed : ExitCodes.Success;
    }

    /// <summary>The health check's findings: counts, then the first pairs and images, each with its evidence.</summary>
    private static void WriteHealth(IAnsiConsole console, DatasetHealthReport health, string title)
    {
        if (health.Status == DatasetHealthStatus.Skipped)
        {
            console.MarkupLineInterpolated($"health: skipped ({health.Reason})");
            return;
        }
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        console.MarkupLineInterpolated(
            $"health: {health.Images} images embedded at {health.Model?.Resolution}² in {health.Seconds.ToString("0.#", invariant)} s; {health.NearDuplicates.Count} near-duplicate pair(s) (threshold {health.Settings.DuplicateThreshold.ToString(invariant)}), {health.LeakagePairs} across splits, {health.Moved} moved; {health.LabelIssues.Count} likely label error(s), {health.Excluded} excluded; {health.Outliers.Count} outlier(s)");
        const int shown = 10;
        if (health.NearDuplicates.Count > 0)
        {
            var pairs = new Table().AddColumns("Original", "Copy", "Splits", "Similarity", "Action");
            foreach (var pair in health.NearDuplicates.Take(shown))
            {
                pairs.AddRow(Markup.Escape(pair.Original), Markup.Escape(pair.Copy), Markup.Escape($"{pair.OriginalSplit} ← {pair.CopySplit}"),
                    pair.Similarity.ToString("0.000", invariant), pair.Moved ? "moved" : pair.Leakage ? "[yellow]leak reported[/]" : "reported");
            }
            console.Write(pairs);
        }
        if (health.LabelIssues.Count > 0)
        {
            var issues = new Table().AddColumns("Image", "Given", "Suggested", "p(given) / threshold", "p(suggested) / threshold", "Nearest");
            foreach (var issue in health.LabelIssues.Take(shown))
            {
                issues.AddRow(Markup.Escape(issue.Key), Markup.Escape(issue.GivenLabel), Markup.Escape(issue.SuggestedLabel),
                    $"{issue.GivenProbability.ToString("0.00", invariant)} / {issue.GivenThreshold.ToString("0.00", invariant)}",
                    $"{issue.SuggestedProbability.ToString("0.00", invariant)} / {issue.SuggestedThreshold.ToString("0.00", invariant)}",
                    Markup.Escape(string.Join(", ", issue.Neighbours.Select(n => n.Label))) + (issue.Excluded ? " [yellow](excluded)[/]" : ""));
            }
            console.Write(issues);
        }
        if (health.Outliers.Count > 0)
        {
            console.MarkupLineInterpolated($"outliers: {string.Join(", ", health.Outliers.Take(shown).Select(o => $"{o.Key} ({o.Label}, distance {o.Distance.ToString("0.00", invariant)})"))}");
        }
        if (health.NearDuplicates.Count > shown || health.LabelIssues.Count > shown || health.Outliers.Count > shown)
        {
            console.MarkupLineInterpolated($"… more in platform datasets show {title} --json");
        }
    }

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 30 => $"{bytes / (double)(1 << 30):0.0} GiB",
        >= 1 << 20 => $"{bytes / (double)(1 << 20):0.0} MiB",
        >= 1 << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
