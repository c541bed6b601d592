using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Text;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// The autoregressive frame loop shared by the in-process pipeline and the Orleans SynthesisGrain:
/// talker step -> code predictor -> vocoder, under the request's EOS mode. Frame i's code 0 is sampled from
/// the talker state after frame i-1's feedback; an EOS code 0 ends the utterance and is never voiced.
/// Under teacher forcing the teacher's frames are voiced and fed back while the model's choices are recorded.
/// <see cref="RunTextAsync"/> speaks a text of any length as one stream: sentence-sized chunks, one utterance each.
/// </summary>
public static class SynthesisLoop
{
    /// <summary>Mixed into the request seed for chunk 1, 2, ... (chunk 0 uses the request seed itself).</summary>
    public const ulong ChunkSeedComponent = 0x4348554E4BUL;   // "CHUNK"

    /// <summary>
    /// The seed of chunk <paramref name="chunk"/>: the request seed for the first, so a text that fits in one chunk sounds
    /// exactly as it did before texts were split; for the others a value derived from the request seed and the chunk
    /// index (<see cref="StepSeeds.For"/>), so every chunk is reproducible and no two chunks draw the same numbers.
    /// </summary>
    public static ulong ChunkSeed(ulong requestSeed, int chunk) =>
        chunk == 0 ? requestSeed : StepSeeds.For(requestSeed, ChunkSeedComponent, chunk);

    /// <summary>
    /// The text split into the chunks <see cref="RunTextAsync"/> speaks, under <paramref name="frameLimit"/> frames per
    /// chunk; an ArgumentException when even one character cannot be served within it.
    /// </summary>
    public static IReadOnlyList<TextChunk> PlanChunks(string text, string language, int frameLimit, LongTextOptions options)
    {
        var budget = (int)Math.Min(options.MaxChunkFrames, Math.Floor(frameLimit / options.CapMargin));
        if (budget < FrameEstimate.MinimumFrames)
        {
            throw new ArgumentException(
                $"a frame cap of {frameLimit} frames cannot serve any text: every utterance is estimated at {FrameEstimate.MinimumFrames} frames or more, " +
                $"and needs {options.CapMargin:0.#}x that under the cap; raise the cap to {(int)Math.Ceiling(FrameEstimate.MinimumFrames * options.CapMargin)} frames or more");
        }
        return SentenceSplitter.Split(text, chunk => chunk.Length <= options.MaxChunkCharacters && FrameEstimate.Estimate(chunk, language) <= budget);
    }

