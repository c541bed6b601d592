namespace Qwen3Tts.Tests.Talker;

/// <summary>Talker input rows with values uniform in [-1, 1), reproducible from a seed.</summary>
internal static class RandomRows
{
    public static float[] Of(int count, int hidden, int seed)
    {
        var random = new Random(seed);
        var rows = new float[count * hidden];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = (float)(random.NextDouble() * 2 - 1);
        }
        return rows;
    }
}
