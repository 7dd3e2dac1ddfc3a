namespace Platform.OnnxRuntime;

/// <summary>Where a session's intra-op threads come from.</summary>
public enum OnnxThreadPool
{
    /// <summary>Each session has a pool of its own (ONNX Runtime's default): what a process with one session at a time wants.</summary>
    PerSession,

    /// <summary>
    /// Sessions run on one pool of the process's ONNX Runtime environment (its global thread pool), so several sessions (a model's
    /// versions) share the cores instead of each bringing threads of its own.
    /// </summary>
    Shared,
}
