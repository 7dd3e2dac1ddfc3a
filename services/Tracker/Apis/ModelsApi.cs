using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts;
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
        api.MapGet("/{name}", GetModel).WithName("GetModel").WithSummary("A model's versions (run, dataset version, metrics, package) and aliases");
        api.MapPut("/{name}/aliases/{alias}", SetAlias).WithName("SetModelAlias")
            .WithSummary("Point an alias (e.g. production) at a version: body {\"version\": N}; publishes ModelPromoted");
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
        await registry.GetAsync(name) is { } model
            ? TypedResults.Ok(model)
            : RunsApi.Problem(StatusCodes.Status404NotFound, "Model not found", $"No version of model '{name}' is registered.");

    public static async Task<Results<Ok<ModelVersion>, ValidationProblem, ProblemHttpResult>> SetAlias(
        string name, string alias, SetAliasRequest? request, ModelRegistry registry, IPublishEndpoint publisher, TimeProvider time)
    {
        var aliasProblem = ResourceNames.Alias.Problem(alias);
        if (aliasProblem is not null || request?.Version is not > 0)
        {
            var errors = new Dictionary<string, string[]>();
            if (aliasProblem is not null)
            {
                errors["alias"] = [aliasProblem];
            }
            if (request?.Version is not > 0)
            {
                errors["version"] = ["Send {\"version\": N} with an existing version number."];
            }
            return TypedResults.ValidationProblem(errors, title: "The promotion is invalid.");
        }
        var model = await registry.GetAsync(name);
        if (model is null)
        {
            return RunsApi.Problem(StatusCodes.Status404NotFound, "Model not found", $"No version of model '{name}' is registered.");
        }
        var version = model.Versions.FirstOrDefault(v => v.Version == request.Version);
        if (version is null)
        {
            return RunsApi.Problem(StatusCodes.Status404NotFound, "Version not found",
                $"Model '{name}' has versions {string.Join(", ", model.Versions.Select(v => v.Version))}; there is no version {request.Version}.");
        }
        await registry.SetAliasAsync(name, alias, version.Version);
        await publisher.Publish(new ModelPromoted(name, version.Version, alias, version.RunId, version.PackageUri, time.GetUtcNow()));
        return TypedResults.Ok(version with { Aliases = [.. version.Aliases.Append(alias).Distinct().Order(StringComparer.Ordinal)] });
    }
}
