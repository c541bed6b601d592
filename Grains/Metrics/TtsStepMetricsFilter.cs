using System.Diagnostics;
using Orleans.Serialization.Invocation;

namespace Qwen3Tts.Grains.Metrics;

/// <summary>
/// Times the role grains' work calls into <see cref="TtsMetrics"/> from outside the grain classes. Every grain
/// call on the silo passes through here, so anything else goes straight on after one type comparison.
/// A call counts once its response is ready, before the caller sees it. A cancelled call (the request went
/// away) is neither timed nor a failure.
/// </summary>
public sealed class TtsStepMetricsFilter(TtsMetrics metrics) : IIncomingGrainCallFilter
{
    private enum TtsCall
    {
        None,
        TalkerStart,
        TalkerStep,
        PredictorFrame,
        VocoderAppend,
        VocoderOther,
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var call = Classify(context.Request);
        return call == TtsCall.None ? context.Invoke() : TimeAsync(context, call);
    }

    private async Task TimeAsync(IIncomingGrainCallContext context, TtsCall call)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await context.Invoke();
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            FailureCounter(call).Add(1);
            throw;
        }
        var milliseconds = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        switch (call)
        {
            case TtsCall.TalkerStart:
                metrics.TalkerPrefillMs.Record(milliseconds);
                metrics.TalkerPrefills.Add(1);
                metrics.RecentTalkerPrefills.Record(milliseconds);
                break;
            case TtsCall.TalkerStep:
                metrics.TalkerStepMs.Record(milliseconds);
                metrics.TalkerSteps.Add(1);
                metrics.RecentTalkerSteps.Record(milliseconds);
                break;
            case TtsCall.PredictorFrame:
                metrics.PredictorFrameMs.Record(milliseconds);
                metrics.PredictorFrames.Add(1);
                metrics.RecentPredictorFrames.Record(milliseconds);
                break;
            case TtsCall.VocoderAppend:
                metrics.VocoderCallMs.Record(milliseconds);
                metrics.RecentVocoderCalls.Record(milliseconds);
                // An append carries every frame generated while the previous one decoded (n × 16 codes).
                if (context.Request.GetArgument(0) is long[] codes)
                {
                    var frames = codes.Length / Qwen3Tts.Inference.Models.CodecTokenIds.CodebookCount;
                    metrics.FramesSynthesized.Add(frames);
                    metrics.RecentFrames.Record(0, frames);
                }
                break;
            case TtsCall.VocoderOther:
                metrics.VocoderCallMs.Record(milliseconds);
                metrics.RecentVocoderCalls.Record(milliseconds);
                break;
        }
    }

    private System.Diagnostics.Metrics.Counter<long> FailureCounter(TtsCall call) => call switch
    {
        TtsCall.TalkerStart or TtsCall.TalkerStep => metrics.TalkerFailedCalls,
        TtsCall.PredictorFrame => metrics.PredictorFailedCalls,
        _ => metrics.VocoderFailedCalls,
    };

    // GetInterfaceType is the interface that declares the method, so IPlacedGrain.GetSiloAsync is never timed.
    private static TtsCall Classify(IInvokable request)
    {
        var type = request.GetInterfaceType();
        if (type == typeof(ITalkerGrain))
        {
            return request.GetMethodName() switch
            {
                nameof(ITalkerGrain.StartAsync) => TtsCall.TalkerStart,
                nameof(ITalkerGrain.StepAsync) => TtsCall.TalkerStep,
                _ => TtsCall.None,
            };
        }
        if (type == typeof(IPredictorGrain))
        {
            return request.GetMethodName() == nameof(IPredictorGrain.PredictAsync) ? TtsCall.PredictorFrame : TtsCall.None;
        }
        if (type == typeof(IVocoderGrain))
        {
            return request.GetMethodName() == nameof(IVocoderGrain.AppendAsync) ? TtsCall.VocoderAppend : TtsCall.VocoderOther;
        }
        return TtsCall.None;
    }
}
