using Qwen3Tts.Inference.Prompt;

namespace Qwen3Tts.Tests.Prompt;

/// <summary>
/// Prompt embeddings whose every row is a distinct pseudo-random vector named by its table and id,
/// so a prompt row can be checked against the exact sum the spec prescribes.
/// </summary>
internal sealed class TaggedEmbeddings(int hiddenSize = 48) : IPromptEmbeddings
{
    public int HiddenSize { get; } = hiddenSize;

    public void AddProjectedText(int tokenId, Span<float> destination) => Add(Vector("text", tokenId), destination);

    public void AddCodec(int codecId, Span<float> destination) => Add(Vector("codec", codecId), destination);

    public void AddPredictorCodec(int codebook, int code, Span<float> destination) => Add(Vector($"cp{codebook}", code), destination);

    public float[] Vector(string table, int id)
    {
        var random = new Random(HashCode.Combine(table.GetHashCode(StringComparison.Ordinal), id));
        return Enumerable.Range(0, HiddenSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    public float[] T(int id) => Vector("text", id);

    public float[] C(int id) => Vector("codec", id);

    public float[] E(int codebook, int code) => codebook == 0 ? C(code) : Vector($"cp{codebook}", code);

    public static float[] Sum(params float[][] parts)
    {
        var sum = new float[parts[0].Length];
        foreach (var part in parts)
        {
            for (var i = 0; i < sum.Length; i++)
            {
                sum[i] += part[i];
            }
        }
        return sum;
    }

    private static void Add(float[] source, Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] += source[i];
        }
    }
}
