using LLama.Native;
using Microsoft.Extensions.Logging;

namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// One-time llama.cpp native setup: passive OpenMP waiting (<see cref="OpenMpWaitPolicy"/>), an optional
/// board-built libllama.so, and llama.cpp's own log routed to our logger (it otherwise writes to stderr,
/// which the MCP server must keep clean).
/// </summary>
internal static class LlamaNative
{
    private static readonly Lock Gate = new();
    private static bool _configured;

    public static void EnsureConfigured(string? libraryPath, ILogger logger)
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }
            if (!NativeLibraryConfig.LLama.LibraryHasLoaded)
            {
                var policy = OpenMpWaitPolicy.Apply();
                logger.LogDebug("llama.cpp: OpenMP wait policy {Policy}", policy);
                if (!string.IsNullOrEmpty(libraryPath))
                {
                    if (!File.Exists(libraryPath))
                    {
                        throw new FileNotFoundException($"configured llama.cpp library not found: {libraryPath}", libraryPath);
                    }
                    NativeLibraryConfig.LLama.WithLibrary(libraryPath);
                }
                NativeLibraryConfig.All.WithLogCallback((level, message) =>
                {
                    if (level is LLamaLogLevel.Error)
                    {
                        logger.LogError("llama.cpp: {Message}", message.TrimEnd());
                    }
                    else if (level is LLamaLogLevel.Warning)
                    {
                        logger.LogDebug("llama.cpp: {Message}", message.TrimEnd());
                    }
                });
            }
            _configured = true;
        }
    }
}
