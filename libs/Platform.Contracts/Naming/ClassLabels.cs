namespace Platform.Contracts.Naming;

/// <summary>
/// The rule every class label follows, whatever names it (a class folder, an annotation file, an IDX upload's classNames):
/// 1–100 characters, no control characters (tab, NUL, line breaks), and not starting with '=', '+', '-' or '@'. Labels end up in
/// reports, the tracker's per-class tables, CSV/TSV exports and the CLI's output; a label starting with one of those characters is
/// run as a formula when such an export is opened in a spreadsheet (CSV injection), so it is refused at ingest, once, rather than
/// escaped differently in every export.
/// </summary>
public static class ClassLabels
{
    public const int MaxLength = 100;

    public const string Description =
        "1–100 characters, no control characters (tab, NUL, line breaks), not starting with '=', '+', '-' or '@' (spreadsheet formulas)";

    private static readonly char[] FormulaStarts = ['=', '+', '-', '@'];

    /// <summary>Null when <paramref name="label"/> follows the rule; otherwise what is wrong with it, for a report.</summary>
    public static string? Problem(string label)
    {
        if (label.Length == 0)
        {
            return "the label is empty";
        }
        if (label.Length > MaxLength)
        {
            return $"the label has {label.Length} characters; at most {MaxLength} are allowed";
        }
        if (label.Any(char.IsControl))
        {
            return "the label holds a control character (tab, NUL or a line break)";
        }
        if (FormulaStarts.Contains(label[0]))
        {
            return $"the label starts with '{label[0]}', which spreadsheets run as a formula when a report or export is opened";
        }
        return null;
    }

    public static bool IsValid(string label) => Problem(label) is null;
}
