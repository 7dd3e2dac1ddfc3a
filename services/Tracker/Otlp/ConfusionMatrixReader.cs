using System.Text.Json;
using Platform.Contracts.Runs;

namespace Platform.Tracker.Otlp;

/// <summary>Reads the confusion matrix a result event carries, refusing one whose rows and columns do not match its labels.</summary>
public static class ConfusionMatrixReader
{
    public static bool TryParse(string json, out ConfusionMatrix? matrix, out string? problem)
    {
        matrix = null;
        ConfusionMatrix? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<ConfusionMatrix>(json, JsonSerializerOptions.Web);
        }
        catch (JsonException exception)
        {
            problem = exception.Message;
            return false;
        }
        if (parsed?.Labels is null || parsed.Matrix is null)
        {
            problem = "it needs 'labels' and 'matrix'.";
            return false;
        }
        if (parsed.Matrix.Count != parsed.Labels.Count || parsed.Matrix.Any(row => row is null || row.Count != parsed.Labels.Count))
        {
            problem = $"'matrix' must be {parsed.Labels.Count}×{parsed.Labels.Count}, one row and one column per label.";
            return false;
        }
        matrix = parsed;
        problem = null;
        return true;
    }
}
