using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using Platform.Cli.Http;
using Platform.Contracts.Predictions;
using Spectre.Console;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;

namespace Platform.Cli.Commands;

/// <summary>
/// <c>platform predict</c>: image files, folders of them, or samples of an IDX pair sent to the inference service in
/// multipart batches; prints the top-k labels, and the accuracy when the true labels are known (IDX).
/// </summary>
public static class PredictCommand
{
    private const int ImagesPerRequest = 32;

    /// <summary>One image to classify; its bytes are read (or encoded) only when its batch is sent, so memory holds one batch.</summary>
    private sealed record Input(string Name, Func<byte[]> Read, int? ExpectedIndex, string? ExpectedLabel);

    public static Command Create(Terminal terminal)
    {
        var model = new Argument<string>("model") { Description = "Model name" };
        var images = new Argument<string[]>("images") { Description = $"Image files ({AcceptedImages.Description}) or folders of them", Arity = ArgumentArity.ZeroOrMore };
        var alias = new Option<string?>("--alias", "-a") { Description = "Alias whose version answers (default production)" };
        var version = new Option<int?>("--version") { Description = "Pin a version instead of an alias" };
        var topK = new Option<int>("--top-k", "-k") { Description = "Labels per image", DefaultValueFactory = _ => 3 };
        var idx = new Option<string[]>("--idx") { Description = "An IDX images file and its labels file: predict their samples and report the accuracy", Arity = new ArgumentArity(2, 2), AllowMultipleArgumentsPerToken = true };
        var count = new Option<int>("--count") { Description = "With --idx: how many samples", DefaultValueFactory = _ => 100 };
        var offset = new Option<int>("--offset") { Description = "With --idx: index of the first sample", DefaultValueFactory = _ => 0 };
        var classNames = new Option<string?>("--class-names") { Description = "With --idx: names of labels 0, 1, 2… to compare by name (comma-separated, or fashion-mnist or mnist); default: label i is the model's class i" };
        var show = new Option<int>("--show") { Description = "Rows to print (all with --json)", DefaultValueFactory = _ => 20 };
        var command = new Command("predict", "Classify images with a served model") { model, images, alias, version, topK, idx, count, offset, classNames, show };
        foreach (var (option, minimum) in new[] { (topK, 1), (count, 1), (offset, 0) })
        {
            option.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < minimum)
                {
                    result.AddError($"{option.Name} must be at least {minimum}.");
                }
            });
        }
        command.Validators.Add(result =>
        {
            if (result.GetValue(alias) is not null && result.GetValue(version) is not null)
            {
                result.AddError("Give --alias or --version, not both.");
            }
            if ((result.GetValue(images)?.Length ?? 0) == 0 && result.GetValue(idx) is not { Length: 2 })
            {
                result.AddError("Name images (files or folders) or --idx IMAGES LABELS.");
            }
        });
        command.SetAction(terminal.Action(async (parse, context, cancellationToken) =>
        {
            var inputs = Files(parse.GetValue(images) ?? []).ToList();
            if (parse.GetValue(idx) is { Length: 2 } pair)
            {
                inputs.AddRange(IdxSamples(pair[0], pair[1], parse.GetValue(offset), parse.GetValue(count), parse.GetValue(classNames)));
            }
            var name = parse.GetValue(model)!;
            var path = parse.GetValue(version) is { } pinned
                ? $"/models/{Uri.EscapeDataString(name)}/versions/{pinned}/predict"
                : $"/models/{Uri.EscapeDataString(name)}/predict?alias={Uri.EscapeDataString(parse.GetValue(alias) ?? "production")}";
            path += (path.Contains('?') ? "&" : "?") + "topK=" + parse.GetValue(topK).ToString(CultureInfo.InvariantCulture);

            var results = new List<(Input Input, ImagePrediction Result)>();
            PredictionResponse? last = null;
            foreach (var chunk in inputs.Chunk(ImagesPerRequest))
            {
                var bytes = chunk.Select(ReadBytes).ToArray();
                using var response = await context.Inference.SendAsync(() => Request(context.Inference.Address(path), chunk, bytes), ServiceClient.DefaultTimeout,
                    retryWhenBusy: true, cancellationToken);
                last = context.Inference.Answer<PredictionResponse>(await context.Inference.ReadJsonAsync(response, cancellationToken), $"POST {path}").Value;
                results.AddRange(chunk.Zip(last.Results));
            }
            if (last is null)
            {
                throw new CliException(ExitCodes.InvalidInput, "No images to predict.");
            }
            var scored = results.Where(r => r.Input.ExpectedIndex is not null || r.Input.ExpectedLabel is not null).ToList();
            double? accuracy = scored.Count == 0 ? null : scored.Count(r => IsCorrect(r.Input, r.Result)) / (double)scored.Count;
            var served = $"{last.Model} v{last.Version}" + (last.Alias is { } servedAlias ? $" ({servedAlias})" : "");

            if (context.Json)
            {
                context.WriteJson(new
                {
                    model = last.Model,
                    version = last.Version,
                    alias = last.Alias,
                    images = results.Count,
                    accuracy,
                    results = results.Select(r => new
                    {
                        name = r.Input.Name,
                        expected = r.Input.ExpectedLabel ?? (r.Input.ExpectedIndex is { } index ? $"class {index}" : null),
                        correct = r.Input.ExpectedIndex is null && r.Input.ExpectedLabel is null ? (bool?)null : IsCorrect(r.Input, r.Result),
                        predictions = r.Result.Predictions,
                    }),
                });
                return ExitCodes.Success;
            }
            var table = new Table().AddColumns("Image", "Prediction", "Probability", "Also");
            if (scored.Count > 0)
            {
                table.AddColumn("Expected");
            }
            foreach (var (input, result) in results.Take(parse.GetValue(show)))
            {
                var top = result.Predictions[0];
                var row = new List<string>
                {
                    Markup.Escape(input.Name), Markup.Escape(top.Label), top.Probability.ToString("P1", CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(", ", result.Predictions.Skip(1).Select(p => $"{p.Label} {p.Probability:P1}"))),
                };
                if (scored.Count > 0)
                {
                    var expected = input.ExpectedLabel ?? $"class {input.ExpectedIndex}";
                    row.Add(IsCorrect(input, result) ? $"[green]{Markup.Escape(expected)}[/]" : $"[red]{Markup.Escape(expected)}[/]");
                }
                table.AddRow(row.ToArray());
            }
            context.Console.MarkupLineInterpolated($"{served}: {results.Count} image(s)");
            context.Console.Write(table);
            if (accuracy is { } value)
            {
                context.Console.MarkupLineInterpolated($"accuracy {value:P1} ({scored.Count(r => IsCorrect(r.Input, r.Result))} of {scored.Count} correct)");
            }
            return ExitCodes.Success;
        }));
        return command;
    }

    private static bool IsCorrect(Input input, ImagePrediction result)
    {
        var top = result.Predictions[0];
        return input.ExpectedLabel is { } label ? top.Label == label : top.Index == input.ExpectedIndex;
    }

    private static byte[] ReadBytes(Input input)
    {
        try
        {
            return input.Read();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.InvalidInput, $"Could not read {input.Name}: {exception.Message}");
        }
    }

    private static HttpRequestMessage Request(Uri address, Input[] chunk, byte[][] bytes)
    {
        var multipart = new MultipartFormDataContent();
        for (var i = 0; i < chunk.Length; i++)
        {
            var input = chunk[i];
            var part = new ByteArrayContent(bytes[i]);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            multipart.Add(part, "image", input.Name);
        }
        return new HttpRequestMessage(HttpMethod.Post, address) { Content = multipart };
    }

    private static IEnumerable<Input> Files(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => AcceptedImages.Extensions.Contains(Path.GetExtension(f)))
                    .Order(StringComparer.Ordinal).ToList();
                if (files.Count == 0)
                {
                    throw new CliException(ExitCodes.InvalidInput, $"'{path}' holds no {AcceptedImages.Description} files.");
                }
                foreach (var file in files)
                {
                    yield return new Input(Path.GetRelativePath(path, file), () => File.ReadAllBytes(file), null, null);
                }
            }
            else if (File.Exists(path))
            {
                yield return new Input(Path.GetFileName(path), () => File.ReadAllBytes(path), null, null);
            }
            else
            {
                throw new CliException(ExitCodes.InvalidInput, $"'{path}' does not exist.");
            }
        }
    }

    private static IEnumerable<Input> IdxSamples(string imagesPath, string labelsPath, int offset, int count, string? classNames)
    {
        IdxDataset dataset;
        try
        {
            dataset = IdxDataset.Open(imagesPath, labelsPath);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            throw new CliException(ExitCodes.InvalidInput, $"Could not read the IDX pair {imagesPath} + {labelsPath}: {exception.Message}");
        }
        if (offset >= dataset.Count)
        {
            throw new CliException(ExitCodes.InvalidInput, $"--offset {offset} is past the {dataset.Count} samples of {imagesPath}.");
        }
        var names = ClassNames.Parse(classNames);
        for (var index = offset; index < Math.Min(dataset.Count, offset + count); index++)
        {
            var label = dataset.GetLabel(index);
            if (names is not null && label >= names.Count)
            {
                throw new CliException(ExitCodes.InvalidInput, $"Sample {index} has label {label}, but --class-names names only {names.Count} classes.");
            }
            var sample = index;
            yield return new Input($"{Path.GetFileName(imagesPath)}[{index}]", () => PngWriter.Encode(dataset.Load(sample)),
                names is null ? label : null, names?[label]);
        }
    }
}
