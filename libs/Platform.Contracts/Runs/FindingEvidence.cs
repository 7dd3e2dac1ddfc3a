namespace Platform.Contracts.Runs;

/// <summary>The figures behind a finding: a metric's values over a range of epochs or steps.</summary>
/// <param name="Metric">The metric's name as the tracker stores its curve (<c>val_loss</c>, <c>step_grad_norm</c>, <c>block_grad_norm.stem</c>).</param>
/// <param name="Axis"><c>epoch</c> or <c>step</c> (<see cref="CurveAxes"/>).</param>
/// <param name="From">First epoch or step of the range.</param>
/// <param name="To">Last epoch or step of the range.</param>
/// <param name="Values">The values read (at most a few; the curve holds the rest).</param>
/// <param name="Note">What the values show, e.g. "rose 3 epochs in a row while train_loss fell".</param>
public sealed record FindingEvidence(string Metric, string Axis, long From, long To, IReadOnlyList<double> Values, string Note);
