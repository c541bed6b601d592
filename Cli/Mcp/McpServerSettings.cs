using Qwen3Tts.Inference.Voices;

namespace Qwen3Tts.Cli.Mcp;

/// <summary>What `qwen3-tts mcp` was started with.</summary>
/// <param name="ModelsDirectory">Models for embedded mode; null = the default directory.</param>
/// <param name="ClusterConfig">A cluster.json to speak through; null = embedded mode.</param>
/// <param name="VoicesDirectory">The voice library (NAME.json / NAME.npy).</param>
/// <param name="OutputDirectory">The only directory text_to_speech may write into.</param>
/// <param name="InputDirectory">The only directory clone_voice may read clips from; null = <paramref name="OutputDirectory"/>.</param>
internal sealed record McpServerSettings(string? ModelsDirectory, string? ClusterConfig, string VoicesDirectory, string OutputDirectory, string? InputDirectory = null)
{
    /// <summary>$XDG_DATA_HOME/qwen3-tts/voices, or ~/.local/share/qwen3-tts/voices.</summary>
    public static string DefaultVoicesDirectory => VoiceLibrary.DefaultDirectory;
}
