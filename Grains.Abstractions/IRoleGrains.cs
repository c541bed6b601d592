namespace Qwen3Tts.Grains;

/// <summary>Lets tests and operators see where an activation lives.</summary>
public interface IPlacedGrain
{
    /// <summary>The silo address hosting this activation (<c>RuntimeIdentity</c>).</summary>
    Task<string> GetSiloAsync();
}

/// <summary>The talker side of one request, keyed by the request id: the KV sequence of each of its utterances stays in this activation.</summary>
public interface ITalkerGrain : IGrainWithStringKey, IPlacedGrain
{
    /// <summary>
    /// Prefills the request's prompt once a KV sequence is free. That wait is bounded by the talker's own queue
    /// (talkerQueue.wait, at most 4 minutes), so this call has a response timeout of its own above it: the silo-wide
    /// one (30 s by default) would fail a request that is legitimately waiting its turn.
    /// </summary>
    [ResponseTimeout(RoleCallTimeouts.TalkerStart)]
    Task<TalkerStartDto> StartAsync(SynthesisRequestDto request, ulong seed, float eosBoost, CancellationToken cancellationToken = default);

    /// <param name="feedback">The caller's fresh array, never touched again: [Immutable], so an in-silo call passes it without a copy.</param>
    /// <param name="usedCode0">The code 0 the previous frame really had (the talker's choice, or a teacher's).</param>
    Task<TalkerStepDto> StepAsync([Immutable] byte[] feedback, int usedCode0, float eosBoost, CancellationToken cancellationToken = default);

    /// <summary>
    /// Frees the KV sequence of the utterance just spoken and keeps the activation for the request's next one (the
    /// next chunk of a long text): its place in the talker's queue and in a draining silo stay with the request, so
    /// a silo asked to stop finishes every chunk of what it serves. <see cref="ReleaseAsync"/> ends it all.
    /// </summary>
    Task EndUtteranceAsync();

    /// <summary>Frees the request's KV sequence and ends the activation; idempotent.</summary>
    Task ReleaseAsync();
}

/// <summary>Response timeouts of role calls that may legitimately outlast the silo-wide one.</summary>
public static class RoleCallTimeouts
{
    /// <summary><see cref="ITalkerGrain.StartAsync"/>: a wait for a KV sequence (bounded by the talker's queue) plus the prefill.</summary>
    public const string TalkerStart = "00:05:00";

    /// <summary>
    /// Encoding a clip (at most 60 s) on a board, after the clips queued before it on that silo: seconds on a PC,
    /// up to a minute on an RK3588 for a long clip, so well above the silo-wide 30 s.
    /// </summary>
    public const string VoiceEncoding = "00:05:00";
}

/// <summary>
/// The code predictor of one request, keyed by the request id. Each frame is seeded on its own, so any activation
/// gives the same codes; keying it by request keeps a request on one predictor silo from its first frame to its
/// last, so a silo that is shutting down can finish the requests it serves instead of losing their next frame.
/// </summary>
public interface IPredictorGrain : IGrainWithStringKey, IPlacedGrain
{
    /// <param name="talkerHidden">The caller's fresh array, only read: [Immutable], so an in-silo call passes it without a copy.</param>
    /// <param name="teacherCodes">Null, or the frame's 15 sub-codes to force (teacher forcing); only read, like the hidden state.</param>
    Task<PredictedFrameDto> PredictAsync([Immutable] byte[] talkerHidden, int code0, SamplingDto sampling, ulong seed, int frameIndex, [Immutable] long[]? teacherCodes = null,
        CancellationToken cancellationToken = default);

    /// <summary>Ends the request's predictor activation; idempotent.</summary>
    Task ReleaseAsync();
}

/// <summary>The vocoder streams of one request (one per utterance, in turn), keyed by the request id.</summary>
public interface IVocoderGrain : IGrainWithStringKey, IPlacedGrain
{
    /// <summary>Decodes a voice clone's reference frames (n × 16 codes) into the stream's context, voicing none; before the first append only.</summary>
    Task PrimeAsync(long[] referenceCodes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds frames (n frames × 16 codes, frame-major) and decodes the windows they complete; returns that
    /// float32 audio (possibly empty). Several frames per call let the caller keep generating while a window decodes.
    /// The frames are the caller's fresh array and only read ([Immutable]: no copy in-silo).
    /// </summary>
    Task<byte[]> AppendAsync([Immutable] long[] framesCodes, CancellationToken cancellationToken = default);

    /// <summary>Decodes what is left; the stream takes no frames after this.</summary>
    Task<byte[]> FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops the stream of the utterance just voiced and keeps the activation for the request's next one (the next
    /// chunk of a long text starts a fresh stream here, also on a silo that is draining).
    /// </summary>
    Task EndStreamAsync();

    /// <summary>Drops the stream state and ends the activation; idempotent.</summary>
    Task ReleaseAsync();
}

// Why IAsyncEnumerable and not an Orleans stream: `qwen3-tts bench streaming` (one silo + external client
// over localhost TCP, 40 chunks, 2-core EPYC, Orleans 10.4.2 memory streams with default pulling agents):
// at the real-time pace (a chunk every 80 ms) the stream added 17-81 ms to the first chunk (x1.2-x2.0) and
// 25-35 ms to the p95 gap between chunks (x2.8-x4.3), at equal throughput; flat out it moved 7.5 KB chunks
// at 2-4 MB/s against 52-88 (x0.05) and 480 KB chunks at about half the rate. Streams also need pub/sub
// storage, a subscription round trip and an in-band end marker (OnCompletedAsync throws for persistent
// streams), so the pull-based grain method stays. Flat out it batches (first 480 KB chunk after ~300 ms,
// with the rest): fine here, where chunks are paced by the model.
/// <summary>One request end to end, keyed by the request id; audio streams back as it is decoded.</summary>
public interface ISynthesisGrain : IGrainWithStringKey, IPlacedGrain
{
    IAsyncEnumerable<AudioChunkDto> SynthesizeAsync(SynthesisRequestDto request, CancellationToken cancellationToken = default);
}
