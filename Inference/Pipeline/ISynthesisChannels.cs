using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// What the talker returns per step: the post-norm hidden state and the sampled code 0. <paramref name="Hidden"/> may be
/// the channel's own buffer: it stays valid until the channel's next step, not longer.
/// </summary>
public readonly record struct TalkerStepResult(ReadOnlyMemory<float> Hidden, int Code0);

/// <summary>
/// What the talker tells the driver when an utterance starts. <paramref name="FrameCapacity"/> is how many
/// frames the request's KV context can still hold after its prompt. The driver may run where no model is
/// loaded (a gateway silo), so the model's own facts come with it: its EOS code, its default frame cap
/// (generation_config.json's max_new_tokens) and the predictor's sampling for this request.
/// </summary>
public readonly record struct TalkerStartResult(
    TalkerStepResult First,
    int PromptRows,
    int ExpectedFrames,
    int FrameCapacity = int.MaxValue,
    int EosCode = CodecTokenIds.Eos,
    int DefaultMaxFrames = 8191,
    SamplingOptions? PredictorSampling = null);

/// <summary>
/// The talker side of one utterance: tokenizes and prefills on start, then one step per frame.
/// Sampling of code 0 happens here, next to the logits, so only a hidden vector crosses the wire.
/// The per-frame calls of every channel return <see cref="ValueTask{TResult}"/> so an in-process step can complete
/// from pooled state without allocating; await each exactly once.
/// </summary>
public interface ITalkerChannel : IAsyncDisposable
{
    Task<TalkerStartResult> StartAsync(SynthesisRequest request, ulong seed, float eosBoost, CancellationToken cancellationToken);

    /// <summary>
    /// Feeds the previous frame's feedback embedding and samples the next code 0. <paramref name="usedCode0"/> is the
    /// code 0 that frame really had (the talker's own choice, or the teacher's): it joins the repetition history.
    /// </summary>
    ValueTask<TalkerStepResult> StepAsync(ReadOnlyMemory<float> feedback, int usedCode0, float eosBoost, CancellationToken cancellationToken);
}

/// <summary>The code predictor: codebooks 1..15 of a frame and the feedback embedding for the next talker step.</summary>
public interface IPredictorChannel
{
    /// <param name="teacherCodes">Null, or the frame's 15 sub-codes to force: each is fed in place of the model's
    /// choice, and <see cref="PredictedFrame.Choices"/> reports what the model chose given the teacher's earlier codes.</param>
    ValueTask<PredictedFrame> PredictAsync(ReadOnlyMemory<float> talkerHidden, int code0, SamplingOptions sampling, ulong seed, int frameIndex,
        long[]? teacherCodes, CancellationToken cancellationToken);
}

/// <summary>
/// A frame's 16 codes (what the vocoder gets), the embedding the talker consumes next, and the 15 sub-codes
/// the model chose (equal to <c>Codes[1..]</c> unless the frame was teacher-forced). Ownership: a frame (its arrays
/// included) may be the channel's own and is valid until that channel's next <see cref="IPredictorChannel.PredictAsync"/>;
/// the frame loop hands the codes to the vocoder (which copies them) and the feedback to the talker step before
/// predicting again, and whoever keeps them longer copies them.
/// </summary>
public sealed record PredictedFrame(long[] Codes, float[] Feedback, long[]? Choices = null)
{
    public static int CodeCount => CodecTokenIds.CodebookCount;
}

/// <summary>The vocoder side of one utterance: frames in, audio out as soon as it is decoded.</summary>
public interface IVocoderChannel : IAsyncDisposable
{
    /// <summary>
    /// Feeds a voice clone's reference frames (n × 16 codes) before the first <see cref="AppendAsync"/>: the decoder
    /// runs over them as the official code decodes reference and new codes together, and their audio is dropped, so
    /// the new frames start with the reference speaker's context instead of a cold decoder.
    /// </summary>
    Task PrimeAsync(ReadOnlyMemory<long> referenceCodes, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a frame (its codes are copied before this returns); returns any audio that became ready (possibly empty).
    /// Ownership: the audio may be the channel's pooled buffer and is valid until the channel's next
    /// <see cref="AppendAsync"/>, <see cref="FlushAsync"/> or dispose; a caller that keeps it longer copies it.
    /// </summary>
    ValueTask<ReadOnlyMemory<float>> AppendAsync(ReadOnlyMemory<long> frameCodes, CancellationToken cancellationToken);

    /// <summary>Decodes what is left; the audio is valid as <see cref="AppendAsync"/>'s is.</summary>
    ValueTask<ReadOnlyMemory<float>> FlushAsync(CancellationToken cancellationToken);
}
