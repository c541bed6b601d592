namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// Derives the random stream of each sampling step from the request seed, the component and the
/// step index. Steps are then reproducible wherever they run: a frame predicted on any predictor
/// silo draws the same numbers, and a fixed seed reproduces a WAV bit for bit.
/// </summary>
public static class StepSeeds
{
    public const ulong Talker = 0x54414C4B4552UL;    // "TALKER"
    public const ulong Predictor = 0x50524544UL;     // "PRED"

    public static ulong For(ulong requestSeed, ulong component, int step)
    {
        var z = requestSeed ^ (component * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)step * 0xD1B54A32D192ED03UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
