using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Inference.Benchmarks.Pipeline;

/// <summary>What each stage cost over one utterance driven one stage at a time.</summary>
public sealed record StageTimings(int Frames, StageClock Prefill, StageClock Talker, StageClock Predictor, StageClock Vocoder);

/// <summary>
/// One utterance through the production <see cref="SynthesisLoop"/> over the local engines, with each
/// channel timed and the vocoder decoding inline. Nothing overlaps, so the process CPU time that passes
/// during a stage's call is that stage's (the end-to-end runs measure the overlapped pipeline).
/// </summary>
public static class StagedSynthesis
{
    public static Task<StageTimings> RunAsync(LocalTtsModels models, SynthesisRequest request, CancellationToken cancellationToken) =>
        RunAsync(models, request, untilFirstAudio: false, cancellationToken);

    /// <summary>The same, stopped at the first non-empty chunk (the rest is abandoned, as a caller hanging up would): what first audio is made of.</summary>
    public static async Task<(StageTimings Stages, double WallMs)> FirstAudioAsync(LocalTtsModels models, SynthesisRequest request, CancellationToken cancellationToken)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var stages = await RunAsync(models, request, untilFirstAudio: true, cancellationToken).ConfigureAwait(false);
        return (stages, System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
    }

    private static async Task<StageTimings> RunAsync(LocalTtsModels models, SynthesisRequest request, bool untilFirstAudio, CancellationToken cancellationToken)
    {
        var timings = new StageTimings(0, new StageClock(), new StageClock(), new StageClock(), new StageClock());
        var talker = new TimedTalkerChannel(new TalkerUtterance(models.Talker), timings.Prefill, timings.Talker);
        var predictor = new TimedPredictorChannel(new LocalPredictorChannel(models.PredictorQueue), timings.Predictor);
        var vocoder = new InlineTimedVocoderChannel(models.Vocoder, timings.Vocoder);
        var frames = 0;
        await foreach (var chunk in SynthesisLoop.RunOwningAsync(request, talker, predictor, vocoder, cancellationToken).ConfigureAwait(false))
        {
            frames = chunk.FramesSoFar;
            if (untilFirstAudio && !chunk.Samples.IsEmpty)
            {
                break;
            }
        }
        return timings with { Frames = frames };
    }
}
