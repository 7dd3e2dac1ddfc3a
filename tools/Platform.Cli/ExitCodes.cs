namespace Platform.Cli;

/// <summary>What a script can rely on: the same failure always ends with the same code.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked (a watched run completed, an upload was published).</summary>
    public const int Success = 0;

    /// <summary>The work itself failed: a run failed or was cancelled, a dataset version failed to publish.</summary>
    public const int Failed = 1;

    /// <summary>The command line or its input is invalid (unknown option, bad configuration, rejected request); nothing was changed.</summary>
    public const int InvalidInput = 2;

    /// <summary>A service could not be reached or answered with a server error; try again later.</summary>
    public const int Unavailable = 3;

    /// <summary>A named dataset, run, model or version does not exist.</summary>
    public const int NotFound = 4;

    /// <summary>The request conflicts with the current state (e.g. cancelling a finished run).</summary>
    public const int Conflict = 5;

    /// <summary>A bug in the command itself (the message says what; PLATFORM_DEBUG=1 prints the stack trace).</summary>
    public const int InternalError = 70;

    /// <summary>Interrupted with Ctrl+C.</summary>
    public const int Interrupted = 130;
}
