namespace Qwen3Tts.Tests.Checkpoints;

/// <summary>
/// When two correct implementations may choose differently: the reference's top-2 logit gap is below this.
/// The f32 engine and the double reference differ by ~1e-5 in a logit on the tiny sets (llama.cpp's f32
/// matmuls and f32 KV cache, the managed f32 predictor), so 1e-3 leaves two orders of magnitude.
/// </summary>
internal static class NearTie
{
    public const double Margin = 1e-3;
}
