using System.Text;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Models.Store;

/// <summary>
/// A role cannot start because required model files are absent. The message lists every missing
/// file with each path tried, and the command that fixes it.
/// </summary>
public sealed class ModelFilesMissingException : Exception
{
    public ModelFilesMissingException(ModelRole role, string modelsDirectory, IReadOnlyList<ModelFileStatus> missing, PredictorQuant quant,
        VocoderEngine vocoder = VocoderEngine.Native, string? fix = null)
        : base(Compose(role, modelsDirectory, missing, quant, vocoder, fix))
    {
        Role = role;
        ModelsDirectory = modelsDirectory;
        Missing = missing;
    }

    public ModelRole Role { get; }

    public string ModelsDirectory { get; }

    public IReadOnlyList<ModelFileStatus> Missing { get; }

    private static string Compose(ModelRole role, string modelsDirectory, IReadOnlyList<ModelFileStatus> missing, PredictorQuant quant, VocoderEngine vocoder, string? fix)
    {
        var text = new StringBuilder();
        text.Append($"The {role.CliName()} model files are incomplete in {modelsDirectory}: ");
        text.Append(missing.Count == 1 ? "1 required file is missing:" : $"{missing.Count} required files are missing:");
        foreach (var file in missing)
        {
            text.AppendLine();
            text.Append($"  - {file.Name}: tried {string.Join(", ", file.CandidatePaths)}");
        }

        text.AppendLine();
        if (fix is not null)
        {
            text.Append(fix);
            return text.ToString();
        }

        var quantOption = role == ModelRole.Predictor && quant == PredictorQuant.Q4_0 ? " --quant q4"
            : role == ModelRole.Vocoder && vocoder == VocoderEngine.Onnx ? " --vocoder onnx" : "";
        text.Append(
            $"Fix: download them with `qwen3-tts models pull --role {role.CliName()}{quantOption} --models {modelsDirectory}`, " +
            $"or write a synthetic test set with `qwen3-tts models synth`. `qwen3-tts models list` shows what is present." +
            (role == ModelRole.Vocoder && vocoder == VocoderEngine.Native
                ? " (A board that only has the seed's vocoder/vocoder.onnx can run it with `--vocoder onnx`.)"
                : ""));
        return text.ToString();
    }
}
