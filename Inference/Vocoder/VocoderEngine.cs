namespace Qwen3Tts.Inference.Vocoder;

/// <summary>Which implementation turns codec frames into audio.</summary>
public enum VocoderEngine
{
    /// <summary>
    /// The exact streaming decoder of <c>speech_tokenizer/model.safetensors</c> (Inference/Codec/Decoder): audio
    /// after the first frame, equal to a one-shot decode. The default.
    /// </summary>
    Native,

    /// <summary>
    /// The seed's fixed-window <c>vocoder/vocoder.onnx</c> on ONNX Runtime, for boards that only have that file:
    /// each window re-decodes left context and pads the rest, so it is not exact and first audio waits a chunk.
    /// </summary>
    Onnx,
}

public static class VocoderEngines
{
    /// <summary>The names cluster.json and <c>--vocoder</c> take.</summary>
    public static string Name(this VocoderEngine engine) => engine == VocoderEngine.Onnx ? "onnx" : "native";

    public static bool TryParse(string? text, out VocoderEngine engine)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "native" or "decoder" or "safetensors":
                engine = VocoderEngine.Native;
                return true;
            case "onnx":
                engine = VocoderEngine.Onnx;
                return true;
            default:
                engine = default;
                return false;
        }
    }
}
