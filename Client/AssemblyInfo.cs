namespace Qwen3Tts.Client;

internal static class ClientAssembly;
