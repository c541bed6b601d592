using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Cli.Voices;

/// <summary>Picks where clips are encoded, as <see cref="Speech.SpeechBackends"/> picks where speech is made.</summary>
internal static class VoiceEncodingBackends
{
    /// <summary>In this process, with the speech tokenizer (and speaker encoder) of the models directory, loaded on first use.</summary>
    public static IVoiceEncodingBackend Embedded(string? modelsDirectory)
    {
        var directory = Commands.ModelsListCommand.ModelsDirectory(modelsDirectory);
        return new EmbeddedVoiceEncoding(new LocalVoiceEncoding(new ModelStore(new ModelStoreOptions { ModelsDirectory = directory })), directory);
    }

    private sealed class EmbeddedVoiceEncoding(LocalVoiceEncoding encoding, string directory) : IVoiceEncodingBackend
    {
        public string Description => $"here (speech tokenizer of {directory})";

        public Task<EncodedVoice> EncodeAsync(ReferenceAudio clip, string referenceText, CancellationToken cancellationToken = default) =>
            encoding.EncodeAsync(clip, referenceText, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
