using Platform.Contracts.Models;

namespace Platform.Tracker.Apis;

/// <summary>
/// The answer of <c>GET /inference/status</c>: inference's status as one of its replicas reports it, or why it could not be read
/// (<paramref name="Unavailable"/>: not configured, down, misbehaving; never an address). The models page shows either.
/// </summary>
public sealed record ServingState(InferenceStatus? Status, string? Unavailable);
