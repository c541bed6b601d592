using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Grains.Channels;

/// <summary><see cref="IPredictorChannel"/> over the stateless predictor grain pool; its failures name the predictor.</summary>
public sealed class GrainPredictorChannel(IPredictorGrain grain) : IPredictorChannel
{
    public async Task<PredictedFrame> PredictAsync(ReadOnlyMemory<float> talkerHidden, int code0, SamplingOptions sampling, ulong seed, int frameIndex,
        long[]? teacherCodes, CancellationToken cancellationToken)
    {
        var frame = await RoleCalls.CallAsync(GrainRoles.Predictor,
            () => grain.PredictAsync(TensorBytes.FromFloats(talkerHidden.Span), code0, sampling.ToDto(), seed, frameIndex, teacherCodes, cancellationToken));
        return new PredictedFrame(frame.Codes, TensorBytes.ToFloats(frame.Feedback), frame.Choices);
    }
}
