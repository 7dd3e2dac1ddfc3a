using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Platform.Cli.Http;
using Spectre.Console;

namespace Platform.Cli;

/// <summary>
/// What a command runs with: the services' clients, and where its output goes. Results go to standard output (as JSON
/// with --json); progress and errors go to standard error, so piping the results stays clean.
/// </summary>
public sealed class CliContext : IDisposable
{
    private static readonly JsonSerializerOptions JsonOutput = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly HttpClient http = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = Timeout.InfiniteTimeSpan };

    private readonly Lazy<ServiceClient> ingest;
    private readonly Lazy<ServiceClient> tracker;
    private readonly Lazy<ServiceClient> inference;

    public CliContext(ServiceEndpoints endpoints, bool json, TextWriter output, TextWriter error, bool interactive)
        : this(() => endpoints.Ingest, () => endpoints.Tracker, () => endpoints.Inference, json, output, error, interactive)
    {
    }

    /// <summary>Each service's address is resolved when a command first talks to it, so offline commands never need one.</summary>
    private CliContext(Func<Uri> ingestAddress, Func<Uri> trackerAddress, Func<Uri> inferenceAddress, bool json, TextWriter output, TextWriter error,
        bool interactive)
    {
        Json = json;
        Output = output;
        Interactive = interactive && !json;
        ingest = new(() => new ServiceClient("ingest", GlobalOptions.IngestUrl.Name, ServiceEndpoints.IngestVariable, ingestAddress(), http));
        tracker = new(() => new ServiceClient("tracker", GlobalOptions.TrackerUrl.Name, ServiceEndpoints.TrackerVariable, trackerAddress(), http));
        inference = new(() => new ServiceClient("inference", GlobalOptions.InferenceUrl.Name, ServiceEndpoints.InferenceVariable, inferenceAddress(), http));
        Console = CreateConsole(output, Interactive);
        Status = CreateConsole(error, Interactive);
    }

    public bool Json { get; }

    /// <summary>True when a person watches a terminal: live progress bars instead of one line per change.</summary>
    public bool Interactive { get; }

    public TextWriter Output { get; }

    /// <summary>Human-readable results (standard output).</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Progress and notes (standard error).</summary>
    public IAnsiConsole Status { get; }

    public ServiceClient Ingest => ingest.Value;

    public ServiceClient Tracker => tracker.Value;

    public ServiceClient Inference => inference.Value;

    public static CliContext From(ParseResult parse, TextWriter output, TextWriter error, bool interactive) =>
        new(() => ServiceEndpoints.Resolve(parse.GetValue(GlobalOptions.IngestUrl), ServiceEndpoints.IngestVariable, ServiceEndpoints.DefaultIngest),
            () => ServiceEndpoints.Resolve(parse.GetValue(GlobalOptions.TrackerUrl), ServiceEndpoints.TrackerVariable, ServiceEndpoints.DefaultTracker),
            () => ServiceEndpoints.Resolve(parse.GetValue(GlobalOptions.InferenceUrl), ServiceEndpoints.InferenceVariable, ServiceEndpoints.DefaultInference),
            parse.GetValue(GlobalOptions.Json), output, error, interactive);

    public void WriteJson<T>(T value) => Output.WriteLine(JsonSerializer.Serialize(value, JsonOutput));

    /// <summary>A progress note on standard error; in --json mode too, since standard output carries only the result.</summary>
    public void Note(string text) => Status.MarkupLineInterpolated($"[grey]{text}[/]");

    public void Dispose() => http.Dispose();

    private static IAnsiConsole CreateConsole(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive)
        {
            // Logs and pipes have no width; 80 columns would wrap every table.
            console.Profile.Width = 160;
        }
        return console;
    }
}
