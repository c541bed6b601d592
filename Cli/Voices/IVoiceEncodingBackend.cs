using Qwen3Tts.Inference.Voices.Cloning;

namespace Qwen3Tts.Cli.Voices;

/// <summary>Where `voices add` and the MCP clone_voice tool encode a clip: in this process, or in a cluster.</summary>
internal interface IVoiceEncodingBackend : IVoiceEncoding, IAsyncDisposable
{
    /// <summary>For messages, e.g. "here (speech tokenizer of /models)".</summary>
    string Description { get; }
}
