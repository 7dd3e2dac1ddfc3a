namespace Platform.Training.Configuration;

/// <summary>One configuration problem: the JSON path of the field and what is wrong with it.</summary>
public sealed record ConfigViolation(string Field, string Message)
{
    public override string ToString() => Field.Length == 0 ? Message : $"{Field}: {Message}";
}
