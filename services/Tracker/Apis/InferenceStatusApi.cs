using Platform.Tracker.Upstreams;

namespace Platform.Tracker.Apis;

public static class InferenceStatusApi
{
    public static IEndpointRouteBuilder MapInferenceStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/inference/status", GetServingState).WithTags("Model registry").WithName("GetServingState")
            .WithSummary("Inference's GET /status (loaded versions, routes, shadow agreement per pair) for the models page; 'unavailable' says why not");
        return app;
    }

    /// <summary>
    /// A 200 either way: inference being down is a state the models page shows beside the registry, not a failure of the page's request
    /// (the registry itself is the tracker's and still answers).
    /// </summary>
    public static async Task<ServingState> GetServingState(InferenceClient inference, CancellationToken cancellationToken)
    {
        var answer = await inference.GetStatusAsync(cancellationToken);
        return answer.Value is { } status
            ? new ServingState(status, null)
            : new ServingState(null, answer.Problem?.ProblemDetails.Detail ?? "The inference service did not answer.");
    }
}
