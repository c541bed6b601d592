using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Tests.Qwen3;

public class Q8DotKernelTests
{
    // Q8DotPath is internal, so theories take its name.
    public static TheoryData<string> SupportedPaths()
    {
        var data = new TheoryData<string>();
        foreach (var path in new[] { Q8DotPath.Avx2, Q8DotPath.AvxVnni, Q8DotPath.Arm64, Q8DotPath.Portable, Q8DotPath.Auto })
        {
            if (Q8DotKernels.IsSupported(path))
            {
                data.Add(path.ToString());
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void BlockSumsEqualScalarIncludingExtremes(string pathName)
    {
        var path = Enum.Parse<Q8DotPath>(pathName);
        var random = new Random(11);
        var w = new sbyte[32];
        var x = new sbyte[32];
        for (var trial = 0; trial < 2000; trial++)
        {
            for (var j = 0; j < 32; j++)
            {
                // Weights from a file may hold -128; activations come from our quantizer, so [-127, 127].
                w[j] = trial switch { 0 => -128, 1 => 127, _ => (sbyte)random.Next(-128, 128) };
                x[j] = trial switch { 0 => -127, 1 => 127, _ => (sbyte)random.Next(-127, 128) };
            }
            Assert.Equal(Q8DotKernels.BlockSum(w, x, Q8DotPath.Scalar), Q8DotKernels.BlockSum(w, x, path));
        }
        Assert.Equal(32 * 128 * 127, Q8DotKernels.BlockSum(Enumerable.Repeat((sbyte)-128, 32).ToArray(), Enumerable.Repeat((sbyte)-127, 32).ToArray(), path));
    }

    [Theory]
    [MemberData(nameof(SupportedPaths))]
    public void RowDotIsBitIdenticalToScalar(string pathName)
    {
        var path = Enum.Parse<Q8DotPath>(pathName);
        var random = new Random(12);
        const int blocks = 51; // 6 groups of 8 plus a 3-block tail
        var w = new sbyte[blocks * 32];
        var x = new sbyte[blocks * 32];
        random.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(w.AsSpan()));
        for (var j = 0; j < x.Length; j++)
        {
            x[j] = (sbyte)random.Next(-127, 128);
        }
        var ws = RandomQwen3.Values(random, blocks, 0.01f);
        var xs = RandomQwen3.Values(random, blocks, 0.05f);
        var expected = Q8DotKernels.Dot(w, ws, x, xs, Q8DotPath.Scalar);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(Q8DotKernels.Dot(w, ws, x, xs, path)));
    }

    [Fact]
    public void PortableFallbackIsAlwaysAvailableAndExercised()
    {
        Assert.True(Q8DotKernels.IsSupported(Q8DotPath.Portable));
        Assert.Contains(((IEnumerable<object[]>)SupportedPaths()).Select(row => (string)row[0]), name => name == nameof(Q8DotPath.Portable));
    }
}
