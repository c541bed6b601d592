using System.Numerics.Tensors;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Predictor;

/// <summary>
/// Runs one frame for several requests at once. Each of the 16 positions is a single pass with one
/// row per request, so every weight (and each head) is read once per step for the whole batch — on a
/// CPU that is bandwidth-bound this is where concurrent requests get nearly free throughput.
/// Results are bit-identical to calling <see cref="CodePredictorSession.PredictFrame"/> per session.
/// Owns only scratch; the sessions keep their caches. Not thread-safe.
/// </summary>
public sealed class CodePredictorBatch
{
    private readonly CodePredictorWeights _weights;
    private readonly Qwen3Forward _forward;
    private readonly Qwen3KvCache[] _caches;
    private readonly float[] _embeddings;
    private readonly float[] _inputs;
    private readonly float[] _hidden;
    private readonly float[] _logits;

    public CodePredictorBatch(CodePredictorWeights weights, int maxSessions, RowParallelism? parallelism = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessions, 1);
        _weights = weights;
        MaxSessions = maxSessions;
        // Two rows per session for the prefill (talker hidden, E0(code0)), one per step after that.
        _forward = new Qwen3Forward(weights.Stack, 2 * maxSessions, CodePredictorSession.PositionsPerFrame, parallelism);
        _caches = new Qwen3KvCache[maxSessions];
        // Talker-width rows (two per session for the prefill, one per step after that) and their
        // projection to the stack's width when it is narrower (1.7B).
        _embeddings = new float[2 * maxSessions * weights.HiddenSize];
        _inputs = new float[2 * maxSessions * weights.StackHiddenSize];
        _hidden = new float[maxSessions * weights.StackHiddenSize];
        _logits = new float[maxSessions * CodecTokenIds.CodebookSize];
    }

    public int MaxSessions { get; }

    /// <summary>
    /// One frame for each of B sessions (B = sessions.Length).
    /// </summary>
    /// <param name="talkerHiddens">B x hidden.</param>
    /// <param name="code0s">B codebook-0 codes.</param>
    /// <param name="samplers">B samplers, one per request.</param>
    /// <param name="codesOut">B x 15.</param>
    /// <param name="feedbackOut">B x hidden.</param>
    public void PredictFrames(
        ReadOnlySpan<CodePredictorSession> sessions,
        ReadOnlySpan<float> talkerHiddens,
        ReadOnlySpan<int> code0s,
        ReadOnlySpan<ISubCodeSampler> samplers,
        Span<int> codesOut,
        Span<float> feedbackOut)
    {
        var b = sessions.Length;
        var hidden = _weights.HiddenSize;
        const int groups = CodePredictorWeights.GroupCount;
        if (b < 1 || b > MaxSessions)
        {
            throw new ArgumentOutOfRangeException(nameof(sessions), b, $"batch size must lie in [1, {MaxSessions}].");
        }
        FrameArguments.CheckLength(talkerHiddens.Length, b * hidden, nameof(talkerHiddens), "talkerHiddens (B x hidden)");
        FrameArguments.CheckLength(code0s.Length, b, nameof(code0s), "code0s");
        FrameArguments.CheckLength(samplers.Length, b, nameof(samplers), "samplers");
        FrameArguments.CheckLength(codesOut.Length, b * groups, nameof(codesOut), "codesOut (B x 15)");
        FrameArguments.CheckLength(feedbackOut.Length, b * hidden, nameof(feedbackOut), "feedbackOut (B x hidden)");
        for (var i = 0; i < b; i++)
        {
            var session = sessions[i] ?? throw new ArgumentNullException(nameof(sessions), $"session {i} is null.");
            if (!ReferenceEquals(session.Weights, _weights))
            {
                throw new ArgumentException($"session {i} was created for different weights than this batch.", nameof(sessions));
            }
            if (samplers[i] is null)
            {
                throw new ArgumentNullException(nameof(samplers), $"sampler {i} is null.");
            }
            FrameArguments.CheckCode0(code0s[i], nameof(code0s));
            session.Cache.Clear();
            _caches[i] = session.Cache;
        }
        var caches = _caches.AsSpan(0, b);
        var width = _weights.StackHiddenSize;
        var embeddings = _embeddings.AsSpan(0, b * hidden);
        var hiddenStates = _hidden.AsSpan(0, b * width);
        var parallelism = _forward.Parallelism;
        var logits = _logits.AsSpan(0, b * CodecTokenIds.CodebookSize);

        // Positions 0 and 1 of every session in one pass (talker hidden, then E0(code0)), as the single
        // session prefills both rows at once: the stack is read 15 times per frame either way.
        var prefill = _embeddings.AsSpan(0, 2 * b * hidden);
        for (var i = 0; i < b; i++)
        {
            talkerHiddens.Slice(i * hidden, hidden).CopyTo(prefill.Slice(2 * i * hidden, hidden));
            var code0Embedding = _weights.Code0Embedding(code0s[i]);
            code0Embedding.CopyTo(prefill.Slice((2 * i + 1) * hidden, hidden));
            TensorPrimitives.Add(_weights.TtsPadEmbedding, code0Embedding, feedbackOut.Slice(i * hidden, hidden));
        }
        _forward.ForwardBatch(_weights.StackInputs(prefill, 2 * b, _inputs, parallelism), caches, hiddenStates, tokensPerSequence: 2);

        for (var g = 0; g < groups; g++)
        {
            _weights.LmHeads[g].MatMul(hiddenStates, b, logits, _forward.Parallelism);
            for (var i = 0; i < b; i++)
            {
                var code = FrameArguments.CheckedCode(samplers[i], samplers[i].Sample(logits.Slice(i * CodecTokenIds.CodebookSize, CodecTokenIds.CodebookSize)), g);
                codesOut[i * groups + g] = code;
                var embedding = _weights.CodeEmbedding(g, code);
                embedding.CopyTo(embeddings.Slice(i * hidden, hidden));
                var feedback = feedbackOut.Slice(i * hidden, hidden);
                TensorPrimitives.Add(feedback, embedding, feedback);
            }
            if (g < groups - 1)
            {
                _forward.ForwardBatch(_weights.StackInputs(embeddings, b, _inputs, parallelism), caches, hiddenStates);
            }
        }
        caches.Clear();
    }
}
