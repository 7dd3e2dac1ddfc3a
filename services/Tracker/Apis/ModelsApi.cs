using Azure;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Models;
using Platform.Tracker.Registry;
using Platform.Contracts.Naming;

namespace Platform.Tracker.Apis;

public static class ModelsApi
{
    public static RouteGroupBuilder MapModelsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/models").WithTags("Model registry");
        api.MapGet("/", ListModels).WithName("ListModels").WithSummary("Every registered model with its versions and aliases");
        api.MapGet("/{name}", GetModel).WithName("GetModel").WithSummary("A model's versions (run, dataset version, metrics, package), aliases and their routes");
        api.MapGet("/{name}/history", GetHistory).WithName("GetModelAliasHistory")
            .WithSummary("Every promotion, split, rollback and shadow change of the model's aliases, oldest first");
        api.MapPut("/{name}/aliases/{alias}", SetAlias).WithName("SetModelAlias")
            .WithSummary("Point an alias at a version ({\"version\": N}) or split it ({\"versions\": [{\"version\": 3, \"weight\": 90}, …]}); publishes ModelPromoted");
        api.MapPut("/{name}/aliases/{alias}/shadow", SetShadow).WithName("SetModelAliasShadow")
            .WithSummary("Mirror the alias's requests to a shadow version ({\"version\": N}), compared but never answering; publishes ModelPromoted");
        api.MapDelete("/{name}/aliases/{alias}/shadow", RemoveShadow).WithName("RemoveModelAliasShadow")
            .WithSummary("Stop mirroring the alias's requests; publishes ModelPromoted");
        return api;
    }

    public static async Task<Ok<IReadOnlyList<RegisteredModel>>> ListModels(ModelRegistry registry)
    {
        var models = new List<RegisteredModel>();
        foreach (var name in await registry.ListModelNamesAsync())
        {
            if (await registry.GetAsync(name) is { } model)
            {
                models.Add(model);
            }
        }
        return TypedResults.Ok<IReadOnlyList<RegisteredModel>>(models);
    }

    public static async Task<Results<Ok<RegisteredModel>, ProblemHttpResult>> GetModel(string name, ModelRegistry registry) =>
        await registry.GetAsync(name) is { } model ? TypedResults.Ok(model) : ModelNotFound(name);

    public static async Task<Results<Ok<IReadOnlyList<AliasChange>>, ProblemHttpResult>> GetHistory(string name, ModelRegistry registry) =>
        await registry.GetAsync(name) is null ? ModelNotFound(name) : TypedResults.Ok(await registry.HistoryAsync(name));

    public static async Task<Results<Ok<ModelVersion>, ValidationProblem, ProblemHttpResult>> SetAlias(
        string name, string alias, SetAliasRequest? request, ModelRegistry registry, ModelPackageCheck packages, IPublishEndpoint publisher,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (ResourceNames.Alias.Problem(alias) is { } aliasProblem)
        {
            errors["alias"] = [aliasProblem];
        }
        var split = request?.Versions;
        if (request?.Version is not null == split is not null)
        {
            errors["version"] = ["Send {\"version\": N} with an existing version number, or {\"versions\": [{\"version\": N, \"weight\": W}, …]} with weights summing to 100."];
        }
        else if (split is null && request?.Version is not > 0)
        {
            errors["version"] = ["Send {\"version\": N} with an existing version number."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The promotion is invalid.");
        }
        var model = await registry.GetAsync(name);
        if (model is null)
        {
            return ModelNotFound(name);
        }
        AliasRoute route;
        if (split is null)
        {
            if (model.Versions.All(v => v.Version != request!.Version))
            {
                return RunsApi.Problem(StatusCodes.Status404NotFound, "Version not found",
                    $"Model '{name}' has versions {string.Join(", ", model.Versions.Select(v => v.Version))}; there is no version {request!.Version}.");
            }
            route = new AliasRoute([new VersionWeight(request!.Version!.Value, 100)], null);
        }
        else
        {
            var problems = AliasRoutes.SplitProblems(split, model).ToArray();
            if (problems.Length > 0)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["versions"] = problems }, title: "The split is invalid; nothing was changed.");
            }
            route = new AliasRoute([.. split], null);
        }
        switch (await PackageProblemsAsync(model, route.Versions.Select(v => v.Version), packages, cancellationToken))
        {
            case null:
                return StorageUnavailable();
            case [_, ..] problems:
                return Unservable("versions", problems);
        }
        var before = model.Routes?.GetValueOrDefault(alias);
        // A shadow that now answers a share of the traffic has done its job: it is no longer mirrored.
        route = route with { Shadow = before?.Shadow is { } shadow && route.Versions.All(v => v.Version != shadow) ? shadow : null };
        await ChangeRouteAsync(model, alias, route, AliasRoutes.ActionOf(before, route), registry, publisher, time);
        var primary = model.Versions.Single(v => v.Version == ModelRegistry.PrimaryVersion(route));
        return TypedResults.Ok(primary with { Aliases = [.. primary.Aliases.Append(alias).Distinct().Order(StringComparer.Ordinal)] });
    }

    public static async Task<Results<Ok<AliasRoute>, ValidationProblem, ProblemHttpResult>> SetShadow(
        string name, string alias, SetShadowRequest? request, ModelRegistry registry, ModelPackageCheck packages, IPublishEndpoint publisher,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (request?.Version is not > 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = ["Send {\"version\": N} with an existing version number."] },
                title: "The shadow is invalid.");
        }
        var model = await registry.GetAsync(name);
        if (model is null)
        {
            return ModelNotFound(name);
        }
        if (model.Routes?.GetValueOrDefault(alias) is not { } before)
        {
            return AliasNotFound(name, alias);
        }
        var problem = model.Versions.All(v => v.Version != request.Version)
            ? $"Model '{name}' has no version {request.Version} (it has {string.Join(", ", model.Versions.Select(v => v.Version))})."
            : before.Versions.Any(v => v.Version == request.Version)
                ? $"Version {request.Version} already answers '{alias}' ({string.Join(", ", before.Versions.Select(v => $"v{v.Version} {v.Weight}%"))}): a shadow must be another version."
                : null;
        if (problem is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["version"] = [problem] }, title: "The shadow is invalid; nothing was changed.");
        }
        switch (await PackageProblemsAsync(model, [request.Version.Value], packages, cancellationToken))
        {
            case null:
                return StorageUnavailable();
            case [_, ..] problems:
                return Unservable("version", problems);
        }
        var route = before with { Shadow = request.Version };
        await ChangeRouteAsync(model, alias, route, "shadow", registry, publisher, time);
        return TypedResults.Ok(route);
    }

    public static async Task<Results<Ok<AliasRoute>, ProblemHttpResult>> RemoveShadow(string name, string alias, ModelRegistry registry,
        IPublishEndpoint publisher, TimeProvider time)
    {
        var model = await registry.GetAsync(name);
        if (model is null)
        {
            return ModelNotFound(name);
        }
        if (model.Routes?.GetValueOrDefault(alias) is not { } before)
        {
            return AliasNotFound(name, alias);
        }
        if (before.Shadow is null)
        {
            return TypedResults.Ok(before);
        }
        var route = before with { Shadow = null };
        await ChangeRouteAsync(model, alias, route, "unshadow", registry, publisher, time);
        return TypedResults.Ok(route);
    }

    /// <summary>
    /// Points <paramref name="alias"/> at <paramref name="version"/> alone, as <c>PUT /models/{name}/aliases/{alias}</c> with one version does
    /// (a sweep's <c>promoteBest</c>); the reason when the model or version is not registered or its package cannot be loaded, null when done.
    /// </summary>
    public static async Task<string?> PromoteAsync(string name, string alias, int version, ModelRegistry registry, ModelPackageCheck packages,
        IPublishEndpoint publisher, TimeProvider time, CancellationToken cancellationToken)
    {
        var model = await registry.GetAsync(name);
        if (model is null || model.Versions.All(v => v.Version != version))
        {
            return $"Model '{name}' has no version {version}.";
        }
        if ((await packages.ProblemsAsync(model, [version], cancellationToken)) is [var problem, ..])
        {
            return problem;
        }
        var before = model.Routes?.GetValueOrDefault(alias);
        var route = new AliasRoute([new VersionWeight(version, 100)], before?.Shadow is { } shadow && shadow != version ? shadow : null);
        await ChangeRouteAsync(model, alias, route, AliasRoutes.ActionOf(before, route), registry, publisher, time);
        return null;
    }

    /// <summary>
    /// Why each of <paramref name="versions"/> could not be loaded by inference (<see cref="ModelPackageCheck"/>; empty when all can),
    /// or null when blob storage cannot be asked.
    /// </summary>
    private static async Task<string[]?> PackageProblemsAsync(RegisteredModel model, IEnumerable<int> versions, ModelPackageCheck packages,
        CancellationToken cancellationToken)
    {
        try
        {
            return await packages.ProblemsAsync(model, versions, cancellationToken);
        }
        catch (RequestFailedException)
        {
            return null;
        }
    }

    private static ValidationProblem Unservable(string field, string[] problems) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = problems }, title: "The version cannot be served; nothing was changed.");

    private static ProblemHttpResult StorageUnavailable() =>
        RunsApi.Problem(StatusCodes.Status503ServiceUnavailable, "Blob storage unavailable",
            "The model packages cannot be checked now, so nothing was changed; try again when blob storage answers.");
    /// <summary>Stores the route with its history entry, then tells the inference replicas (ModelPromoted carries the whole route).</summary>
    private static async Task ChangeRouteAsync(RegisteredModel model, string alias, AliasRoute route, string action, ModelRegistry registry,
        IPublishEndpoint publisher, TimeProvider time)
    {
        var at = time.GetUtcNow();
        await registry.SetRouteAsync(model.Name, alias, route, action, at);
        await publisher.Publish(AliasRoutes.Promotion(model, alias, route, at));
    }

    private static ProblemHttpResult ModelNotFound(string name) =>
        RunsApi.Problem(StatusCodes.Status404NotFound, "Model not found", $"No version of model '{name}' is registered.");

    private static ProblemHttpResult AliasNotFound(string name, string alias) =>
        RunsApi.Problem(StatusCodes.Status404NotFound, "Alias not found", $"Model '{name}' has no alias '{alias}': promote a version to it first.");
}
