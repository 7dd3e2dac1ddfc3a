namespace Platform.Tracker.TensorBoard;

/// <summary>One TensorBoard <c>Event</c>: either the file-version header or a step's scalar summaries.</summary>
public sealed record TensorBoardEvent(double WallTime, long Step, string? FileVersion, IReadOnlyList<(string Tag, float Value)> Scalars);
