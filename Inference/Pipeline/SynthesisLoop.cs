using System.Runtime.CompilerServices;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// The autoregressive frame loop shared by the in-process pipeline and the Orleans SynthesisGrain:
/// talker step -> code predictor -> vocoder, under the EOS policy. Frame i's code 0 is sampled from
/// the talker state after frame i-1's feedback; an EOS code 0 ends the utterance and is never voiced.
/// </summary>
public static class SynthesisLoop
{
    /// <summary>
    /// <see cref="RunAsync"/> that owns the talker and vocoder channels: they are disposed when the
    /// utterance ends, fails, is cancelled or the caller stops enumerating, so a KV sequence or a
    /// decode worker never outlives its request.
    /// </summary>
    public static async IAsyncEnumerable<AudioChunk> RunOwningAsync(
        SynthesisRequest request,
        ITalkerChannel talker,
        IPredictorChannel predictor,
        IVocoderChannel vocoder,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using (talker.ConfigureAwait(false))
        await using (vocoder.ConfigureAwait(false))
        {
            await foreach (var chunk in RunAsync(request, talker, predictor, vocoder, cancellationToken).ConfigureAwait(false))
            {
                yield return chunk;
            }
        }
    }

    public static async IAsyncEnumerable<AudioChunk> RunAsync(
        SynthesisRequest request,
        ITalkerChannel talker,
        IPredictorChannel predictor,
        IVocoderChannel vocoder,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seed = request.Seed ?? SamplingRandom.FromEntropy().Seed;
        var eosOptions = request.Eos ?? new EosOptions();
        var predictorSampling = SamplingPresets.For(request.Sampling).Predictor;

        // The first boost is 0 unless the schedule starts at step 0; the estimate is not known before the start.
        var start = await talker.StartAsync(request, seed, 0f, cancellationToken).ConfigureAwait(false);
        var eos = new EosPolicy(start.ExpectedFrames, eosOptions, request.Voice is not null);
        var current = start.First;
        var frames = 0;

        while (current.Code0 != CodecTokenIds.Eos)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var frame = await predictor.PredictAsync(current.Hidden, current.Code0, predictorSampling, seed, frames, cancellationToken).ConfigureAwait(false);
            frames++;
            var audio = await vocoder.AppendAsync(frame.Codes, cancellationToken).ConfigureAwait(false);
            if (!audio.IsEmpty)
            {
                yield return new AudioChunk(audio, frames, IsLast: false);
            }
            // A full KV context ends the utterance like the hard cap does, rather than failing it.
            if (eos.ShouldForceStop(frames) || frames >= start.FrameCapacity)
            {
                break;
            }
            current = await talker.StepAsync(frame.Feedback, eos.BoostAt(frames), cancellationToken).ConfigureAwait(false);
        }

        if (frames == 0)
        {
            throw new SynthesisException("the talker ended the utterance before producing any audio frame");
        }
        var tail = await vocoder.FlushAsync(cancellationToken).ConfigureAwait(false);
        yield return new AudioChunk(tail, frames, IsLast: true);
    }
}
