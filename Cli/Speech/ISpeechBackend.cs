using Qwen3Tts.Inference.Pipeline;

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
}
