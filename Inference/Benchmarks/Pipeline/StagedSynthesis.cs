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
    public static async Task<StageTimings> RunAsync(LocalTtsModels models, SynthesisRequest request, CancellationToken cancellationToken)
    {
        var timings = new StageTimings(0, new StageClock(), new StageClock(), new StageClock(), new StageClock());
        var talker = new TimedTalkerChannel(new TalkerUtterance(models.Talker), timings.Prefill, timings.Talker);
        var predictor = new TimedPredictorChannel(new LocalPredictorChannel(models.PredictorQueue), timings.Predictor);
        var vocoder = new InlineTimedVocoderChannel(models.Vocoder, timings.Vocoder);
        var frames = 0;
        await foreach (var chunk in SynthesisLoop.RunOwningAsync(request, talker, predictor, vocoder, cancellationToken).ConfigureAwait(false))
        {
            frames = chunk.FramesSoFar;
        }
        return timings with { Frames = frames };
    }
}
