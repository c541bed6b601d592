using System.Diagnostics;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Models.Store;

/// <summary>The outcome of loading one role: what was loaded, or why it could not be.</summary>
public sealed record RoleCheck(ModelRole Role, bool Ok, string Detail, TimeSpan Elapsed);

/// <summary>
/// Loads every role of a models directory through the same loaders a silo uses, so a user learns
/// about a missing or malformed file before starting a cluster.
/// </summary>
public static class ModelSetVerifier
{
    /// <param name="quant">Precision an official snapshot is loaded in (its talker runtime GGUF is converted if needed).</param>
    public static IReadOnlyList<RoleCheck> Verify(ModelStore store, IEnumerable<ModelRole>? roles = null, WeightPrecision quant = WeightPrecisionNames.Default)
    {
        var results = new List<RoleCheck>();
        foreach (var role in roles ?? ModelRoleNames.All)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var detail = Load(store, role, quant);
                results.Add(new RoleCheck(role, true, detail, clock.Elapsed));
            }
            catch (Exception e) when (e is ModelFormatException or ModelFilesMissingException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                results.Add(new RoleCheck(role, false, e.Message, clock.Elapsed));
            }
        }
        return results;
    }

    private static string Load(ModelStore store, ModelRole role, WeightPrecision quant)
    {
        switch (role)
        {
            case ModelRole.Talker:
                using (var talker = ModelSetLoader.LoadTalker(store, new TalkerOptions { MaxSequences = 1, ContextPerSequence = 256, Quant = quant }))
                {
                    var model = talker.Capabilities;
                    return $"{model.Description}: hidden {talker.Model.HiddenSize}, text width {talker.Embeddings.TextHiddenSize}, tokenizer {talker.Tokenizer.VocabularySize} ids, " +
                           (model.Layout == ModelSetLayout.Official ? $"runtime GGUF {quant.CliName()}, " : "") +
                           (model.Speakers.Count > 0 ? $"{model.Speakers.Count} speakers, " : "") +
                           $"voice cloning {(!model.VoiceCloning ? "not offered by this variant" : talker.Embeddings.SupportsVoiceClone ? "available" : "unavailable (no code_predictor_weights.npz)")}";
                }
            case ModelRole.Predictor:
                var predictor = ModelSetLoader.LoadPredictor(store, quant);
                var c = predictor.Stack.Config;
                return $"{c.LayerCount} layers, hidden {c.HiddenSize}, {c.HeadCount}/{c.KeyValueHeadCount} heads of {c.HeadDim}, ffn {c.FeedForwardSize}" +
                       (predictor.InputProjection is { } p ? $", input projection {p.InputWidth} -> {p.OutputWidth}" : "");
            case ModelRole.Vocoder:
                using (var vocoder = VocoderLoader.Load(store, new VocoderOptions { Engine = store.Options.Vocoder }))
                {
                    return vocoder.Description;
                }
            case ModelRole.SpeechTokenizer:
                using (var encoder = MimiEncoderCheckpoint.Open(store.ResolveSpeechTokenizer().Safetensors))
                {
                    var e = encoder.Config;
                    return $"Mimi encoder: {e.Filters} filters, hidden {e.HiddenSize}, {e.TransformerLayers} transformer layers, " +
                           $"{e.SemanticQuantizers} + {e.AcousticQuantizers} codebooks of {e.CodebookDim} ({e.ValidQuantizers} used), " +
                           $"{(encoder.ConfigPath is null ? "dimensions read off the tensors (no config.json)" : "config.json")}";
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(role), role, null);
        }
    }
}
