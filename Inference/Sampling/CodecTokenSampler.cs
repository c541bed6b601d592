using System.Numerics.Tensors;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Sampling;

/// <summary>
/// Draws codebook-0 (the talker's token) from the codec head's logits with the official
/// logits processors in Hugging Face order:
/// repetition penalty → min-new-tokens EOS mask → suppression of control ids → EOS boost →
/// temperature → top-k → top-p → softmax → multinomial.
/// <para>
/// The EOS boost (our length control, not in the official model) comes after the EOS mask so that
/// the mask always wins (−∞ + boost = −∞), after the penalty so it is never scaled by it, and before
/// temperature as in the seed, so a boost of b shifts EOS by b/T in log-probability there too.
/// A boost of −∞ masks EOS at this step (<c>--eos never</c>).
/// </para>
/// One instance per utterance (it owns scratch buffers and allocates nothing per call).
/// </summary>
public sealed class CodecTokenSampler
{
    private readonly int _vocabularySize;

    // The top 1024 talker ids are control/language/speaker ids; only EOS among them may be generated.
    private readonly int _firstSuppressedId;
    private readonly int _eosId;

    private readonly bool[] _penalized;
    private readonly TruncatedSoftmaxDraw _draw;

    /// <param name="ids">The model's talker vocabulary size and EOS id; null = the published ones.</param>
    public CodecTokenSampler(TtsModelIds? ids = null)
    {
        ids ??= TtsModelIds.Published;
        _vocabularySize = ids.TalkerVocabSize;
        _firstSuppressedId = ids.FirstSuppressedCodecId;
        _eosId = ids.CodecEos;
        _penalized = new bool[_vocabularySize];
        _draw = new TruncatedSoftmaxDraw(_vocabularySize);
    }

    /// <param name="logits">The talker logits (3072 in the released models); processed in place.</param>
    /// <param name="history">Code-0 ids sampled so far in this utterance (0..2047), oldest first.</param>
    /// <param name="step">0-based index of the token being sampled.</param>
    /// <param name="eosBoost">Added to the EOS logit when &gt; 0 (see <see cref="EosPolicy"/>).</param>
    public int Sample(Span<float> logits, ReadOnlySpan<int> history, int step, float eosBoost, SamplingOptions options, SamplingRandom random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        if (logits.Length != _vocabularySize)
        {
            throw new ArgumentException($"expected {_vocabularySize} talker logits, got {logits.Length}", nameof(logits));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (float.IsNaN(eosBoost) || float.IsPositiveInfinity(eosBoost))
        {
            throw new ArgumentOutOfRangeException(nameof(eosBoost), eosBoost, "EOS boost must be finite, or -infinity to mask EOS");
        }
        options.Validate();

        if (!TensorPrimitives.IsFiniteAll<float>(logits))
        {
            throw new InvalidOperationException($"talker produced non-finite logits at step {step}");
        }

        ApplyRepetitionPenalty(logits, history, options);

        if (step < options.MinNewTokens)
        {
            logits[_eosId] = float.NegativeInfinity;
        }

        var eosLogit = logits[_eosId];
        logits[_firstSuppressedId..].Fill(float.NegativeInfinity);
        logits[_eosId] = eosLogit;

        if (eosBoost > 0f || float.IsNegativeInfinity(eosBoost))
        {
            logits[_eosId] += eosBoost;
        }

        return _draw.Draw(logits, options, random);
    }

    // HF RepetitionPenaltyLogitsProcessor: every distinct id of the (windowed) history once,
    // positive logits divided by the penalty, negative ones multiplied.
    private void ApplyRepetitionPenalty(Span<float> logits, ReadOnlySpan<int> history, SamplingOptions options)
    {
        var penalty = options.RepetitionPenalty;
        if (penalty == 1f || history.IsEmpty)
        {
            return;
        }

        var window = options.RepetitionWindow > 0 && history.Length > options.RepetitionWindow
            ? history[^options.RepetitionWindow..]
            : history;

        foreach (var id in window)
        {
            if ((uint)id >= _vocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(history), id, $"history token outside the talker vocabulary [0, {_vocabularySize})");
            }
            if (_penalized[id])
            {
                continue;
            }
            _penalized[id] = true;
            var value = logits[id];
            logits[id] = value < 0f ? value * penalty : value / penalty;
        }

        foreach (var id in window)
        {
            _penalized[id] = false;
        }
    }
}
