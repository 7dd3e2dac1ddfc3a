using Platform.Training.Configuration;

namespace Platform.Training.Engine;

/// <summary>Why a run ended.</summary>
public enum StopReason
{
    /// <summary>Every configured epoch ran.</summary>
    Completed,

    /// <summary>The monitored validation metric stopped improving.</summary>
    EarlyStopped,

    /// <summary><see cref="TrainingConfig.TimeBudgetSeconds"/> was spent.</summary>
    TimeBudgetReached,
}