    /// <summary>
    /// Speaks <paramref name="request"/>'s text whatever its length: chunk after chunk in the same voice, each chunk's
    /// talker and vocoder created from <paramref name="channels"/> and disposed when it ends, joined by
    /// <see cref="ChunkJoiner"/> with a short pause, as one stream (frames counted across chunks). A text that fits in
    /// one chunk gives exactly what <see cref="RunOwningAsync"/> gives. Every chunk is planned before any audio, so a text
    /// that cannot be served fails before the first sample; a chunk whose talker context is too small for it (known at
    /// its start, before its audio) is split again. A chunk cut by the frame cap is logged as a warning.
    /// </summary>
    public static async IAsyncEnumerable<AudioChunk> RunTextAsync(
        SynthesisRequest request,
        IUtteranceChannels channels,
        LongTextOptions? options = null,
        ILogger? logger = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= LongTextOptions.Default;
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            throw new ArgumentException("the text to speak is empty", nameof(request));
        }
        var cap = (request.Eos ?? new EosOptions()).MaxFrames;
        var tinyCap = Math.Min(options.MaxChunkFrames, Math.Floor(cap / options.CapMargin)) < FrameEstimate.MinimumFrames;
        if (tinyCap)
        {
            // An explicit cap below what any chunk needs (--max-frames 8, say): the caller asked for at most that many
            // frames, so the text is one utterance cut there, and the log says so.
            logger?.LogWarning("a frame cap of {Cap} frames is below what any text needs; the text is spoken as one utterance and cut at the cap", cap);
        }
        if (tinyCap || request.TeacherCodes is not null || request.EffectiveEosMode == EosMode.Never)
        {
            // Teacher forcing and eos "never" ask for one utterance of an exact length: spoken whole, never split.
            await foreach (var whole in RunOwningAsync(request, channels.CreateTalker(0), channels.Predictor, channels.CreateVocoder(0), cancellationToken).ConfigureAwait(false))
            {
                yield return whole;
            }
            yield break;
        }
        var language = Prompt.TtsLanguage.Normalize(request.Language);
        var chunks = PlanChunks(request.Text, language, cap, options).ToList();
        var seed = request.Seed ?? SamplingRandom.FromEntropy().Seed;
        var joiner = new ChunkJoiner();
        // What each joined chunk yields: reused once the consumer asks for the next chunk (AudioChunk's ownership rule).
        using var joined = new PooledAudioBuffer();
        var frames = 0;
        for (var index = 0; index < chunks.Count; index++)
        {
            var piece = chunks[index];
            // One chunk: the request as given (untrimmed), so short texts sound exactly as before splitting existed.
            var single = chunks.Count == 1;
            var chunkRequest = request with { Text = single ? request.Text : piece.Text, Seed = ChunkSeed(seed, index) };
            await using var utterance = RunUtteranceAsync(chunkRequest, channels.CreateTalker(index), channels.Predictor, channels.CreateVocoder(index),
                piece.Text, language, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            bool hasAudio;
            try
            {
                hasAudio = await utterance.MoveNextAsync().ConfigureAwait(false);
            }
            catch (ContextTooSmallException small)
            {
                // Split this chunk and the rest again under what the talker can hold, then retry this chunk.
                var rest = string.Join(" ", chunks.Skip(index).Select(c => c.Text));
                var finer = PlanChunks(rest, language, Math.Min(cap, small.FrameCapacity), options);
                if (finer[0].Text == piece.Text)
                {
                    throw new SynthesisException($"the talker context holds only {small.FrameCapacity} frames after the prompt; even the shortest chunk needs more");
                }
                logger?.LogInformation("chunk {Chunk}: the talker context holds {Capacity} frames; the rest of the text is split finer", index, small.FrameCapacity);
                chunks.RemoveRange(index, chunks.Count - index);
                chunks.AddRange(finer);
                index--;
                continue;
            }
            var chunkFrames = 0;
            while (hasAudio)
            {
                var audio = utterance.Current;
                chunkFrames = audio.FramesSoFar;
                if (single)
                {
                    yield return audio;
                }
                else
                {
                    joined.Reset();
                    joiner.Push(audio.Samples.Span, joined);
                    var last = audio.IsLast && index == chunks.Count - 1;
                    if (last)
                    {
                        joiner.Finish(joined);
                    }
                    else if (audio.IsLast)
                    {
                        joiner.Join(PauseSamples(piece, options), joined);
                    }
                    // Recorded codes (--codes-out) travel with the chunk even when the joiner holds its samples back.
                    if (joined.WrittenCount > 0 || audio.IsLast || audio.Codes is not null)
                    {
                        yield return new AudioChunk(joined.WrittenMemory, frames + chunkFrames, last, audio.Codes);
                    }
                }
                hasAudio = await utterance.MoveNextAsync().ConfigureAwait(false);
            }
            frames += chunkFrames;
            if (chunkFrames >= cap)
            {
                logger?.LogWarning("chunk {Chunk} of {Chunks} reached the frame cap ({Cap} frames, about {Estimate} expected) without ending; it is cut there",
                    index + 1, chunks.Count, cap, FrameEstimate.Estimate(piece.Text, language));
            }
        }
    }

    private static int PauseSamples(TextChunk chunk, LongTextOptions options) =>
        (int)Math.Round((chunk.EndsSentence ? options.SentencePause : options.ClausePause).TotalSeconds * CodecAudio.SampleRate);

    // One chunk, owning its channels; refuses (before any audio) to start a chunk its talker context cannot finish.
    private static async IAsyncEnumerable<AudioChunk> RunUtteranceAsync(
        SynthesisRequest request, ITalkerChannel talker, IPredictorChannel predictor, IVocoderChannel vocoder,
        string text, string language, LongTextOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var needed = (int)Math.Ceiling(FrameEstimate.Estimate(text, language) * options.CapMargin);
        await foreach (var chunk in RunOwningAsync(request, talker, predictor, vocoder, cancellationToken, start =>
        {
            if (start.FrameCapacity < needed)
            {
                throw new ContextTooSmallException(start.FrameCapacity);
            }
        }).ConfigureAwait(false))
        {
            yield return chunk;
        }
    }

    private sealed class ContextTooSmallException(int frameCapacity) : Exception($"the talker context holds {frameCapacity} frames")
    {
        public int FrameCapacity { get; } = frameCapacity;
    }

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
        [EnumeratorCancellation] CancellationToken cancellationToken = default,
        Action<TalkerStartResult>? onStart = null)
    {
        await using (talker.ConfigureAwait(false))
        await using (vocoder.ConfigureAwait(false))
        {
            await foreach (var chunk in RunAsync(request, talker, predictor, vocoder, cancellationToken, onStart).ConfigureAwait(false))
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
        [EnumeratorCancellation] CancellationToken cancellationToken = default,
        Action<TalkerStartResult>? onStart = null)
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
        onStart?.Invoke(start);
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
