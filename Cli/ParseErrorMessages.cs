using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Qwen3Tts.Cli;

/// <summary>
/// Parse errors in the user's terms: System.CommandLine reports a value it cannot convert with the .NET type
/// ("as expected type 'System.Nullable`1[System.UInt64]'"), which says nothing to someone who typed <c>--seed abc</c>.
/// This rewrites such errors to say what the option takes ("--seed 'abc' is not a whole number from 0 to ...").
/// </summary>
internal static partial class ParseErrorMessages
{
    public static IReadOnlyList<string> Describe(ParseResult parse) =>
        [.. parse.Errors.Select(e => Rewrite(e.Message, parse.RootCommandResult.Command))];

    internal static string Rewrite(string message, Command root)
    {
        var match = ConversionError().Match(message);
        if (!match.Success)
        {
            return message;
        }
        var (value, name) = (match.Groups["value"].Value, match.Groups["option"].Value);
        var type = FindOption(root, name)?.ValueType;
        return $"{name} '{value}' is not {(type is null ? "a valid value" : WhatIs(type))}";
    }

    internal static string WhatIs(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return "one of: " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()));
        }
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Int32 => "a whole number",
            TypeCode.Int64 => "a whole number",
            TypeCode.UInt64 => string.Create(CultureInfo.InvariantCulture, $"a whole number from 0 to {ulong.MaxValue}"),
            TypeCode.UInt32 => string.Create(CultureInfo.InvariantCulture, $"a whole number from 0 to {uint.MaxValue}"),
            TypeCode.Double or TypeCode.Single => "a number (such as 1.25)",
            TypeCode.Boolean => "true or false",
            _ => "a valid value",
        };
    }

    private static Option? FindOption(Command command, string name)
    {
        foreach (var option in command.Options)
        {
            if (option.Name == name || option.Aliases.Contains(name))
            {
                return option;
            }
        }
        return command.Subcommands.Select(sub => FindOption(sub, name)).FirstOrDefault(found => found is not null);
    }

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '[^']+'\.")]
    private static partial Regex ConversionError();
}
