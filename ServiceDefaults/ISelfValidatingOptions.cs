namespace Microsoft.Extensions.Hosting;

/// <summary>An options class that states its own rules: one message per broken rule, naming the setting.</summary>
public interface ISelfValidatingOptions
{
    IEnumerable<string> Violations();
}
