namespace Qwen3Tts.Grains;

internal static class GrainsAssembly;
