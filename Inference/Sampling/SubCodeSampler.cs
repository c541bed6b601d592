using System.Numerics.Tensors;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Sampling;

/// <summary>
/// Draws one code of codebooks 1..15 from a code-predictor head's 2048 logits: temperature →
/// top-k → top-p → softmax → multinomial. No penalty and no EOS (there is none in these codebooks).
/// One instance per utterance; allocates nothing per call.
/// </summary>
public sealed class SubCodeSampler
{
    private readonly TruncatedSoftmaxDraw _draw = new(CodecTokenIds.CodebookSize);

    /// <param name="logits">The 2048 logits of one codebook head; not modified.</param>
    public int Sample(Span<float> logits, SamplingOptions options, SamplingRandom random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        if (logits.Length != CodecTokenIds.CodebookSize)
        {
            throw new ArgumentException($"expected {CodecTokenIds.CodebookSize} code predictor logits, got {logits.Length}", nameof(logits));
        }
        options.Validate();

        if (!TensorPrimitives.IsFiniteAll<float>(logits))
        {
            throw new InvalidOperationException("code predictor produced non-finite logits");
        }

        return _draw.Draw(logits, options, random);
    }
}
