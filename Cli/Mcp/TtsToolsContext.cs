using Qwen3Tts.Cli.Speech;
using Qwen3Tts.Inference.Voices;

namespace Qwen3Tts.Cli.Mcp;

/// <summary>What the tools share for the server's lifetime: one speech backend, the voice library, the output directory.</summary>
internal sealed record TtsToolsContext(ISpeechBackend Backend, VoiceLibrary Voices, OutputPaths Output);
