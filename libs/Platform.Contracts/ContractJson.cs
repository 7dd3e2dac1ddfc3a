using System.Text.Json;

namespace Platform.Contracts;

/// <summary>
/// The options the services answer with and the CLI reads with: System.Text.Json's web defaults (camelCase names,
/// case-insensitive reading, numbers as numbers). States and kinds carry <see cref="WireEnumConverter{TEnum}"/> themselves.
/// </summary>
public static class ContractJson
{
    public static JsonSerializerOptions Options => JsonSerializerOptions.Web;
}
