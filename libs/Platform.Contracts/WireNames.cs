using System.Text.Json;

namespace Platform.Contracts;

/// <summary>A state's or kind's name as it is written on the wire (<see cref="WireEnumConverter{TEnum}"/>), for messages and tables.</summary>
public static class WireNames
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
