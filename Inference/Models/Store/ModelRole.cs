namespace Qwen3Tts.Inference.Models.Store;

/// <summary>The four model sets a node can hold; each lives in its own directory of the models tree.</summary>
public enum ModelRole
{
    Talker,
    Predictor,
    Vocoder,
    SpeechTokenizer,
}

/// <summary>Quantisation of the code-predictor GGUF to prefer (and to download).</summary>
public enum PredictorQuant
{
    Q8_0,
    Q4_0,
}

/// <summary>The names a user types and reads for roles and quants (CLI, messages, directory names).</summary>
public static class ModelRoleNames
{
    public static IReadOnlyList<ModelRole> All { get; } =
        [ModelRole.Talker, ModelRole.Predictor, ModelRole.Vocoder, ModelRole.SpeechTokenizer];

    /// <summary>The name used on the command line and in messages, e.g. <c>speech-tokenizer</c>.</summary>
    public static string CliName(this ModelRole role) => role switch
    {
        ModelRole.Talker => "talker",
        ModelRole.Predictor => "predictor",
        ModelRole.Vocoder => "vocoder",
        ModelRole.SpeechTokenizer => "speech-tokenizer",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown model role"),
    };

    /// <summary>The role's directory inside the models directory (same as in the Hugging Face repo).</summary>
    public static string DirectoryName(this ModelRole role) => role switch
    {
        ModelRole.Talker => "talker",
        ModelRole.Predictor => "predictor",
        ModelRole.Vocoder => "vocoder",
        ModelRole.SpeechTokenizer => "speech_tokenizer",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown model role"),
    };

    public static bool TryParseRole(string text, out ModelRole role)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(text, candidate.CliName(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, candidate.DirectoryName(), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }

    /// <summary>Accepts <c>q8</c>, <c>q8_0</c>, <c>q4</c>, <c>q4_0</c> (any case).</summary>
    public static bool TryParseQuant(string text, out PredictorQuant quant)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "q8":
            case "q8_0":
                quant = PredictorQuant.Q8_0;
                return true;
            case "q4":
            case "q4_0":
                quant = PredictorQuant.Q4_0;
                return true;
            default:
                quant = default;
                return false;
        }
    }
}
