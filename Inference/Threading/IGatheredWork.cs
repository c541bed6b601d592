namespace Qwen3Tts.Inference.Threading;

/// <summary>One queued item of a <see cref="GatheringQueue{T}"/>: whose it is, and how it is cancelled and completed.</summary>
internal interface IGatheredWork
{
    /// <summary>The stream the item belongs to (the same object for all its items: its sampler, its talker session).</summary>
    object Caller { get; }

    CancellationToken CancellationToken { get; }

    ReusableCompletion Done { get; }
}
