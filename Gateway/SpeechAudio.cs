using System.Runtime.CompilerServices;
using Qwen3Tts.Grains;

namespace Qwen3Tts.Gateway;

/// <summary>The synthesis grain's chunks as float samples, with the requested playback speed applied.</summary>
public static class SpeechAudio
{
    public static async IAsyncEnumerable<float[]> SamplesOf(IAsyncEnumerable<AudioChunkDto> chunks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            if (chunk.Samples.Length > 0)
            {
                yield return TensorBytes.ToFloats(chunk.Samples);
            }
        }
    }

    /// <summary>
    /// TIME-STRETCH: the one place playback speed changes the audio. The validator admits only 1.0 until the
    /// streaming WSOLA stretcher (Inference/Audio/TimeStretcher) is wired here, chunk by chunk, so streaming
    /// stays incremental.
    /// </summary>
    public static IAsyncEnumerable<float[]> ApplySpeed(IAsyncEnumerable<float[]> samples, double speed) =>
        speed == 1.0 ? samples : throw new NotSupportedException($"speed {speed} needs the time stretcher, which is not wired yet");
}
