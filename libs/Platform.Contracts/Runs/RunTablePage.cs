namespace Platform.Contracts.Runs;

/// <summary>
/// One page of the runs table (<c>GET /runs/table</c>): the rows, how many runs matched in all, every parameter and metric
/// column the matched runs have (to choose from), the columns the rows hold (those asked for, else the first few metrics),
/// and the matched runs per experiment when grouped.
/// </summary>
public sealed record RunTablePage(
    int Total,
    int Offset,
    int Limit,
    IReadOnlyList<RunTableRow> Rows,
    IReadOnlyList<string> Columns,
    IReadOnlyList<string> Chosen,
    IReadOnlyDictionary<string, int>? Groups);
