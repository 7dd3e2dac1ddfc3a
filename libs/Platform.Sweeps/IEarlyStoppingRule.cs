namespace Platform.Sweeps;

/// <summary>
/// Decides, at the end of certain epochs, whether a trial goes on or is pruned. A trial waits for the decision before its next
/// epoch (as a Ray Tune trainable waits in <c>report</c>), so a rule that prunes saves the epochs it says it saves.
/// </summary>
public interface IEarlyStoppingRule
{
    /// <summary><c>asha</c> or <c>median</c>, as the spec names it.</summary>
    string Kind { get; }

    /// <summary>The epochs (1-based, ascending, each below the trial's last) after which a trial waits for a decision.</summary>
    IReadOnlyList<int> DecisionEpochs { get; }

    PruneDecision Decide(RungContext context);
}
