using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// In-process code predictor for one utterance. Its frames go through the process-wide
/// <see cref="CodePredictorQueue"/>, so the frames of concurrent utterances run as one batched forward;
/// the result is the same as running the frame alone.
/// </summary>
public sealed class LocalPredictorChannel(CodePredictorQueue queue) : IPredictorChannel
{
    private readonly StepSampler _sampler = new();

    public Task<PredictedFrame> PredictAsync(ReadOnlyMemory<float> talkerHidden, int code0, SamplingOptions sampling, ulong seed, int frameIndex,
        long[]? teacherCodes, CancellationToken cancellationToken) =>
        PredictAsync(queue, _sampler, talkerHidden, code0, sampling, seed, frameIndex, teacherCodes, cancellationToken);

    /// <summary>One frame through a queue; shared with the predictor grain so both seed and sample identically.</summary>
    public static async Task<PredictedFrame> PredictAsync(CodePredictorQueue queue, StepSampler sampler, ReadOnlyMemory<float> talkerHidden, int code0,
        SamplingOptions sampling, ulong seed, int frameIndex, long[]? teacherCodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (teacherCodes is not null && teacherCodes.Length != CodePredictorWeights.GroupCount)
        {
            throw new ArgumentException($"a teacher frame has {CodePredictorWeights.GroupCount} sub-codes, got {teacherCodes.Length}", nameof(teacherCodes));
        }
        sampler.Reset(sampling, new SamplingRandom(StepSeeds.For(seed, StepSeeds.Predictor, frameIndex)), teacherCodes);
        var codes = new int[CodePredictorWeights.GroupCount];
        var feedback = new float[talkerHidden.Length];
        await queue.PredictAsync(talkerHidden, code0, sampler, codes, feedback, cancellationToken).ConfigureAwait(false);
        var frame = new long[CodecTokenIds.CodebookCount];
        frame[0] = code0;
        for (var g = 0; g < codes.Length; g++)
        {
            frame[g + 1] = codes[g];
        }
        return new PredictedFrame(frame, feedback, sampler.TakeChoices());
    }

    /// <summary>
    /// Adapts the temperature/top-k sampler to the predictor's per-group hook for one frame. Under teacher
    /// forcing it returns the teacher's code for each group (so that code is fed on and summed into the
    /// feedback) and keeps what the model chose.
    /// </summary>
    public sealed class StepSampler : ISubCodeSampler
    {
        private readonly SubCodeSampler _inner = new();
        private SamplingOptions _options = SamplingPresets.OfficialPredictor;
        private SamplingRandom _random = new(0);
        private long[]? _teacher;
        private long[]? _choices;
        private int _group;

        public void Reset(SamplingOptions options, SamplingRandom random, long[]? teacherCodes = null)
        {
            _options = options;
            _random = random;
            _teacher = teacherCodes;
            _choices = teacherCodes is null ? null : new long[teacherCodes.Length];
            _group = 0;
        }

        public int Sample(Span<float> logits)
        {
            var choice = _inner.Sample(logits, _options, _random);
            if (_teacher is null)
            {
                return choice;
            }
            _choices![_group] = choice;
            return (int)_teacher[_group++];
        }

        /// <summary>The model's choices of the last teacher-forced frame, or null when it was not forced.</summary>
        public long[]? TakeChoices()
        {
            var choices = _choices;
            _choices = null;
            return choices;
        }
    }
}
