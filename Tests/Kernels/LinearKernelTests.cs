using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Qwen3Tts.Inference.Formats.Gguf;
using Qwen3Tts.Inference.Kernels.Linear;
using Qwen3Tts.Inference.Qwen3;
using Qwen3Tts.Tests.Qwen3;

namespace Qwen3Tts.Tests.Kernels;

public class LinearKernelTests
{
    public static TheoryData<WeightFormat, LinearKernelPath> FormatsAndPaths()
    {
        var data = new TheoryData<WeightFormat, LinearKernelPath>();
        foreach (var format in Enum.GetValues<WeightFormat>())
        {
            foreach (var path in LinearKernels.Supported())
            {
                data.Add(format, path);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FormatsAndPaths))]
    public void EveryPathEqualsTheScalarReferenceBitForBit(WeightFormat format, LinearKernelPath path)
    {
        // 37 rows: two full groups of 16 and a padded one; float formats get a width that is not a multiple of 4.
        const int rows = 37;
        var columns = WeightFormats.IsBlock(format) ? 96 : 99;
        var m = QuantizedMatrix.FromGgml(format, RandomGgmlBytes(new Random(5 + (int)format), format, rows, columns), rows, columns);
        var x = Inputs(new Random(6), columns);
        AssertPathEqualsScalar(m, x, x.Length / columns, path, $"{format}");
    }

