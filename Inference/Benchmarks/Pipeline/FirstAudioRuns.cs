using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Inference.Benchmarks.Pipeline;

/// <summary>
/// Time to first audio, in milliseconds: the median and best of several requests that hang up at their first
/// chunk (one request is too noisy on a shared box), and what one such request is made of when its stages run
/// one at a time (the talker prefill, the first frame's code predictor and its decode; the rest is the loop's own
/// work and hand-offs).
/// </summary>
public sealed record FirstAudioFigures(double MedianMs, double BestMs, int Runs, double StagedMs, double PrefillMs, double PredictorMs, double VocoderMs)
{
    public double OtherMs => StagedMs - PrefillMs - PredictorMs - VocoderMs;
}

public static class FirstAudioRuns
{
    public const int DefaultRuns = 5;

    public static async Task<FirstAudioFigures> MeasureAsync(LocalTtsModels models, SpeechSource speak, SynthesisRequest request, CancellationToken cancellationToken, int runs = DefaultRuns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var samples = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            samples[i] = await StreamRun.FirstAudioMsAsync(speak, request, cancellationToken).ConfigureAwait(false);
        }
        Array.Sort(samples);
        var (stages, wall) = await StagedSynthesis.FirstAudioAsync(models, request, cancellationToken).ConfigureAwait(false);
        return new FirstAudioFigures(samples[runs / 2], samples[0], runs, wall, stages.Prefill.WallMs, stages.Predictor.WallMs, stages.Vocoder.WallMs);
    }
}
