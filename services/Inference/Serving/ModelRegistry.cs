using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Imaging.Transforms;
using Platform.Inference.Telemetry;
using Platform.OnnxRuntime;

namespace Platform.Inference.Serving;

/// <summary>
/// The models this instance serves. Per model: which version each alias points at and the loaded versions. A promotion loads the new
/// version fully before the alias moves (one reference swap), keeps the version the alias pointed at before for pinned requests, and
/// retires only versions that neither an alias nor a previous pointer holds; a retired version finishes its queued work first.
/// </summary>
public sealed class ModelRegistry(OnnxSessionFactory sessions, ModelPackageReader packages, InferenceTelemetry telemetry,
    IOptions<InferenceOptions> options, ILogger<ModelRegistry> logger) : IAsyncDisposable
{
    public const string DefaultAlias = "production";

    private readonly SemaphoreSlim changes = new(1, 1);
    private readonly Lock stateLock = new();
    // Replaced whole on every change (copy on write), so readers need no lock.
    private volatile bool startupComplete;
    private volatile Dictionary<string, ModelState> models = new(StringComparer.Ordinal);

    /// <summary>True once the promotions recorded before start have been applied (or found to be none).</summary>
    public bool StartupComplete => startupComplete;

    public void MarkStartupComplete() => startupComplete = true;

    public IReadOnlyCollection<ModelState> Models => models.Values;

    /// <summary>True when a promotion has named this model (loaded or not).</summary>
    public bool Knows(string name) => models.ContainsKey(name);

    /// <summary>Every promotion whose version is not (yet) loaded: the service is not ready while this is non-empty.</summary>
    public IReadOnlyList<string> PendingPromotions() =>
        [.. models.Values.SelectMany(model => model.Pending.Select(alias => $"{model.Name}@{alias.Key} → v{alias.Value.Version}"))];

    public Resolution Resolve(string name, string? alias, int? version, out ServedModel? served)
    {
        served = null;
        if (!models.TryGetValue(name, out var model))
        {
            return Resolution.UnknownModel;
        }
        if (version is { } pinned)
        {
            if (model.Versions.TryGetValue(pinned, out served))
            {
                return Resolution.Found;
            }
            return model.Pending.Values.Any(a => a.Version == pinned) ? Resolution.NotReady : Resolution.UnknownVersion;
        }
        // The alias keeps serving its current version while a newer promotion loads.
        if (model.Aliases.TryGetValue(alias ?? DefaultAlias, out var promotion) && model.Versions.TryGetValue(promotion.Version, out served))
        {
            return Resolution.Found;
        }
        return model.Pending.ContainsKey(alias ?? DefaultAlias) ? Resolution.NotReady : Resolution.UnknownVersion;
    }

    /// <summary>Records that a promotion exists before its version loads, so readiness reports it as pending.</summary>
    public void Announce(ModelPromoted promotion)
    {
        lock (stateLock)
        {
            var model = models.GetValueOrDefault(promotion.ModelName) ?? new ModelState(promotion.ModelName, new Dictionary<string, ModelPromoted>(),
                new Dictionary<string, ModelPromoted>(), new Dictionary<int, ServedModel>(), new Dictionary<string, int>());
            if (model.Aliases.TryGetValue(promotion.Alias, out var current) && current.PromotedAt >= promotion.PromotedAt
                || model.Pending.TryGetValue(promotion.Alias, out var pending) && pending.PromotedAt >= promotion.PromotedAt)
            {
                return;
            }
            Publish(model with { Pending = new Dictionary<string, ModelPromoted>(model.Pending) { [promotion.Alias] = promotion } });
        }
    }

    /// <summary>
    /// Applies a promotion: loads its version (unless loaded), then points the alias at it. Idempotent; an older promotion than the
    /// alias's current one changes nothing. Throws <see cref="ModelPackageException"/> when the package cannot be served.
    /// </summary>
    public async Task ApplyAsync(ModelPromoted promotion, CancellationToken cancellationToken)
    {
        await changes.WaitAsync(cancellationToken);
        try
        {
            var existing = models.GetValueOrDefault(promotion.ModelName);
            if (existing is not null && existing.Aliases.TryGetValue(promotion.Alias, out var current)
                && current.PromotedAt > promotion.PromotedAt && existing.Versions.ContainsKey(current.Version))
            {
                logger.LogInformation("Ignored {Model}@{Alias} → v{Version}: a newer promotion (v{Current}) is in place.",
                    promotion.ModelName, promotion.Alias, promotion.Version, current.Version);
                return;
            }
            Announce(promotion);
            var served = existing?.Versions.GetValueOrDefault(promotion.Version);
            if (served is null || served.RunId != promotion.RunId)
            {
                served = await LoadAsync(promotion, cancellationToken);
            }
            List<ServedModel> retired;
            lock (stateLock)
            {
                var model = models[promotion.ModelName];
                var previousVersion = existing?.Aliases.GetValueOrDefault(promotion.Alias)?.Version;
                var aliases = new Dictionary<string, ModelPromoted>(model.Aliases) { [promotion.Alias] = promotion };
                var pending = new Dictionary<string, ModelPromoted>(model.Pending);
                if (pending.TryGetValue(promotion.Alias, out var announced) && announced.PromotedAt <= promotion.PromotedAt)
                {
                    pending.Remove(promotion.Alias);
                }
                var previous = new Dictionary<string, int>(model.PreviousVersions);
                if (previousVersion is { } before && before != aliases[promotion.Alias].Version)
                {
                    previous[promotion.Alias] = before;
                }
                var versions = new Dictionary<int, ServedModel>(model.Versions) { [promotion.Version] = served };
                var keep = aliases.Values.Select(a => a.Version).Concat(previous.Values).ToHashSet();
                retired = [.. versions.Values.Where(v => !keep.Contains(v.Version))];
                foreach (var version in retired)
                {
                    versions.Remove(version.Version);
                }
                Publish(new ModelState(model.Name, aliases, pending, versions, previous));
            }
            foreach (var version in retired)
            {
                version.Scheduler.Retire();
                logger.LogInformation("Retired {Model} v{Version}; its queued requests finish first.", version.Name, version.Version);
                _ = version.DisposeAsync().AsTask();
            }
            logger.LogInformation("{Model}@{Alias} now serves v{Version} (run {RunId}).", promotion.ModelName, promotion.Alias, promotion.Version, promotion.RunId);
        }
        finally
        {
            changes.Release();
        }
    }

    private async Task<ServedModel> LoadAsync(ModelPromoted promotion, CancellationToken cancellationToken)
    {
        var package = await packages.ReadAsync(promotion.ModelName, promotion.RunId, cancellationToken);
        var pipeline = new TransformPipeline(package.Preprocessing);
        var execution = options.Value.ExecutionFor(promotion.ModelName);
        var session = await Task.Run(() => sessions.Create(package.Model, execution.IntraOpThreads), cancellationToken);
        try
        {
            var input = session.InferenceSession.InputMetadata.Single();
            var output = session.InferenceSession.OutputMetadata.First();
            long[] imageShape = [pipeline.OutputChannels, pipeline.OutputHeight, pipeline.OutputWidth];
            var declared = input.Value.Dimensions;
            if (declared.Length != 4 || !declared.Skip(1).Select((d, i) => d < 0 || d == imageShape[i]).All(ok => ok))
            {
                throw new ModelPackageException($"The model takes [{string.Join(", ", declared)}] but its preprocessing makes [N, {string.Join(", ", imageShape)}].");
            }
            if (output.Value.Dimensions is [_, var classes] && classes > 0 && classes != package.Labels.Count)
            {
                throw new ModelPackageException($"The model outputs {classes} classes but {ModelPackageLayout.LabelsFile} names {package.Labels.Count}.");
            }
            var scheduler = new BatchScheduler(session, imageShape, promotion.ModelName, promotion.Version, execution, options.Value, telemetry);
            logger.LogInformation("Loaded {Model} v{Version} (run {RunId}) on the {Provider} provider: {Batches} batch(es) at once sharing {Threads} intra-op thread(s).",
                promotion.ModelName, promotion.Version, promotion.RunId, session.Provider, execution.ConcurrentBatches, execution.IntraOpThreads);
            return new ServedModel(promotion.ModelName, promotion.Version, promotion.RunId, package.Labels, pipeline, scheduler, input.Key, output.Key);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Readers see either the old or the new state, never a half-built one.</summary>
    private void Publish(ModelState model)
    {
        models = new Dictionary<string, ModelState>(models, StringComparer.Ordinal) { [model.Name] = model };
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var version in models.Values.SelectMany(m => m.Versions.Values))
        {
            await version.DisposeAsync();
        }
    }
}
