namespace Platform.Inference.Serving;

/// <summary>A request that cannot be served, with the HTTP status and a message a client can act on.</summary>
public sealed class InferenceRejectedException(int status, string title, string detail, string reason, bool retryable = false) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public string Reason { get; } = reason;

    /// <summary>True when trying again later can succeed (429, 503): the answer carries Retry-After.</summary>
    public bool Retryable { get; } = retryable;
}
