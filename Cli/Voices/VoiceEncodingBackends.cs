using Microsoft.Extensions.Logging;
using Qwen3Tts.Client;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Cli.Voices;

/// <summary>Picks where `voices add` encodes a clip, as <see cref="Speech.SpeechBackends"/> picks where speech is made.</summary>
internal static class VoiceEncodingBackends
{
    public static async Task<IVoiceEncodingBackend> OpenAsync(string? clusterConfig, string? modelsDirectory, ILoggerFactory logging, CancellationToken cancellationToken)
    {
        if (clusterConfig is null)
        {
            var directory = Commands.ModelsListCommand.ModelsDirectory(modelsDirectory);
            return new Owned(Local(directory), $"here (speech tokenizer of {directory})", null);
        }
        var client = await Speech.SpeechBackends.ConnectAsync(clusterConfig, logging, cancellationToken).ConfigureAwait(false);
        return new Owned(new ClusterVoiceEncoding(client), $"by the cluster ({clusterConfig})", client);
    }

    /// <summary>In this process, with the speech tokenizer (and speaker encoder) of the models directory, loaded on first use.</summary>
    public static LocalVoiceEncoding Local(string modelsDirectory) =>
        new(new ModelStore(new ModelStoreOptions { ModelsDirectory = modelsDirectory }));

    private sealed class Owned(IVoiceEncoding encoding, string description, Qwen3TtsClient? client) : IVoiceEncodingBackend
    {
        public string Description => description;

        public Task<EncodedVoice> EncodeAsync(ReferenceAudio clip, string referenceText, CancellationToken cancellationToken = default) =>
            encoding.EncodeAsync(clip, referenceText, cancellationToken);

        public ValueTask DisposeAsync() => client?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
