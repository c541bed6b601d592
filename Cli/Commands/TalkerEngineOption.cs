using System.CommandLine;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`--talker-engine managed|llama`: what runs the talker's layer stack (default: managed; cluster.json talker.engine for a silo).</summary>
internal static class TalkerEngineOption
{
    public static Option<string?> Create()
    {
        var option = new Option<string?>("--talker-engine")
        {
            Description = "What runs the talker's layer stack: managed (the project's Qwen3 engine, default) or llama (llama.cpp)",
        };
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var value }] && !TalkerBackends.TryParse(value, out _))
            {
                result.AddError(Unknown(value));
            }
        });
        return option;
    }

    /// <summary>The engine the option names (null = <paramref name="fallback"/>); an unknown name is a usage error.</summary>
    public static TalkerBackend Parse(string? option, TalkerBackend fallback = TalkerBackend.Managed) =>
        option is null ? fallback
        : TalkerBackends.TryParse(option, out var engine) ? engine
        : throw new ArgumentException(Unknown(option));

    /// <summary>For a silo's command line: the enum name the configuration binder reads, or null to keep cluster.json's.</summary>
    public static string? Argument(string? option) => option is null ? null : Parse(option).ToString();

    private static string Unknown(string value) => $"--talker-engine '{value}' is not a talker engine; use managed or llama";
}
