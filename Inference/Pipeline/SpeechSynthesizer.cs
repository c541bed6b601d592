using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// Speech from text in one process: the same <see cref="SynthesisLoop"/> the cluster runs, over
/// local engines. Thread-safe: each call gets its own talker sequence, predictor session and vocoder stream.
/// </summary>
public sealed class SpeechSynthesizer(LocalTtsModels models, ILogger? logger = null, LongTextOptions? longText = null)
{
    /// <summary>Any length of text: long texts are spoken sentence chunk by chunk (<see cref="SynthesisLoop.RunTextAsync"/>).</summary>
    public async IAsyncEnumerable<AudioChunk> StreamAsync(SynthesisRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var channels = new LocalChannels(models);
        await foreach (var chunk in SynthesisLoop.RunTextAsync(request, channels, longText, logger, cancellationToken).ConfigureAwait(false))
        {
            yield return chunk;
        }
    }

    /// <summary>A fresh talker sequence and vocoder stream per chunk; one predictor session for the request.</summary>
    private sealed class LocalChannels(LocalTtsModels models) : IUtteranceChannels, IDisposable
    {
        private readonly LocalPredictorChannel _predictor = new(models.PredictorQueue);

        public IPredictorChannel Predictor => _predictor;

        public void Dispose() => _predictor.Dispose();

        public ITalkerChannel CreateTalker(int chunk) => new TalkerUtterance(models.Talker);

        public IVocoderChannel CreateVocoder(int chunk) => new LocalVocoderChannel(models.Vocoder);
    }

    /// <summary>Synthesizes the whole utterance and returns it with its timings.</summary>
    public async Task<SynthesisResult> SynthesizeAsync(SynthesisRequest request, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var samples = new List<float>();
        TimeSpan? firstAudio = null;
        var frames = 0;
        await foreach (var chunk in StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (!chunk.Samples.IsEmpty)
            {
                firstAudio ??= clock.Elapsed;
            }
            samples.AddRange(chunk.Samples.Span);
            frames = chunk.FramesSoFar;
        }
        return new SynthesisResult(samples.ToArray(), frames, clock.Elapsed, firstAudio ?? clock.Elapsed);
    }
}

/// <summary>A finished utterance: 24 kHz mono samples (1920 per frame) and how long it took.</summary>
public sealed record SynthesisResult(float[] Samples, int Frames, TimeSpan Elapsed, TimeSpan TimeToFirstAudio)
{
    public TimeSpan AudioDuration => TimeSpan.FromSeconds(Samples.Length / (double)Models.CodecAudio.SampleRate);

    /// <summary>Real-time factor: wall time / audio time (lower is better, &lt; 1 is faster than real time).</summary>
    public double RealTimeFactor => AudioDuration.TotalSeconds > 0 ? Elapsed.TotalSeconds / AudioDuration.TotalSeconds : double.NaN;
}