    /// <summary>The product on <paramref name="path"/> against the scalar reference's, bit for bit; returns the reference's.</summary>
    private static float[] AssertPathEqualsScalar(QuantizedMatrix m, float[] x, int n, LinearKernelPath path, string what)
    {
        m.KernelPath = LinearKernelPath.Scalar;
        var expected = new float[n * m.Rows];
        m.MatMul(x, n, expected, RowParallelism.Sequential);
        m.KernelPath = path;
        var actual = new float[n * m.Rows];
        m.MatMul(x, n, actual, RowParallelism.Sequential);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{path} {what}, {n} inputs: output {i} (input {i / m.Rows}, row {i % m.Rows}) is {actual[i]:R}, scalar gives {expected[i]:R}");
        }
        return expected;
    }

    public static TheoryData<LinearKernelPath> Paths()
    {
        var data = new TheoryData<LinearKernelPath>();
        foreach (var path in LinearKernels.Supported())
        {
            data.Add(path);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void TheLargestQ8BlockSumsAFileCanHoldStayExactOnEveryPath(LinearKernelPath path)
    {
        // Every weight -128 (then +127) and every activation at +-127 (one sign per input, alternating columns in a third):
        // the block sums are at their extremes (32 x 128 x 127 = 520,192 per block), where a kernel that scales or pairs
        // products in 16 bits would overflow first; AVX-VNNI's offset weights (w + 128) are 0 at -128 and 255 at +127.
        // 1..5 inputs reach the four- and two-input kernels too.
        const int rows = 33;
        const int columns = 256;
        var blockBytes = GgmlQuantization.BlockBytes(WeightFormats.ToGgml(WeightFormat.Q8_0));
        foreach (var (fill, weight) in new[] { ((byte)0x80, -128f), ((byte)0x7F, 127f) })
        {
            var bytes = new byte[rows * columns / 32 * blockBytes];
            for (var b = 0; b < bytes.Length / blockBytes; b++)
            {
                BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(b * blockBytes), (Half)0.01f);
                bytes.AsSpan(b * blockBytes + 2, 32).Fill(fill);
            }
            var m = QuantizedMatrix.FromGgml(WeightFormat.Q8_0, bytes, rows, columns);
            for (var n = 1; n <= 5; n++)
            {
                var x = new float[n * columns];
                for (var i = 0; i < n; i++)
                {
                    for (var k = 0; k < columns; k++)
                    {
                        x[i * columns + k] = i % 3 == 2 ? ((k & 1) == 0 ? 2f : -2f) : (i % 3 == 0 ? 2f : -2f);
                    }
                }
                var expected = AssertPathEqualsScalar(m, x, n, path, $"q8_0 at {weight}");
                // The test's own premise: the first row really is at the extreme (d_w x w x 2 x 256, up to rounding).
                Assert.InRange(expected[0] / ((float)(Half)0.01f * weight * 2f * columns), 0.999f, 1.001f);
            }
        }
    }

    [Fact]
    public void AutoTakesTheFastestPathPerFormatUnlessTheProcessDefaultIsForced()
    {
        // Q8_0 goes to AVX-VNNI on a CPU that has it beside AVX-512 (the measured faster kernel there); other formats, and
        // every format on other CPUs, to Best.
        var bothX86 = LinearKernels.Best == LinearKernelPath.Avx512 && LinearKernels.IsSupported(LinearKernelPath.AvxVnni);
        Assert.Equal(bothX86 ? LinearKernelPath.AvxVnni : LinearKernels.Best, LinearKernels.BestFor(WeightFormat.Q8_0));
        foreach (var format in new[] { WeightFormat.Q4_0, WeightFormat.BFloat16, WeightFormat.Float16, WeightFormat.Float32 })
        {
            Assert.Equal(LinearKernels.Best, LinearKernels.BestFor(format));
        }
        if (Environment.GetEnvironmentVariable(LinearKernels.OverrideVariable) is { Length: > 0 })
        {
            return; // the process default is forced: Auto means that path for every format (asserted in the bench tests).
        }
        Assert.Equal(LinearKernels.BestFor(WeightFormat.Q8_0), LinearKernels.Resolve(LinearKernelPath.Auto, WeightFormat.Q8_0));
        Assert.Equal(LinearKernels.Best, LinearKernels.Resolve(LinearKernelPath.Auto, WeightFormat.Q4_0));
        Assert.Equal(LinearKernelPath.Scalar, LinearKernels.Resolve(LinearKernelPath.Scalar, WeightFormat.Q8_0));
        Assert.StartsWith(LinearKernels.Best.ToString().ToLowerInvariant(), LinearKernels.DescribeDefault());
        Assert.Equal(bothX86, LinearKernels.DescribeDefault().Contains("(q8_0: avxvnni)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(WeightFormat.Q8_0)]
    [InlineData(WeightFormat.Q4_0)]
    public void BatchesTakenSeveralInputsPerKernelCallEqualTheScalarReferenceBitForBit(WeightFormat format)
    {
        // 1..9 inputs cover the four-input and two-input block kernels and every remainder; 37 rows end in a padded group.
        const int rows = 37;
        const int columns = 160;
        var m = QuantizedMatrix.FromGgml(format, RandomGgmlBytes(new Random(11 + (int)format), format, rows, columns), rows, columns);
        for (var n = 1; n <= 9; n++)
        {
            var x = RandomQwen3.Values(new Random(12 + n), n * columns, 2f);
            x[columns - 1] = 0;
            foreach (var path in LinearKernels.Supported())
            {
                AssertPathEqualsScalar(m, x, n, path, $"{format}");
            }
        }
    }

    [Theory]
    [InlineData(WeightFormat.Float32)]
    [InlineData(WeightFormat.Float16)]
    [InlineData(WeightFormat.BFloat16)]
    [InlineData(WeightFormat.Q8_0)]
    [InlineData(WeightFormat.Q4_0)]
    public void ProductsMatchADoubleOracleOnTheDequantizedWeights(WeightFormat format)
    {
        const int rows = 37;
        const int columns = 128;
        var bytes = RandomGgmlBytes(new Random(7), format, rows, columns);
        var m = QuantizedMatrix.FromGgml(format, bytes, rows, columns);
        var weights = new float[rows * columns];
        GgmlQuantization.Dequantize(WeightFormats.ToGgml(format), bytes, weights);
        var x = Inputs(new Random(8), columns);
        var n = x.Length / columns;
        var y = new float[n * rows];
        m.MatMul(x, n, y, RowParallelism.Sequential);
        for (var i = 0; i < n; i++)
        {
            // Block formats meet activations rounded to Q8_0 blocks (ggml's scheme); the oracle rounds them the same plain way.
            var input = x.AsSpan(i * columns, columns).ToArray().Select(v => (double)v).ToArray();
            if (WeightFormats.IsBlock(format))
            {
                input = OracleQ8Activations(input);
            }
            for (var r = 0; r < rows; r++)
            {
                double expected = 0, magnitude = 0;
                for (var k = 0; k < columns; k++)
                {
                    expected += weights[r * columns + k] * input[k];
                    magnitude += Math.Abs(weights[r * columns + k] * input[k]);
                }
                Assert.True(Math.Abs(expected - y[i * rows + r]) <= 1e-5 * magnitude + 1e-30,
                    $"{format} input {i} row {r}: {y[i * rows + r]} vs oracle {expected}");
            }
        }
    }

    [Theory]
    [InlineData(WeightFormat.Float32)]
    [InlineData(WeightFormat.Float16)]
    [InlineData(WeightFormat.BFloat16)]
    [InlineData(WeightFormat.Q8_0)]
    [InlineData(WeightFormat.Q4_0)]
    public void PackingKeepsEveryWeightAsGgmlDequantizesIt(WeightFormat format)
    {
        const int rows = 21;
        const int columns = 64;
        var bytes = RandomGgmlBytes(new Random(9), format, rows, columns);
        var expected = new float[rows * columns];
        GgmlQuantization.Dequantize(WeightFormats.ToGgml(format), bytes, expected);
        var m = QuantizedMatrix.FromGgml(format, bytes, rows, columns);
        Assert.Equal(format, m.Format);
        Assert.Equal(expected, m.ToFloat32());
        // The packed bytes are the ggml bytes rearranged (64 columns: no scale padding), plus zero rows up to 32.
        Assert.Equal(GgmlQuantization.RowByteSize(WeightFormats.ToGgml(format), 32L * columns), m.ByteCount);
    }

    [Fact]
    public void CreateQuantizesExactlyAsGgml()
    {
        var values = RandomQwen3.Values(new Random(10), 3 * 64, 1f);
        foreach (var format in Enum.GetValues<WeightFormat>())
        {
            var type = WeightFormats.ToGgml(format);
            var bytes = new byte[GgmlQuantization.RowByteSize(type, values.Length)];
            GgmlQuantization.Quantize(type, values, bytes);
            Assert.Equal(QuantizedMatrix.FromGgml(format, bytes, 3, 64).ToFloat32(), QuantizedMatrix.Create(format, values, 3, 64).ToFloat32());
        }
    }

    [Fact]
    public void HalfConversionEqualsSystemHalfForEveryFinitePattern()
    {
        var bits = Enumerable.Range(0, 65536).Select(i => (uint)i).Where(i => HalfBits.IsFiniteHalf((ushort)i)).ToArray();
        for (var i = 0; i + 16 <= bits.Length; i += 16)
        {
            var v128 = HalfBits.HalfToSingle(Vector128.Create(bits.AsSpan(i, 4)));
            var v256 = HalfBits.HalfToSingle(Vector256.Create(bits.AsSpan(i, 8)));
            var v512 = HalfBits.HalfToSingle(Vector512.Create(bits.AsSpan(i, 16)));
            for (var j = 0; j < 16; j++)
            {
                var expected = BitConverter.SingleToInt32Bits((float)BitConverter.UInt16BitsToHalf((ushort)bits[i + j]));
                Assert.Equal(expected, BitConverter.SingleToInt32Bits(v512[j]));
                if (j < 8)
                {
                    Assert.Equal(expected, BitConverter.SingleToInt32Bits(v256[j]));
                }
                if (j < 4)
                {
                    Assert.Equal(expected, BitConverter.SingleToInt32Bits(v128[j]));
                }
            }
        }
    }

    [Fact]
    public void NonFiniteHalvesAreRejectedWithTheirPlace()
    {
        var bytes = RandomGgmlBytes(new Random(11), WeightFormat.Q8_0, 2, 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(34 * 3), 0x7c00);
        var e = Assert.Throws<ArgumentException>(() => QuantizedMatrix.FromGgml(WeightFormat.Q8_0, bytes, 2, 64));
        Assert.Contains("block 1 of row 1 has a non-finite scale", e.Message);
        var halves = new byte[2 * 4];
        BinaryPrimitives.WriteUInt16LittleEndian(halves.AsSpan(6), 0xfe00);
        e = Assert.Throws<ArgumentException>(() => QuantizedMatrix.FromGgml(WeightFormat.Float16, halves, 2, 2));
        Assert.Contains("row 1, column 1 is not finite", e.Message);
        e = Assert.Throws<ArgumentException>(() => QuantizedMatrix.FromGgml(WeightFormat.Q4_0, new byte[17], 1, 32));
        Assert.Contains("needs 18 bytes, got 17", e.Message);
    }

    [Fact]
    public void BestPathIsTheWidestThisCpuRunsAndEveryPathItListsRuns()
    {
        var expected = Avx512BW.IsSupported && Fma.IsSupported ? LinearKernelPath.Avx512
            : AvxVnni.IsSupported && Fma.IsSupported ? LinearKernelPath.AvxVnni
            : Avx2.IsSupported && Fma.IsSupported ? LinearKernelPath.Avx2
            : Dp.IsSupported ? LinearKernelPath.NeonDot
            : AdvSimd.Arm64.IsSupported ? LinearKernelPath.Neon
            : LinearKernelPath.Portable;
        Assert.Equal(expected, LinearKernels.Best);
        Assert.Contains(LinearKernelPath.Portable, LinearKernels.Supported());
        Assert.Contains(LinearKernelPath.Scalar, LinearKernels.Supported());
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64 && Avx2.IsSupported)
        {
            Assert.Contains(LinearKernelPath.Avx2, LinearKernels.Supported());
        }
        if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
        {
            Assert.Contains(LinearKernelPath.Neon, LinearKernels.Supported());
        }
        var m = QuantizedMatrix.Create(WeightFormat.Q8_0, new float[16 * 32], 16, 32);
        m.KernelPath = LinearKernelPath.NeonDot;
        if (!LinearKernels.IsSupported(LinearKernelPath.NeonDot))
        {
            Assert.Throws<PlatformNotSupportedException>(() => m.MatVec(new float[32], new float[16]));
        }
    }

    [Fact]
    public void PathNamesParseAsWrittenOnACommandLine()
    {
        Assert.Equal(LinearKernelPath.Avx512, LinearKernels.Parse("avx512"));
        Assert.Equal(LinearKernelPath.AvxVnni, LinearKernels.Parse("avx-vnni"));
        Assert.Equal(LinearKernelPath.NeonDot, LinearKernels.Parse("NeonDot"));
        var e = Assert.Throws<ArgumentException>(() => LinearKernels.Parse("sse9"));
        Assert.Contains("unknown kernel path 'sse9'", e.Message);
        Assert.Contains("avx2", e.Message);
    }

    /// <summary>Three inputs: smooth random values, one with a huge dynamic range, and one that quantizes to exactly ±127.</summary>
    private static float[] Inputs(Random random, int columns)
    {
        var x = RandomQwen3.Values(random, 3 * columns, 2f);
        for (var k = 0; k < columns; k++)
        {
            x[columns + k] *= MathF.Pow(10, random.Next(-6, 4));
            x[2 * columns + k] = (k & 1) == 0 ? 0.75f : -0.75f;
        }
        return x;
    }

    /// <summary>Random weights in a ggml encoding, including the extremes a file may hold (-128 in Q8_0, nibbles 0 and 15).</summary>
    internal static byte[] RandomGgmlBytes(Random random, WeightFormat format, int rows, int columns)
    {
        var type = WeightFormats.ToGgml(format);
        var bytes = new byte[GgmlQuantization.RowByteSize(type, (long)rows * columns)];
        if (!WeightFormats.IsBlock(format))
        {
            GgmlQuantization.Quantize(type, RandomQwen3.Values(random, rows * columns, 3f), bytes);
            return bytes;
        }
        random.NextBytes(bytes);
        var blockBytes = GgmlQuantization.BlockBytes(type);
        for (var b = 0; b < bytes.Length / blockBytes; b++)
        {
            var scale = (Half)((random.NextDouble() * 2 - 1) * 0.02);
            BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(b * blockBytes), scale);
        }
        bytes[2] = 0x80; // -128 (Q8_0) / nibbles 0 and 8 (Q4_0)
        bytes[3] = 0xff;
        return bytes;
    }

    /// <summary>ggml's activation rounding, written plainly: d = amax/127, q = round-half-away(x / d).</summary>
    private static double[] OracleQ8Activations(double[] x)
    {
        var result = new double[x.Length];
        for (var b = 0; b < x.Length / 32; b++)
        {
            var amax = 0f;
            for (var j = 0; j < 32; j++)
            {
                amax = MathF.Max(amax, MathF.Abs((float)x[b * 32 + j]));
            }
            var d = amax / 127f;
            var inverse = d != 0 ? 1f / d : 0f;
            for (var j = 0; j < 32; j++)
            {
                result[b * 32 + j] = MathF.Round((float)x[b * 32 + j] * inverse, MidpointRounding.AwayFromZero) * (double)d;
            }
        }
        return result;
    }
}
