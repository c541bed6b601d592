using System.Diagnostics.Metrics;
using Orleans.Runtime;

namespace Qwen3Tts.Grains.Metrics;

/// <summary>
/// Per-silo counters and timings of the role grains' work. They live on the silo's own Orleans meter
/// (<see cref="OrleansInstruments.Meter"/>) because the Orleans Dashboard 10.4.2 shows only instruments of
/// that very meter instance; an OpenTelemetry exporter listening to "Microsoft.Orleans" sees them too.
/// The talker's prompt prefill is kept apart from its per-frame steps: it is far longer, and mixing the two
/// would make the step timings (the dashboard shows a histogram's sum) say nothing about the frame rate.
/// </summary>
public sealed class TtsMetrics
{
    public TtsMetrics(OrleansInstruments instruments)
    {
        ArgumentNullException.ThrowIfNull(instruments);
        var meter = instruments.Meter;

        TalkerPrefillMs = meter.CreateHistogram<double>("tts-talker-prefill-ms", "ms", "ITalkerGrain.StartAsync: prompt prefill and the first code 0");
        TalkerPrefills = meter.CreateCounter<long>("tts-talker-prefills", description: "talker starts that succeeded");
        TalkerStepMs = meter.CreateHistogram<double>("tts-talker-step-ms", "ms", "ITalkerGrain.StepAsync: one decode step");
        TalkerSteps = meter.CreateCounter<long>("tts-talker-steps", description: "talker steps that succeeded");
        TalkerFailedCalls = meter.CreateCounter<long>("tts-talker-failed-calls", description: "talker starts and steps that threw (cancellations excluded)");

        PredictorFrameMs = meter.CreateHistogram<double>("tts-predictor-frame-ms", "ms", "IPredictorGrain.PredictAsync: codebooks 1..15 of one frame");
        PredictorFrames = meter.CreateCounter<long>("tts-predictor-frames", description: "frames the code predictor completed");
        PredictorFailedCalls = meter.CreateCounter<long>("tts-predictor-failed-calls", description: "predictor calls that threw (cancellations excluded)");

        VocoderCallMs = meter.CreateHistogram<double>("tts-vocoder-call-ms", "ms", "IVocoderGrain calls: append, flush, end of stream, release");
        FramesSynthesized = meter.CreateCounter<long>("tts-frames-synthesized", description: "frames appended to a vocoder stream");
        VocoderFailedCalls = meter.CreateCounter<long>("tts-vocoder-failed-calls", description: "vocoder calls that threw (cancellations excluded)");

        // What the dashboard can show as it is: rates and mean latencies of the last 10 s (the counters and histograms
        // above are running totals there, and stay for exporters that compute rates and percentiles themselves).
        meter.CreateObservableGauge("tts-talker-steps-per-s", () => RecentTalkerSteps.PerSecond, "1/s", "talker steps per second, last 10 s");
        meter.CreateObservableGauge("tts-talker-step-ms-mean", () => RecentTalkerSteps.MeanMilliseconds, "ms", "mean talker step, last 10 s");
        meter.CreateObservableGauge("tts-talker-prefill-ms-mean", () => RecentTalkerPrefills.MeanMilliseconds, "ms", "mean talker prefill, last 10 s");
        meter.CreateObservableGauge("tts-predictor-frames-per-s", () => RecentPredictorFrames.PerSecond, "1/s", "code predictor frames per second, last 10 s");
        meter.CreateObservableGauge("tts-predictor-frame-ms-mean", () => RecentPredictorFrames.MeanMilliseconds, "ms", "mean code predictor frame, last 10 s");
        meter.CreateObservableGauge("tts-vocoder-call-ms-mean", () => RecentVocoderCalls.MeanMilliseconds, "ms", "mean vocoder call, last 10 s");
        meter.CreateObservableGauge("tts-frames-synthesized-per-s", () => RecentFrames.PerSecond, "1/s", "frames appended to vocoder streams per second, last 10 s (12.5 = real time for one stream)");
    }

    public RecentWindow RecentTalkerSteps { get; } = new();

    public RecentWindow RecentTalkerPrefills { get; } = new();

    public RecentWindow RecentPredictorFrames { get; } = new();

    public RecentWindow RecentVocoderCalls { get; } = new();

    public RecentWindow RecentFrames { get; } = new();

    public Histogram<double> TalkerPrefillMs { get; }

    public Counter<long> TalkerPrefills { get; }

    public Histogram<double> TalkerStepMs { get; }

    public Counter<long> TalkerSteps { get; }

    public Counter<long> TalkerFailedCalls { get; }

    public Histogram<double> PredictorFrameMs { get; }

    public Counter<long> PredictorFrames { get; }

    public Counter<long> PredictorFailedCalls { get; }

    public Histogram<double> VocoderCallMs { get; }

    public Counter<long> FramesSynthesized { get; }

    public Counter<long> VocoderFailedCalls { get; }
}
