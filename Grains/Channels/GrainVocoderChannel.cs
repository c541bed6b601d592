using Qwen3Tts.Inference.Pipeline;

namespace Qwen3Tts.Grains.Channels;

/// <summary><see cref="IVocoderChannel"/> over a request's <see cref="IVocoderGrain"/>; disposing drops its stream.</summary>
public sealed class GrainVocoderChannel(IVocoderGrain grain) : IVocoderChannel
{
    public async Task<ReadOnlyMemory<float>> AppendAsync(long[] frameCodes, CancellationToken cancellationToken) =>
        TensorBytes.ToFloats(await grain.AppendAsync(frameCodes, cancellationToken));

    public async Task<ReadOnlyMemory<float>> FlushAsync(CancellationToken cancellationToken) =>
        TensorBytes.ToFloats(await grain.FlushAsync(cancellationToken));

    public async ValueTask DisposeAsync() => await grain.ReleaseAsync();
}
