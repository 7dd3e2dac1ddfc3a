using Platform.Contracts.Naming;
using System.Globalization;
using Platform.Contracts.Datasets;

namespace Platform.Ingest.Datasets;

/// <summary>The query string of <c>POST /datasets</c>, read into the <see cref="IngestSettings"/> it asks for.</summary>
public static class IngestQuery
{
    /// <summary>Reads the query string of <c>POST /datasets</c>; every problem is reported, keyed by parameter.</summary>
    public static (IngestSettings Settings, Dictionary<string, string[]> Errors) Parse(IQueryCollection query)
    {
        var errors = new Dictionary<string, string[]>();
        var settings = IngestSettings.Default;

        if (query["split"] is { Count: > 0 } splitText)
        {
            var parts = splitText.ToString().Split(',');
            var fractions = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) ? f : double.NaN).ToArray();
            if (fractions.Length != 3 || fractions.Any(f => double.IsNaN(f) || f < 0 || f > 1) || Math.Abs(fractions.Sum() - 1) > 1e-6 || fractions[0] <= 0)
            {
                errors["split"] = ["Give three fractions train,val,test between 0 and 1 that add up to 1, with train > 0 (e.g. split=0.8,0.1,0.1)."];
            }
            else
            {
                settings = settings with { TrainFraction = fractions[0], ValidationFraction = fractions[1], TestFraction = fractions[2] };
            }
        }
        if (query["seed"] is { Count: > 0 } seedText)
        {
            if (int.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
            {
                settings = settings with { Seed = seed };
            }
            else
            {
                errors["seed"] = ["The seed must be an integer."];
            }
        }
        if (query["size"] is { Count: > 0 } sizeText && sizeText.ToString() != "keep")
        {
            if (int.TryParse(sizeText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var size) && size is >= 8 and <= 4096)
            {
                settings = settings with { Size = size };
            }
            else
            {
                errors["size"] = ["size is 'keep' (default) or a square side in pixels between 8 and 4096."];
            }
        }
        if (query["channels"] is { Count: > 0 } channelsText && channelsText.ToString() != "auto")
        {
            if (channelsText.ToString() is "1" or "3")
            {
                settings = settings with { Channels = int.Parse(channelsText.ToString(), CultureInfo.InvariantCulture) };
            }
            else
            {
                errors["channels"] = ["channels is 'auto' (default), 1 (grayscale) or 3 (RGB)."];
            }
        }
        if (query["balance"] is { Count: > 0 } balanceText)
        {
            if (Enum.TryParse<BalanceMethod>(balanceText, ignoreCase: true, out var balance) && !int.TryParse(balanceText, out _))
            {
                settings = settings with { Balance = balance };
            }
            else
            {
                errors["balance"] = ["balance is 'none' (default), 'oversample' or 'undersample'."];
            }
        }
        if (query["balanceRatio"] is { Count: > 0 } ratioText)
        {
            if (double.TryParse(ratioText, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is > 0 and <= 1)
            {
                settings = settings with { BalanceRatio = ratio };
            }
            else
            {
                errors["balanceRatio"] = ["balanceRatio is a fraction in (0, 1]: each train class ends up with at least that share of the largest."];
            }
        }
        if (query["classes"] is { Count: > 0 } classesText)
        {
            var classes = classesText.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (classes.Length == 0 || classes.Distinct(StringComparer.Ordinal).Count() != classes.Length)
            {
                errors["classes"] = ["classes is a comma-separated list of distinct labels."];
            }
            else if (classes.FirstOrDefault(c => !ClassLabels.IsValid(c)) is { } invalid)
            {
                errors["classes"] = [$"'{invalid}' is not a valid label: {ClassLabels.Description}."];
            }
            else
            {
                settings = settings with { AllowedClasses = classes };
            }
        }
        if (query["classNames"] is { Count: > 0 } namesText)
        {
            var names = namesText.ToString().Split(',', StringSplitOptions.TrimEntries);
            if (names.Any(string.IsNullOrEmpty) || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            {
                errors["classNames"] = ["classNames is a comma-separated list of distinct, non-empty names for IDX labels 0, 1, 2…."];
            }
            else if (names.FirstOrDefault(n => !ClassLabels.IsValid(n)) is { } invalid)
            {
                errors["classNames"] = [$"'{invalid}' is not a valid label: {ClassLabels.Description}."];
            }
            else
            {
                settings = settings with { ClassNames = names };
            }
        }
        if (query["labels"] is { Count: > 0 } labelsText)
        {
            if (labelsText.ToString() is "fine" or "coarse")
            {
                settings = settings with { Labels = labelsText.ToString() == "fine" ? CifarLabelSet.Fine : CifarLabelSet.Coarse };
            }
            else
            {
                errors["labels"] = ["labels is 'fine' (default) or 'coarse': which of CIFAR-100's labels names the classes."];
            }
        }
        if (query["health"] is { Count: > 0 } healthText)
        {
            if (Enum.TryParse<HealthMode>(healthText, ignoreCase: true, out var health) && !int.TryParse(healthText, out _))
            {
                settings = settings with { Health = health };
            }
            else
            {
                errors["health"] = ["health is 'auto' (default: checked up to a configured number of images), 'on' or 'off'."];
            }
        }
        if (query["leakage"] is { Count: > 0 } leakageText)
        {
            if (Enum.TryParse<LeakagePolicy>(leakageText, ignoreCase: true, out var leakage) && !int.TryParse(leakageText, out _))
            {
                settings = settings with { Leakage = leakage };
            }
            else
            {
                errors["leakage"] = ["leakage is 'move' (default: a near-duplicate in another split moves to its original's split) or 'report'."];
            }
        }
        if (query["labelErrors"] is { Count: > 0 } labelErrorsText)
        {
            if (Enum.TryParse<LabelErrorPolicy>(labelErrorsText, ignoreCase: true, out var labelErrors) && !int.TryParse(labelErrorsText, out _))
            {
                settings = settings with { LabelErrors = labelErrors };
            }
            else
            {
                errors["labelErrors"] = ["labelErrors is 'report' (default) or 'exclude' (likely label errors are left out of the version)."];
            }
        }
        return (settings, errors);
    }
}
