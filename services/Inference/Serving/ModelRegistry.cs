using System.Collections.Concurrent;
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
    // Per model, the batch budget its answering versions share (BatchScheduler): a split runs no more batches at once than one version.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> batchBudgets = new(StringComparer.Ordinal);

    /// <summary>True once the promotions recorded before start have been applied (or found to be none).</summary>
    public bool StartupComplete => startupComplete;

    public void MarkStartupComplete() => startupComplete = true;

    public IReadOnlyCollection<ModelState> Models => models.Values;

    /// <summary>True when a promotion has named this model (loaded or not).</summary>
    public bool Knows(string name) => models.ContainsKey(name);

    /// <summary>Every promotion whose version is not (yet) loaded: the service is not ready while this is non-empty.</summary>
    public IReadOnlyList<string> PendingPromotions() =>
        [.. models.Values.SelectMany(model => model.Pending.Select(alias => $"{model.Name}@{alias.Key} → v{alias.Value.Version}"))];

    /// <summary>The version a metadata or readiness request describes: the pinned one, or the alias's primary version.</summary>
    public Resolution Resolve(string name, string? alias, int? version, out ServedModel? served) =>
        Route(name, alias, version, requestId: null, primaryOnly: true, out served);

    /// <summary>
    /// The version that answers a request: the pinned one, or for an alias the version its split picks (<see cref="TrafficRouter"/>):
    /// the same one for the same <paramref name="requestId"/>, a weighted random one without.
    /// </summary>
    public Resolution Route(string name, string? alias, int? version, string? requestId, out ServedModel? served) =>
        Route(name, alias, version, requestId, primaryOnly: false, out served);

    /// <summary>The shadow version the alias mirrors to, when it has one and it is loaded.</summary>
    public ServedModel? ShadowOf(string name, string? alias) =>
        models.TryGetValue(name, out var model) && model.Aliases.TryGetValue(alias ?? DefaultAlias, out var promotion) && promotion.Shadow is { } shadow
            ? model.Versions.GetValueOrDefault(shadow.Version)
            : null;

    private Resolution Route(string name, string? alias, int? version, string? requestId, bool primaryOnly, out ServedModel? served)
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
            return model.Pending.Values.Any(a => a.Shares().Any(s => s.Version == pinned)) ? Resolution.NotReady : Resolution.UnknownVersion;
        }
        // The alias keeps serving its current route while a newer promotion loads; every version of a route is loaded before it applies.
        if (model.Aliases.TryGetValue(alias ?? DefaultAlias, out var promotion)
            && model.Versions.TryGetValue(primaryOnly ? promotion.Version : TrafficRouter.Choose(promotion.Shares(), requestId), out served))
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
    /// Applies a promotion: loads every version of its route (the split's versions and the shadow) unless loaded, then points the
    /// alias at the route in one swap. Idempotent; an older promotion than the alias's current one changes nothing. Throws
    /// <see cref="ModelPackageException"/> when a package cannot be served, and then the alias keeps its route.
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
            var loaded = await LoadRouteAsync(promotion, existing, cancellationToken);
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
                var versions = new Dictionary<int, ServedModel>(model.Versions);
                // A version loaded again (another run, or a shadow that now answers) replaces the instance that served it.
                retired = [.. loaded.Where(served => versions.TryGetValue(served.Version, out var old) && !ReferenceEquals(old, served))
                    .Select(served => versions[served.Version])];
                foreach (var served in loaded)
                {
                    versions[served.Version] = served;
                }
                var keep = aliases.Values.SelectMany(RouteVersions).Concat(previous.Values).ToHashSet();
                var unused = versions.Values.Where(v => !keep.Contains(v.Version)).ToList();
                foreach (var version in unused)
                {
                    versions.Remove(version.Version);
                }
                retired.AddRange(unused);
                Publish(new ModelState(model.Name, aliases, pending, versions, previous));
            }
            foreach (var version in retired)
            {
                version.Scheduler.Retire();
                logger.LogInformation("Retired {Model} v{Version}; its queued requests finish first.", version.Name, version.Version);
                _ = version.DisposeAsync().AsTask();
            }
            logger.LogInformation("{Model}@{Alias} now serves {Route}{Shadow}.", promotion.ModelName, promotion.Alias,
                string.Join(", ", promotion.Shares().Select(s => $"v{s.Version} {s.Weight}%")), promotion.Shadow is { } shadow ? $", shadow v{shadow.Version}" : "");
        }
        finally
        {
            changes.Release();
        }
    }

    /// <summary>Versions a route needs: its shares and its shadow.</summary>
    private static IEnumerable<int> RouteVersions(ModelPromoted promotion) =>
        promotion.Shares().Select(s => s.Version).Concat(promotion.Shadow is { } shadow ? [shadow.Version] : []);

    /// <summary>
    /// Every version of the route, loaded now unless already loaded from the same run; all or none (a failure disposes the new ones).
    /// How each runs follows its role once this promotion applies (<see cref="ExecutionOf"/>); a loaded version whose role changed
    /// (a shadow that now answers, a canary that becomes the primary) is loaded again with the right execution, in the same swap.
    /// </summary>
    private async Task<List<ServedModel>> LoadRouteAsync(ModelPromoted promotion, ModelState? existing, CancellationToken cancellationToken)
    {
        var wanted = promotion.Shares().Select(s => (s.Version, s.RunId))
            .Concat(promotion.Shadow is { } shadow ? [(shadow.Version, shadow.RunId)] : []).Distinct().ToList();
        var routes = (existing?.Aliases.Where(a => a.Key != promotion.Alias).Select(a => a.Value) ?? []).Append(promotion).ToList();
        var answering = routes.SelectMany(p => p.Shares().Select(s => s.Version)).ToHashSet();
        var primaries = routes.Select(p => p.Version).ToHashSet();
        var execution = options.Value.ExecutionFor(promotion.ModelName);
        var route = new List<ServedModel>();
        var fresh = new List<ServedModel>();
        try
        {
            foreach (var (version, runId) in wanted)
            {
                var served = existing?.Versions.GetValueOrDefault(version);
                var role = ExecutionOf(version, execution, answering, primaries);
                if (served is null || served.RunId != runId || served.Scheduler.Execution != role)
                {
                    served = await LoadAsync(promotion.ModelName, version, runId, role, cancellationToken);
                    fresh.Add(served);
                }
                route.Add(served);
            }
            return route;
        }
        catch
        {
            foreach (var served in fresh)
            {
                await served.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>
    /// How a version runs by its role: an alias's primary as the model is configured; a split's minor share only (no alias's
    /// primary) the same, without spinning when it has a pool of its own (on the shared pool its batches take turns with the
    /// primary's on the same threads, which spin or not for all); a shadow only (no alias's share) in the background.
    /// </summary>
    private static ModelExecution ExecutionOf(int version, ModelExecution configured, HashSet<int> answering, HashSet<int> primaries) =>
        !answering.Contains(version) ? ModelExecution.Shadow
            : primaries.Contains(version) || configured.ThreadPool == OnnxThreadPool.Shared ? configured
            : configured with { Spinning = false };

    private async Task<ServedModel> LoadAsync(string modelName, int version, Guid runId, ModelExecution execution, CancellationToken cancellationToken)
    {
        var package = await packages.ReadAsync(modelName, runId, cancellationToken);
        var pipeline = new TransformPipeline(package.Preprocessing);
        var background = execution.Background;
        var answering = options.Value.ExecutionFor(modelName);
        var session = await Task.Run(() => sessions.Create(package.Model, execution.IntraOpThreads, execution.Spinning, execution.ThreadPool), cancellationToken);
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
            var scheduler = new BatchScheduler(session, imageShape, modelName, version, execution, options.Value, telemetry,
                background ? null : batchBudgets.GetOrAdd(modelName, _ => new SemaphoreSlim(answering.ConcurrentBatches, answering.ConcurrentBatches)));
            logger.LogInformation("Loaded {Model} v{Version} (run {RunId}) on the {Provider} provider{Role}: {Batches} batch(es) at once sharing {Threads} intra-op thread(s) of {Pool}, {Spinning}.",
                modelName, version, runId, session.Provider, background ? " as a shadow, in the background" : "", execution.ConcurrentBatches, execution.IntraOpThreads,
                session.ThreadPool == OnnxThreadPool.Shared ? "the service's shared pool" : "its own pool", execution.Spinning ? "spinning" : "not spinning");
            return new ServedModel(modelName, version, runId, package.Labels, pipeline, scheduler, input.Key, output.Key,
                package.Index.Calibration?.Temperature ?? 1);
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
