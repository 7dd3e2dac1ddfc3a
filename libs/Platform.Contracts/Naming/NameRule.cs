using System.Text.RegularExpressions;

namespace Platform.Contracts.Naming;

/// <summary>
/// What a name of one kind (dataset, experiment, model, alias) may look like. Every process that accepts such a name
/// checks it with the same rule, so a name one service accepts is never refused by another later on.
/// </summary>
public sealed class NameRule(string kind, Regex pattern, string description)
{
    /// <summary>What is named, as a user reads it ("dataset name").</summary>
    public string Kind { get; } = kind;

    /// <summary>The rule in words, e.g. "1–63 characters: lowercase letters, digits and dashes, starting with a letter or digit".</summary>
    public string Description { get; } = description;

    public bool IsValid(string? name) => name is not null && pattern.IsMatch(name);

    /// <summary>Null when <paramref name="name"/> follows the rule; otherwise a sentence saying what is wrong and what is allowed.</summary>
    public string? Problem(string? name) => IsValid(name)
        ? null
        : string.IsNullOrEmpty(name)
            ? $"A {Kind} is required: {Description}."
            : $"'{Shorten(name)}' is not a valid {Kind}: {Description}.";

    private static string Shorten(string name) => name.Length <= 80 ? name : name[..80] + "…";
}
