using Qwen3Tts.Inference.Onnx;

namespace Qwen3Tts.Inference.Vocoder;

/// <summary>
/// Writes a synthetic stand-in for <c>vocoder/vocoder.onnx</c>: same I/O contract (int64 [1, W, 16] →
/// float [1, 1, W·1920]) and the same causal structure as the real codec decoder, with seeded random weights.
/// </summary>
public static class SyntheticVocoderWriter
{
    public static void Write(string path, SyntheticVocoderSize size, int seed, int windowFrames = 64) =>
        Write(path, SyntheticVocoderConfig.For(size), seed, windowFrames);

    public static void Write(string path, SyntheticVocoderConfig config, int seed, int windowFrames = 64)
    {
        var graph = SyntheticVocoderGraph.Build(config, seed, windowFrames);
        OnnxModelWriter.Write(path, graph);
    }
}
