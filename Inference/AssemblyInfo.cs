using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("qwen3-tts")]

namespace Qwen3Tts.Inference
{
    /// <summary>Anchor type for reflection over this assembly (embedded resources).</summary>
    public static class InferenceAssembly;
}
