using System.Diagnostics;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Inference.Benchmarks.Pipeline;

/// <summary>Anything that turns a request into streamed audio: the in-process synthesizer or a cluster client.</summary>
public delegate IAsyncEnumerable<AudioChunk> SpeechSource(SynthesisRequest request, CancellationToken cancellationToken);

/// <summary>
/// One streamed utterance as its caller saw it. <see cref="AllocatedBytes"/> counts every thread of the process over the
/// whole call; <see cref="Loop"/> only the frame loop's steady part: from the first chunk at frame
/// <see cref="LoopStartFrame"/> or later to the last chunk before the final one (the flush and the stream's end left out).
/// </summary>
public sealed record StreamRun(int Frames, long Samples, double WallMs, double FirstAudioMs, double CpuMs, long AllocatedBytes = 0, LoopAllocation? Loop = null)
{
    /// <summary>Past the first chunks, whose first calls of the stream (the decoder's first chunk, first worker wake-ups) are set-up.</summary>
    public const int LoopStartFrame = 8;

    /// <summary>Managed bytes allocated per frame of the whole call, all threads: the per-utterance set-up spread over its frames.</summary>
    public double AllocatedBytesPerFrame => Frames > 0 ? AllocatedBytes / (double)Frames : double.NaN;

    /// <summary>Managed bytes allocated per frame in the frame loop, all threads (the hot loop's target is 0); NaN for a stream too short to tell.</summary>
    public double LoopAllocatedBytesPerFrame => Loop is { Frames: > 0 } loop ? loop.Bytes / (double)loop.Frames : double.NaN;

    /// <summary>Managed bytes of the call outside the frame loop: prompt, prefill, channels, flush and end.</summary>
    public double SetUpAllocatedBytes => Loop is { } loop ? AllocatedBytes - loop.Bytes : double.NaN;

    public double AudioMs => Samples * 1000.0 / CodecAudio.SampleRate;

    /// <summary>Wall time over audio time (&lt; 1 is faster than real time).</summary>
    public double Rtf => AudioMs > 0 ? WallMs / AudioMs : double.NaN;

    public double WallMsPerFrame => Frames > 0 ? WallMs / Frames : double.NaN;

    /// <summary>Times one utterance from the call to its last chunk; first audio is the first non-empty chunk.</summary>
    public static async Task<StreamRun> MeasureAsync(SpeechSource speak, SynthesisRequest request, CancellationToken cancellationToken)
    {
        var cpu = Environment.CpuUsage.TotalTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var start = Stopwatch.GetTimestamp();
        double? first = null;
        long samples = 0;
        var frames = 0;
        (long Bytes, int Frames, int Collections)? loopStart = null, loopEnd = null;
        await foreach (var chunk in speak(request, cancellationToken).ConfigureAwait(false))
        {
            if (!chunk.Samples.IsEmpty)
            {
                first ??= Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
            samples += chunk.Samples.Length;
            frames = chunk.FramesSoFar;
            if (!chunk.IsLast && frames >= LoopStartFrame)
            {
                var now = (GC.GetTotalAllocatedBytes(precise: true), frames, GC.CollectionCount(0));
                loopStart ??= now;
                loopEnd = now;
            }
        }
        var wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var loop = loopStart is { } a && loopEnd is { } b ? new LoopAllocation(b.Bytes - a.Bytes, b.Frames - a.Frames, b.Collections - a.Collections) : null;
        return new StreamRun(frames, samples, wall, first ?? wall, (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds,
            GC.GetTotalAllocatedBytes(precise: true) - allocated, loop);
    }

    /// <summary>Milliseconds from the call to the first non-empty chunk; the rest of the utterance is abandoned (hung up).</summary>
    public static async Task<double> FirstAudioMsAsync(SpeechSource speak, SynthesisRequest request, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        await foreach (var chunk in speak(request, cancellationToken).ConfigureAwait(false))
        {
            if (!chunk.Samples.IsEmpty)
            {
                break;
            }
        }
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}

/// <summary>Managed bytes (all threads) allocated over <paramref name="Frames"/> frames of the frame loop, and the garbage collections in it (any generation).</summary>
public sealed record LoopAllocation(long Bytes, int Frames, int Collections = 0);

/// <summary><see cref="Streams"/> utterances started together; frames/s counts all of them over the common wall time.</summary>
/// <param name="PredictorFramesPerPass">Mean frames per code-predictor pass (1 = never batched, Streams = always all of them), when the queue was visible.</param>
/// <param name="TalkerItemsPerDecode">Mean requests per talker decode (steps and prompts carried by one pass), when the talker was visible.</param>
public sealed record ConcurrencyRun(int Streams, int Frames, double WallMs, double CpuMs, double MaxFirstAudioMs, double? PredictorFramesPerPass = null,
    double? TalkerItemsPerDecode = null)
{
    public double FramesPerSecond => WallMs > 0 ? Frames * 1000.0 / WallMs : double.NaN;

    /// <summary>The cores the process kept busy on average over the run (its CPU time over the wall time).</summary>
    public double CoresBusy => WallMs > 0 ? CpuMs / WallMs : double.NaN;

    /// <summary>Each request gets its own seed, as concurrent users' requests would.</summary>
    public static async Task<ConcurrencyRun> MeasureAsync(SpeechSource speak, SynthesisRequest request, int streams, CancellationToken cancellationToken,
        Predictor.CodePredictorQueue? predictor = null, Talker.TalkerModel? talker = null)
    {
        var (framesBefore, passesBefore) = (predictor?.FramesRun ?? 0, predictor?.PassesRun ?? 0);
        var (itemsBefore, decodesBefore) = (talker?.DecodedItems ?? 0, talker?.Decodes ?? 0);
        var cpu = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        var runs = await Task.WhenAll(Enumerable.Range(0, streams).Select(i =>
            Task.Run(() => StreamRun.MeasureAsync(speak, request with { Seed = (request.Seed ?? 1) + (ulong)i }, cancellationToken), cancellationToken))).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var perPass = predictor is null ? null : MeanPer(predictor.FramesRun - framesBefore, predictor.PassesRun - passesBefore);
        var perDecode = talker is null ? null : MeanPer(talker.DecodedItems - itemsBefore, talker.Decodes - decodesBefore);
        return new ConcurrencyRun(streams, runs.Sum(r => r.Frames), wall, (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds, runs.Max(r => r.FirstAudioMs), perPass, perDecode);
    }

    /// <summary>Items per pass over a run (frames per predictor pass, requests per talker decode); null when no pass ran.</summary>
    private static double? MeanPer(long items, long passes) => passes == 0 ? null : items / (double)passes;
}
