using System.Diagnostics;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Inference.Benchmarks.Pipeline;

/// <summary>What the prompt-prefix cache saves: prefill and first audio with the cache emptied first, against a prefill that finds it.</summary>
public static class PrefixCacheRuns
{
    public static async Task<PrefixCacheFigures> MeasureAsync(TalkerEngine talker, SpeechSource speak, SynthesisRequest request, CancellationToken cancellationToken)
    {
        var prompt = TalkerUtterance.BuildPrompt(talker, request);
        var cold = await PrefillAsync(talker, request, cold: true, cancellationToken).ConfigureAwait(false);
        var warm = await PrefillAsync(talker, request, cold: false, cancellationToken).ConfigureAwait(false);
        talker.Model.ClearPrefixCache();
        var firstAudio = await StreamRun.FirstAudioMsAsync(speak, request, cancellationToken).ConfigureAwait(false);
        return new PrefixCacheFigures(cold.Wall, cold.Cpu, warm.Wall, warm.Cpu, firstAudio, prompt.PrefixRowCount, prompt.RowCount);
    }

    /// <summary>Wall and process CPU milliseconds of one prefill (nothing else runs meanwhile).</summary>
    private static async Task<(double Wall, double Cpu)> PrefillAsync(TalkerEngine talker, SynthesisRequest request, bool cold, CancellationToken cancellationToken)
    {
        if (cold)
        {
            talker.Model.ClearPrefixCache();
        }
        await using var utterance = new TalkerUtterance(talker);
        var cpu = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        await utterance.StartAsync(request, request.Seed ?? 1, eosBoost: 0, cancellationToken).ConfigureAwait(false);
        return (Stopwatch.GetElapsedTime(start).TotalMilliseconds, (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds);
    }
}
