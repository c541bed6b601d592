using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Grains.Channels;

/// <summary>
/// <see cref="IPredictorChannel"/> over a request's <see cref="IPredictorGrain"/>; its failures name the predictor,
/// and disposing ends the activation.
/// </summary>
public sealed class GrainPredictorChannel(IPredictorGrain grain) : IPredictorChannel, IAsyncDisposable
{
    private bool _used;

    public async ValueTask<PredictedFrame> PredictAsync(ReadOnlyMemory<float> talkerHidden, int code0, SamplingOptions sampling, ulong seed, int frameIndex,
        long[]? teacherCodes, CancellationToken cancellationToken)
    {
        _used = true;
        var frame = await RoleCalls.CallAsync(GrainRoles.Predictor,
            () => grain.PredictAsync(TensorBytes.FromFloats(talkerHidden.Span), code0, sampling.ToDto(), seed, frameIndex, teacherCodes, cancellationToken));
        return new PredictedFrame(frame.Codes, TensorBytes.ToFloats(frame.Feedback), frame.Choices);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_used)
        {
            return;
        }
        await RoleCalls.ReleaseAsync(GrainRoles.Predictor, grain.ReleaseAsync);
    }
}
