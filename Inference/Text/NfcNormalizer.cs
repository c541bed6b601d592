using System.Text;
using Microsoft.ML.Tokenizers;

namespace Qwen3Tts.Inference.Text;

/// <summary>
/// Unicode NFC normalization, as the Qwen2 tokenizer.json declares ("normalizer": {"type": "NFC"}).
/// ML.Tokenizers has no built-in NFC normalizer, and without it decomposed input ("e" + U+0301)
/// would tokenize differently from the precomposed form the model was trained on.
/// </summary>
internal sealed class NfcNormalizer : Normalizer
{
    public static NfcNormalizer Instance { get; } = new();

    public override string Normalize(string original) =>
        original.IsNormalized(NormalizationForm.FormC) ? original : original.Normalize(NormalizationForm.FormC);

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
