namespace Qwen3Tts.Inference.Talker;

/// <summary>What runs the talker's layer stack (<c>talker.engine</c> in cluster.json, <c>--talker-engine</c>).</summary>
public enum TalkerBackend
{
    /// <summary>
    /// The project's Qwen3 engine and kernels on the predictor's row workers (Stacks/ManagedTalkerStack): every core in a
    /// step, one pass for all concurrent requests with each one's result independent of the others, KV memory that grows
    /// with use. The default.
    /// </summary>
    Managed,

    /// <summary>llama.cpp through LLamaSharp (Stacks/LlamaTalkerStack), e.g. with a board-built libllama (<see cref="TalkerOptions.NativeLibraryPath"/>).</summary>
    Llama,
}

public static class TalkerBackends
{
    /// <summary>The names cluster.json and <c>--talker-engine</c> take.</summary>
    public static string Name(this TalkerBackend backend) => backend == TalkerBackend.Llama ? "llama" : "managed";

    public static bool TryParse(string? text, out TalkerBackend backend)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "managed":
                backend = TalkerBackend.Managed;
                return true;
            case "llama" or "llama.cpp" or "llamacpp":
                backend = TalkerBackend.Llama;
                return true;
            default:
                backend = default;
                return false;
        }
    }
}
