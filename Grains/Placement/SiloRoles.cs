namespace Qwen3Tts.Grains.Placement;

/// <summary>The <c>tts.roles</c> silo metadata value: a comma-separated role list.</summary>
public static class SiloRoles
{
    public const string MetadataKey = "tts.roles";

    public static IReadOnlySet<string> Parse(string? value) =>
        (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(role => role.ToLowerInvariant())
            .ToHashSet();

    public static string Format(IEnumerable<string> roles) => string.Join(',', roles.Select(r => r.Trim().ToLowerInvariant()).Distinct());
}
