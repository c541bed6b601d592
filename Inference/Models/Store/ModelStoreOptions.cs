using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Models.Store;

/// <summary>Where models live locally and where they are pulled from.</summary>
public sealed class ModelStoreOptions
{
    public const string ModelsDirectoryVariable = "QWEN3_TTS_MODELS";
    public const string EndpointVariable = "HF_ENDPOINT";
    public const string TokenVariable = "HF_TOKEN";
    public const string DefaultRepository = "kautism/qwen3-tts-rk3588";
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>Root of the local tree, laid out like the Hugging Face repo (<c>talker/</c>, <c>predictor/</c>, ...).</summary>
    public string ModelsDirectory { get; set; } = DefaultModelsDirectory;

    public string Repository { get; set; } = DefaultRepository;

    public string Revision { get; set; } = "main";

    /// <summary>Hugging Face endpoint; <c>HF_ENDPOINT</c> points it at a mirror.</summary>
    public string Endpoint { get; set; } = NonEmptyVariable(EndpointVariable) ?? DefaultEndpoint;

    public PredictorQuant Quant { get; set; } = PredictorQuant.Q8_0;

    /// <summary>Which vocoder's files the vocoder role needs (and `models pull --role vocoder` fetches).</summary>
    public VocoderEngine Vocoder { get; set; } = VocoderEngine.Native;

    /// <summary>A copy that resolves <paramref name="vocoder"/>'s files.</summary>
    public ModelStoreOptions WithVocoder(VocoderEngine vocoder)
    {
        var copy = (ModelStoreOptions)MemberwiseClone();
        copy.Vocoder = vocoder;
        return copy;
    }

    /// <summary>Access token for gated or private repos; defaults to <c>HF_TOKEN</c>.</summary>
    public string? HfToken { get; set; } = NonEmptyVariable(TokenVariable);

    /// <summary>
    /// <c>QWEN3_TTS_MODELS</c> if set, else <c>$XDG_DATA_HOME/qwen3-tts/models</c>,
    /// else <c>~/.local/share/qwen3-tts/models</c>.
    /// </summary>
    public static string DefaultModelsDirectory
    {
        get
        {
            var explicitDirectory = NonEmptyVariable(ModelsDirectoryVariable);
            if (explicitDirectory is not null)
            {
                return Path.GetFullPath(ExpandHome(explicitDirectory));
            }

            var dataHome = NonEmptyVariable("XDG_DATA_HOME");
            var baseDirectory = dataHome is not null
                ? ExpandHome(dataHome)
                : Path.Combine(HomeDirectory, ".local", "share");
            return Path.GetFullPath(Path.Combine(baseDirectory, "qwen3-tts", "models"));
        }
    }

    /// <summary>
    /// Expands a leading <c>~</c>; needed because the shell does not expand it inside
    /// <c>--models=~/x</c> or in environment variables.
    /// </summary>
    public static string ExpandHome(string path)
    {
        if (path == "~")
        {
            return HomeDirectory;
        }

        if (path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal))
        {
            return Path.Combine(HomeDirectory, path[2..]);
        }

        return path;
    }

    private static string HomeDirectory =>
        NonEmptyVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string? NonEmptyVariable(string name)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
