using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Cli.Speech;

/// <summary>
/// Where the CLI's speech comes from: models loaded in this process (embedded mode) or a running
/// cluster through the client library. `speak` and the MCP server are written against this alone.
/// </summary>
internal interface ISpeechBackend : IAsyncDisposable
{
    /// <summary>"embedded (models in DIR)" or "cluster (...)", for messages.</summary>
    string Description { get; }

    IAsyncEnumerable<AudioChunk> StreamAsync(SynthesisRequest request, CancellationToken cancellationToken);

    /// <summary>Where this backend encodes reference clips into voices: the same models, or the same cluster.</summary>
    IVoiceEncoding VoiceEncoding { get; }
}
