using System.Numerics.Tensors;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Predictor;

/// <summary>
/// The code predictor for one request: turns the talker's hidden state and code 0 into codes 1–15
/// and the feedback embedding for the talker's next step. Owns its KV cache and scratch (so one
/// request never waits on another's buffers); the weights are shared. Not thread-safe.
/// </summary>
public sealed class CodePredictorSession
{
    /// <summary>Positions per frame: talker hidden, code 0, then codes 1..14 fed back.</summary>
    public const int PositionsPerFrame = CodecTokenIds.CodebookCount;

    private readonly Qwen3Forward _forward;
    private readonly float[] _prefill;
    private readonly float[] _projected;
    private readonly float[] _hidden;
    private readonly float[] _logits = new float[CodecTokenIds.CodebookSize];

    public CodePredictorSession(CodePredictorWeights weights, RowParallelism? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Weights = weights;
        _forward = new Qwen3Forward(weights.Stack, maxTokens: 2, maxPositions: PositionsPerFrame, parallelism);
        Cache = _forward.CreateCache();
        _prefill = new float[2 * weights.HiddenSize];
        _projected = new float[2 * weights.StackHiddenSize];
        _hidden = new float[weights.StackHiddenSize];
    }

    public CodePredictorWeights Weights { get; }

    internal Qwen3KvCache Cache { get; }

    /// <summary>
    /// One frame: fresh cache; prefill [talkerHidden, E0(code0)] at positions 0 and 1; then head g on the
    /// last hidden state gives code g+1, whose embedding is fed at position 2+g (g &lt; 14). Every input goes
    /// through the weights' input projection (1.7B) first.
    /// </summary>
    /// <param name="talkerHidden">hidden: the talker's final-normed hidden state for this frame.</param>
    /// <param name="code0">the talker's codebook-0 code, 0..2047.</param>
    /// <param name="codesOut">15: codes of codebooks 1..15.</param>
    /// <param name="feedbackOut">hidden: tts_pad + E0(code0) + Σ codec_embd[g](code g+1), the talker's next input.</param>
    public void PredictFrame(ReadOnlySpan<float> talkerHidden, int code0, ISubCodeSampler sampler, Span<int> codesOut, Span<float> feedbackOut)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        var hidden = Weights.HiddenSize;
        FrameArguments.CheckLength(talkerHidden.Length, hidden, nameof(talkerHidden), "talkerHidden");
        FrameArguments.CheckCode0(code0, nameof(code0));
        FrameArguments.CheckLength(codesOut.Length, CodePredictorWeights.GroupCount, nameof(codesOut), "codesOut");
        FrameArguments.CheckLength(feedbackOut.Length, hidden, nameof(feedbackOut), "feedbackOut");

        Cache.Clear();
        talkerHidden.CopyTo(_prefill);
        var code0Embedding = Weights.Code0Embedding(code0);
        code0Embedding.CopyTo(_prefill.AsSpan(hidden));
        _forward.Forward(Weights.StackInputs(_prefill, 2, _projected, _forward.Parallelism), 2, 0, Cache, _hidden);
        TensorPrimitives.Add(Weights.TtsPadEmbedding, code0Embedding, feedbackOut);

        for (var g = 0; g < CodePredictorWeights.GroupCount; g++)
        {
            Weights.LmHeads[g].MatVec(_hidden, _logits, _forward.Parallelism);
            var code = FrameArguments.CheckedCode(sampler, sampler.Sample(_logits), g);
            codesOut[g] = code;
            var embedding = Weights.CodeEmbedding(g, code);
            TensorPrimitives.Add(feedbackOut, embedding, feedbackOut);
            if (g < CodePredictorWeights.GroupCount - 1)
            {
                _forward.Forward(Weights.StackInputs(embedding, 1, _projected, _forward.Parallelism), 1, 2 + g, Cache, _hidden);
            }
        }
    }
}
