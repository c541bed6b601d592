namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Seeded random weights keyed by the logical tensor name, so the same tensor written into two
/// files (e.g. the codec embedding in the talker's npy and the predictor's GGUF) is identical,
/// and any row range can be produced without generating the rows before it.
/// Uniform in [-scale, scale]; cheap enough to fill the 0.6B set (~1 G values) in seconds.
/// </summary>
public sealed class SyntheticWeights(int seed)
{
    public int Seed { get; } = seed;

    /// <summary>Fills rows [firstRow, firstRow + rowCount) of a [rows, rowLength] tensor.</summary>
    public void Fill(string tensor, long firstRow, int rowCount, int rowLength, float scale, Span<float> destination)
    {
        var key = Key(tensor);
        for (var r = 0; r < rowCount; r++)
        {
            var state = Mix(key ^ (ulong)(firstRow + r) * 0x9E3779B97F4A7C15UL);
            var row = destination.Slice(r * rowLength, rowLength);
            for (var i = 0; i < row.Length; i++)
            {
                // xorshift64*: fast, and good enough for weights that only have to look random.
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                var bits = (state * 0x2545F4914F6CDD1DUL) >> 40;
                row[i] = ((bits * (1.0f / (1 << 24))) * 2f - 1f) * scale;
            }
        }
    }

    /// <summary>A whole tensor as a new array (for the small ones).</summary>
    public float[] Create(string tensor, int rows, int rowLength, float scale)
    {
        var data = new float[checked(rows * rowLength)];
        Fill(tensor, 0, rows, rowLength, scale, data);
        return data;
    }

    /// <summary>Norm weights: around 1 so activations keep their scale.</summary>
    public float[] CreateNorm(string tensor, int length)
    {
        var data = Create(tensor, 1, length, 0.1f);
        for (var i = 0; i < data.Length; i++)
        {
            data[i] += 1f;
        }
        return data;
    }

    /// <summary>A row filler for the streaming writers.</summary>
    public Action<long, int, Span<float>> Rows(string tensor, int rowLength, float scale)
        => (first, count, destination) => Fill(tensor, first, count, rowLength, scale, destination);

    /// <summary>Uniform scale that gives a Linear layer unit-variance outputs for unit-variance inputs.</summary>
    public static float LinearScale(int fanIn) => MathF.Sqrt(3f / fanIn);

    // FNV-1a over the name, mixed with the seed: stable across runs, platforms and .NET versions
    // (string.GetHashCode is randomized per process).
    private ulong Key(string tensor)
    {
        var hash = 0xCBF29CE484222325UL ^ (ulong)(uint)Seed;
        foreach (var c in tensor)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }
        return Mix(hash);
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return z == 0 ? 1 : z;
    }
}
