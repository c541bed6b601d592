using System.Runtime.CompilerServices;
using Qwen3Tts.Client;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Cli.Speech;

/// <summary>Speech from a running cluster: the request crosses the wire through <see cref="Qwen3TtsClient"/>.</summary>
internal sealed class ClusterSpeechBackend(Qwen3TtsClient client, string description) : ISpeechBackend
{
    public string Description => $"cluster ({description})";

    public IVoiceEncoding VoiceEncoding { get; } = new Voices.ClusterVoiceEncoding(client);

    public async IAsyncEnumerable<AudioChunk> StreamAsync(SynthesisRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = ToClientOptions(request);
        await foreach (var chunk in client.StreamAsync(request.Text, options, cancellationToken).ConfigureAwait(false))
        {
            yield return new AudioChunk(chunk.Samples, chunk.FramesSoFar, chunk.IsLast, chunk.Codes);
        }
    }

    /// <summary>The client speaks the public options only; the prompt experiments stay embedded-only.</summary>
    public static SynthesisOptions ToClientOptions(SynthesisRequest request)
    {
        if (request.Layout != PromptLayout.NonStreaming || request.Convention != PromptConvention.Official)
        {
            throw new ArgumentException("--layout and --convention are only available in embedded mode (without --cluster)");
        }
        if (!Enum.TryParse<SpeechLanguage>(request.Language, ignoreCase: true, out var language))
        {
            throw new ArgumentException($"language '{request.Language}' is not one the cluster client knows; expected one of {string.Join(", ", Enum.GetNames<SpeechLanguage>())}");
        }
        return new SynthesisOptions
        {
            Language = language,
            Seed = request.Seed,
            Sampling = Enum.Parse<SamplingPreset>(request.Sampling.ToString()),
            MaxFrames = request.Eos?.MaxFrames,
            Voice = request.Voice is { } voice ? new VoiceProfile(voice.Codes, voice.ReferenceText, voice.SpeakerEmbedding) : null,
            Speaker = request.Speaker,
            Instructions = request.Instructions,
            Eos = request.EosMode is { } eos ? Enum.Parse<EosMode>(eos.ToString()) : null,
            TeacherCodes = request.TeacherCodes,
            RecordCodes = request.RecordCodes,
        };
    }

    public ValueTask DisposeAsync() => client.DisposeAsync();
}
