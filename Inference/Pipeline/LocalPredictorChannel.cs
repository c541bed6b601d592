using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>In-process code predictor for one utterance: one session (KV cache and scratch) reused frame after frame.</summary>
public sealed class LocalPredictorChannel(CodePredictorWeights weights) : IPredictorChannel
{
    private readonly CodePredictorSession _session = new(weights);
    private readonly StepSampler _sampler = new();
    private readonly int[] _codes = new int[CodePredictorWeights.GroupCount];

    public Task<PredictedFrame> PredictAsync(ReadOnlyMemory<float> talkerHidden, int code0, SamplingOptions sampling, ulong seed, int frameIndex, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Predict(_session, _sampler, _codes, talkerHidden.Span, code0, sampling, seed, frameIndex));
    }

    /// <summary>One frame on a session; shared with the predictor grain so both sample identically.</summary>
    public static PredictedFrame Predict(CodePredictorSession session, StepSampler sampler, int[] codes, ReadOnlySpan<float> talkerHidden, int code0,
        SamplingOptions sampling, ulong seed, int frameIndex)
    {
        sampler.Reset(sampling, new SamplingRandom(StepSeeds.For(seed, StepSeeds.Predictor, frameIndex)));
        var feedback = new float[session.Weights.HiddenSize];
        session.PredictFrame(talkerHidden, code0, sampler, codes, feedback);
        var frame = new long[CodecTokenIds.CodebookCount];
        frame[0] = code0;
        for (var g = 0; g < codes.Length; g++)
        {
            frame[g + 1] = codes[g];
        }
        return new PredictedFrame(frame, feedback);
    }

    /// <summary>Adapts the temperature/top-k sampler to the predictor's per-group hook for one frame.</summary>
    public sealed class StepSampler : ISubCodeSampler
    {
        private readonly SubCodeSampler _inner = new();
        private SamplingOptions _options = SamplingPresets.OfficialPredictor;
        private SamplingRandom _random = new(0);

        public void Reset(SamplingOptions options, SamplingRandom random)
        {
            _options = options;
            _random = random;
        }

        public int Sample(Span<float> logits) => _inner.Sample(logits, _options, _random);
    }
}
