using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Silo;

/// <summary>Startup failures a user can fix, with the same exit codes as the qwen3-tts CLI.</summary>
internal static class SiloStartupErrors
{
    public static int? ExitCode(Exception e) => e switch
    {
        ModelFilesMissingException or Inference.Pipeline.ModelSetIncompleteException or ModelFormatException => 3,
        ArgumentException or FileNotFoundException or InvalidOperationException or System.Text.Json.JsonException => 2,
        _ => null,
    };
}
