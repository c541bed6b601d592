using System.Runtime.CompilerServices;
using Qwen3Tts.Grains;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Gateway;

/// <summary>What one request synthesized so far, for its log line: frames and samples (before the speed change).</summary>
public sealed class SpeechTally
{
    public int Frames { get; set; }

    public long Samples { get; set; }
}

/// <summary>The synthesis grain's chunks as float samples, with the requested playback speed applied.</summary>
public static class SpeechAudio
{
    public static async IAsyncEnumerable<float[]> SamplesOf(IAsyncEnumerable<AudioChunkDto> chunks, SpeechTally tally, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var chunk in chunks.WithCancellation(cancellationToken))
        {
            tally.Frames = chunk.FramesSoFar;
            tally.Samples += chunk.Samples.Length / sizeof(float);
            if (chunk.Samples.Length > 0)
            {
                yield return TensorBytes.ToFloats(chunk.Samples);
            }
        }
    }

    /// <summary>
    /// OpenAI's <c>speed</c>: tempo changes, pitch stays (WSOLA). The stretcher keeps its own overlap state,
    /// so chunks are stretched as they arrive and streaming stays incremental; 1.0 passes audio through untouched.
    /// </summary>
    public static IAsyncEnumerable<float[]> ApplySpeed(IAsyncEnumerable<float[]> samples, double speed) =>
        speed == 1.0 ? samples : StretchAsync(samples, new TimeStretcher(CodecAudio.SampleRate, speed));

    private static async IAsyncEnumerable<float[]> StretchAsync(IAsyncEnumerable<float[]> samples, TimeStretcher stretcher)
    {
        await foreach (var chunk in samples)
        {
            var stretched = stretcher.Process(chunk);
            if (stretched.Length > 0)
            {
                yield return stretched;
            }
        }
        var tail = stretcher.Flush();
        if (tail.Length > 0)
        {
            yield return tail;
        }
    }
}
