using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Cli.Speech;

/// <summary>The single-machine default: every model loaded in this process.</summary>
internal sealed class EmbeddedSpeechBackend(LocalTtsModels models, string modelsDirectory) : ISpeechBackend
{
    private readonly SpeechSynthesizer _synthesizer = new(models);

    public string Description => $"embedded (models in {modelsDirectory})";

    public IVoiceEncoding VoiceEncoding { get; } = Voices.VoiceEncodingBackends.Local(modelsDirectory);

    public IAsyncEnumerable<AudioChunk> StreamAsync(SynthesisRequest request, CancellationToken cancellationToken) =>
        _synthesizer.StreamAsync(request, cancellationToken);

    public ValueTask DisposeAsync()
    {
        models.Dispose();
        return ValueTask.CompletedTask;
    }
}
