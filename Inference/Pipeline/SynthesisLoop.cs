using System.Runtime.CompilerServices;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// The autoregressive frame loop shared by the in-process pipeline and the Orleans SynthesisGrain:
/// talker step -> code predictor -> vocoder, under the request's EOS mode. Frame i's code 0 is sampled from
/// the talker state after frame i-1's feedback; an EOS code 0 ends the utterance and is never voiced.
/// Under teacher forcing the teacher's frames are voiced and fed back while the model's choices are recorded.
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
        var mode = request.EffectiveEosMode;
        var teacher = TeacherFrames.Of(request.TeacherCodes);
        // Under teacher forcing the model's EOS choice is recorded like any other decision, and the teacher's length decides.
        var never = mode == EosMode.Never;

        // A clone's reference frames go through the decoder while the talker prefills (on another board in a
        // cluster), as the official code decodes reference and new codes in one pass and cuts the reference off.
        // An x-vector-only voice has no reference codes (the official code then decodes the new codes alone).
        var priming = request.Voice is { IsSpeakerEmbeddingOnly: false } voice ? vocoder.PrimeAsync(voice.Codes, cancellationToken) : Task.CompletedTask;
        TalkerStartResult start;
        try
        {
            // The first boost is 0 unless EOS is masked; the estimate the seed's schedule needs is not known before the start.
            start = await talker.StartAsync(request, seed, never ? float.NegativeInfinity : 0f, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Never left running behind a failed start: the vocoder channel is disposed right after.
            await priming.ConfigureAwait(false);
        }
        var maxFrames = teacher?.Count ?? request.Eos?.MaxFrames ?? start.DefaultMaxFrames;
        var eos = new EosPolicy(start.ExpectedFrames, (request.Eos ?? new EosOptions()) with { MaxFrames = maxFrames, Enabled = mode == EosMode.Seed && teacher is null },
            request.Voice is not null);
        var predictorSampling = start.PredictorSampling ?? SamplingPresets.For(request.Sampling).Predictor;
        var recorded = request.RecordCodes ? new List<long>() : null;
        var current = start.First;
        var frames = 0;

        while (current.Code0 != start.EosCode || teacher is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var code0 = teacher?.Code0(frames) ?? current.Code0;
            var frame = await predictor.PredictAsync(current.Hidden, code0, predictorSampling, seed, frames, teacher?.SubCodes(frames), cancellationToken).ConfigureAwait(false);
            if (recorded is not null)
            {
                recorded.Add(current.Code0);
                recorded.AddRange(frame.Choices ?? frame.Codes[1..]);
            }
            frames++;
            var audio = await vocoder.AppendAsync(frame.Codes, cancellationToken).ConfigureAwait(false);
            if (!audio.IsEmpty)
            {
                yield return new AudioChunk(audio, frames, IsLast: false, Drain(recorded));
            }
            // A full KV context ends the utterance like the hard cap does, rather than failing it.
            if (eos.ShouldForceStop(frames) || frames >= start.FrameCapacity)
            {
                break;
            }
            var boost = never ? float.NegativeInfinity : teacher is null ? eos.BoostAt(frames) : 0f;
            current = await talker.StepAsync(frame.Feedback, code0, boost, cancellationToken).ConfigureAwait(false);
        }

        if (frames == 0)
        {
            throw new SynthesisException("the talker ended the utterance before producing any audio frame");
        }
        var tail = await vocoder.FlushAsync(cancellationToken).ConfigureAwait(false);
        yield return new AudioChunk(tail, frames, IsLast: true, Drain(recorded));
    }

    private static long[]? Drain(List<long>? recorded)
    {
        if (recorded is null)
        {
            return null;
        }
        var codes = recorded.ToArray();
        recorded.Clear();
        return codes;
    }

    /// <summary>A teacher's [frames, 16] codes, validated once.</summary>
    private sealed class TeacherFrames(long[] codes)
    {
        public int Count => codes.Length / CodecTokenIds.CodebookCount;

        public static TeacherFrames? Of(long[]? codes)
        {
            if (codes is null)
            {
                return null;
            }
            if (codes.Length == 0 || codes.Length % CodecTokenIds.CodebookCount != 0)
            {
                throw new ArgumentException($"teacher codes must be a non-empty [frames, {CodecTokenIds.CodebookCount}] array; got {codes.Length} values");
            }
            for (var i = 0; i < codes.Length; i++)
            {
                if ((ulong)codes[i] >= CodecTokenIds.CodebookSize)
                {
                    throw new ArgumentException(
                        $"teacher code out of range at frame {i / CodecTokenIds.CodebookCount}, codebook {i % CodecTokenIds.CodebookCount}: {codes[i]} (expected 0..{CodecTokenIds.CodebookSize - 1})");
                }
            }
            return new TeacherFrames(codes);
        }

        public int Code0(int frame) => (int)codes[frame * CodecTokenIds.CodebookCount];

        public long[] SubCodes(int frame) => codes.AsSpan(frame * CodecTokenIds.CodebookCount + 1, CodecTokenIds.CodebookCount - 1).ToArray();
    }
}
