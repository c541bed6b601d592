using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Threading;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// In-process code predictor for one utterance. Its frames go through the process-wide
/// <see cref="CodePredictorQueue"/>, so the frames of concurrent utterances run as one batched forward;
/// the result is the same as running the frame alone. Dispose it when its request ends, so the queue stops
/// expecting its frames at once.
/// </summary>
public sealed class LocalPredictorChannel(CodePredictorQueue queue) : IPredictorChannel, IDisposable
{
    private readonly FrameSlot _slot = new();

    public void Dispose() => Leave(queue, _slot);

    /// <summary>The request predicting into <paramref name="slot"/> has ended: <paramref name="queue"/> waits for it no more.</summary>
    public static void Leave(CodePredictorQueue queue, FrameSlot slot)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(slot);
        queue.Leave(slot.Sampler);
    }

    /// <summary>The returned frame is this channel's own, valid until its next call (<see cref="PredictedFrame"/>).</summary>
    public ValueTask<PredictedFrame> PredictAsync(ReadOnlyMemory<float> talkerHidden, int code0, SamplingOptions sampling, ulong seed, int frameIndex,
        long[]? teacherCodes, CancellationToken cancellationToken) =>
        PredictAsync(queue, _slot, talkerHidden, code0, sampling, seed, frameIndex, teacherCodes, cancellationToken);

    /// <summary>
    /// One frame through a queue, into <paramref name="slot"/>'s buffers; shared with the predictor grain so both seed
    /// and sample identically. The frame returned is the slot's, overwritten by the slot's next frame. Not an
    /// <c>async</c> method: the frame is put together when the awaiter resumes (<see cref="ReusableResult{T}"/>), because
    /// a pooled state-machine box per frame still allocated every few frames.
    /// </summary>
    public static ValueTask<PredictedFrame> PredictAsync(CodePredictorQueue queue, FrameSlot slot, ReadOnlyMemory<float> talkerHidden, int code0,
        SamplingOptions sampling, ulong seed, int frameIndex, long[]? teacherCodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(slot);
        if (teacherCodes is not null && teacherCodes.Length != CodePredictorWeights.GroupCount)
        {
            throw new ArgumentException($"a teacher frame has {CodePredictorWeights.GroupCount} sub-codes, got {teacherCodes.Length}", nameof(teacherCodes));
        }
        slot.Random.Reseed(StepSeeds.For(seed, StepSeeds.Predictor, frameIndex));
        slot.Sampler.Reset(sampling, slot.Random, teacherCodes);
        var feedback = slot.FeedbackOf(talkerHidden.Length);
        slot.Code0 = code0;
        // Arms slot.Done; the slot's result is awaited in its place (one await of that arming).
        _ = queue.PredictAsync(talkerHidden, code0, slot.Sampler, slot.SubCodes, feedback, slot.Done, cancellationToken);
        return slot.Result.Current;
    }

    /// <summary>
    /// The buffers one caller's frames are predicted into, one frame after another: reused so a frame allocates
    /// nothing. Not thread-safe; one per request (a request's frames are sequential: each needs the talker step the
    /// previous one fed).
    /// </summary>
    public sealed class FrameSlot
    {
        private readonly long[] _codes = new long[CodecTokenIds.CodebookCount];
        private float[] _feedback = [];
        private PredictedFrame? _frame;

        internal StepSampler Sampler { get; } = new();

        internal SamplingRandom Random { get; } = new(0);

        internal int[] SubCodes { get; } = new int[CodePredictorWeights.GroupCount];

        internal ReusableCompletion Done { get; } = new();

        /// <summary>The frame in flight's code 0, for <see cref="Result"/>.</summary>
        internal int Code0 { get; set; }

        /// <summary><see cref="Done"/>'s current arming as the finished frame.</summary>
        internal ReusableResult<PredictedFrame> Result { get; }

        public FrameSlot()
        {
            Result = new ReusableResult<PredictedFrame>(Done, () => Complete(Code0, Sampler.TakeChoices()));
        }

        internal float[] FeedbackOf(int hiddenSize)
        {
            if (_feedback.Length != hiddenSize)
            {
                _feedback = new float[hiddenSize];
                _frame = null;
            }
            return _feedback;
        }

        internal PredictedFrame Complete(int code0, long[]? choices)
        {
            _codes[0] = code0;
            for (var g = 0; g < SubCodes.Length; g++)
            {
                _codes[g + 1] = SubCodes[g];
            }
            // Under teacher forcing the choices are new per frame (a slower path than plain generation anyway).
            return choices is not null ? new PredictedFrame(_codes, _feedback, choices) : _frame ??= new PredictedFrame(_codes, _feedback);
        }
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
