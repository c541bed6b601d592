using Qwen3Tts.Inference.Checkpoints;

namespace Qwen3Tts.Inference.Benchmarks.Pipeline;

/// <summary>Issue 12's targets for the 0.6B model on a 2-core x86 box; the benchmark prints each figure against them.</summary>
public static class PipelineTargets
{
    /// <summary>Predictor and talker: at most this many times their bandwidth floor.</summary>
    public const double FloorRatio = 1.3;

    /// <summary>A talker step: at most this many times a bare llama.cpp decode of the same file.</summary>
    public const double TalkerOverLlamaDecode = 1.10;

    public const double VocoderCpuMsPerFrame = 60;

    public const double VocoderWallMsPerFrame = 30;

    public const double FirstAudioMs = 400;

    /// <summary>Aggregate frames/s of 4 concurrent requests over one request.</summary>
    public const double ConcurrencyGain = 1.8;

    public const int ConcurrencyGainStreams = 4;

    public const double SpeakPeakRssMb = 2000;

    /// <summary>Predictor ms per frame: 75 at q8_0, 40 at q4_0; none for the other precisions.</summary>
    public static double? PredictorMsPerFrame(WeightPrecision quant) => quant switch
    {
        WeightPrecision.Q8_0 => 75,
        WeightPrecision.Q4_0 => 40,
        _ => null,
    };

    /// <summary>Single-stream real-time factor: 1.6 at q8_0, 1.3 at q4_0 (stretch 1.0).</summary>
    public static double? Rtf(WeightPrecision quant) => quant switch
    {
        WeightPrecision.Q8_0 => 1.6,
        WeightPrecision.Q4_0 => 1.3,
        _ => null,
    };
}
