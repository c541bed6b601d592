using Qwen3Tts.Inference.Formats.Gguf;

namespace Qwen3Tts.Tests.Formats;

/// <summary>Writer then reader, with error bounds taken from each ggml type's definition.</summary>
public sealed class GgufRoundTripTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private static float[] Signal(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            // Mix of scales so blocks differ in amax, plus exact zeros.
            values[i] = i % 97 == 0 ? 0f : (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-3, 2)));
        }

        return values;
    }

    private float[] RoundTrip(GgmlType type, float[] values, long[] dims)
    {
        var path = dir.File($"{type}.gguf");
        var writer = new GgufWriter("test");
        writer.AddTensor("w", dims, type, values);
        writer.WriteTo(path);
        using var file = GgufFile.Open(path);
        var t = file.GetTensor("w");
        Assert.Equal(type, t.Type);
        Assert.Equal(dims, t.Dimensions);
        Assert.Equal(GgmlQuantization.RowByteSize(type, dims[0]) * (values.Length / dims[0]), t.ByteSize);
        return file.ReadFloat32("w");
    }

    [Fact]
    public void F32RoundTripIsExact()
    {
        var values = Signal(96 * 3, 1);
        Assert.Equal(values, RoundTrip(GgmlType.F32, values, [96, 3]));
    }

    [Fact]
    public void F16RoundTripIsWithinHalfAnUlp()
    {
        var values = Signal(64 * 5, 2);
        var read = RoundTrip(GgmlType.F16, values, [64, 5]);
        for (var i = 0; i < values.Length; i++)
        {
            // 10 mantissa bits: relative error <= 2^-11 for normal halves; absolute 2^-25 near zero.
            Assert.True(Math.Abs(read[i] - values[i]) <= Math.Abs(values[i]) * MathF.Pow(2, -11) + MathF.Pow(2, -25), $"element {i}");
            Assert.Equal((float)(Half)values[i], read[i]);
        }
    }

    [Fact]
    public void BF16RoundTripRoundsToNearestEven()
    {
        var values = Signal(32 * 4, 3);
        var read = RoundTrip(GgmlType.BF16, values, [32, 4]);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.True(Math.Abs(read[i] - values[i]) <= Math.Abs(values[i]) * MathF.Pow(2, -8), $"element {i}");
        }

        // 1 + 2^-8 is exactly halfway between bf16 1.0 and 1 + 2^-7: ties go to the even mantissa (1.0).
        // 1 + 3*2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: ties go to the even one (1 + 2^-6).
        Assert.Equal([1f, 1f + MathF.Pow(2, -6)], RoundTrip(GgmlType.BF16, [1f + MathF.Pow(2, -8), 1f + 3 * MathF.Pow(2, -8)], [2]));
    }

    [Fact]
    public void Q8_0RoundTripErrorIsAtMostHalfAStep()
    {
        var values = Signal(128 * 6, 4);
        var read = RoundTrip(GgmlType.Q8_0, values, [128, 6]);
        for (var block = 0; block < values.Length / 32; block++)
        {
            var x = values.AsSpan(block * 32, 32);
            var amax = 0f;
            foreach (var v in x)
            {
                amax = Math.Max(amax, Math.Abs(v));
            }

            // Step d = amax/127, rounding error d/2, plus the scale's own f16 rounding times |q| <= 127.
            var bound = amax / 127f / 2f + amax * MathF.Pow(2, -11) * 1.01f + 1e-12f;
            for (var j = 0; j < 32; j++)
            {
                Assert.True(Math.Abs(read[block * 32 + j] - x[j]) <= bound, $"block {block} element {j}");
            }
        }
    }

    [Fact]
    public void Q4_0RoundTripErrorIsAtMostOneStep()
    {
        var values = Signal(64 * 8, 5);
        var read = RoundTrip(GgmlType.Q4_0, values, [64, 8]);
        for (var block = 0; block < values.Length / 32; block++)
        {
            var x = values.AsSpan(block * 32, 32);
            var max = 0f;
            foreach (var v in x)
            {
                if (Math.Abs(v) > Math.Abs(max))
                {
                    max = v;
                }
            }

            // d = max/-8: half a step of rounding, except the far end (+8d) clamps to 7d, a full step.
            var step = Math.Abs(max) / 8f;
            var bound = step + Math.Abs(max) * MathF.Pow(2, -11) * 1.01f + 1e-12f;
            for (var j = 0; j < 32; j++)
            {
                Assert.True(Math.Abs(read[block * 32 + j] - x[j]) <= bound, $"block {block} element {j}");
            }

            // The largest-magnitude weight is represented exactly (up to the f16 scale).
            var index = x.IndexOf(max);
            Assert.Equal(max, read[block * 32 + index], Math.Abs(max) * 1e-3f);
        }
    }

    [Fact]
    public void Q8_0QuantizeMatchesHandComputedBlock()
    {
        var x = Enumerable.Range(0, 32).Select(i => (float)(i - 16)).ToArray(); // amax 16
        var block = new byte[34];
        GgmlQuantization.Quantize(GgmlType.Q8_0, x, block);
        var d = 16f / 127f;
        Assert.Equal(BitConverter.HalfToUInt16Bits((Half)d), BitConverter.ToUInt16(block, 0));
        var id = 1f / d;
        for (var j = 0; j < 32; j++)
        {
            Assert.Equal((sbyte)MathF.Round(x[j] * id, MidpointRounding.AwayFromZero), (sbyte)block[2 + j]);
        }

        Assert.Equal(-127, (sbyte)block[2]); // x = -16
        Assert.Equal(0, (sbyte)block[2 + 16]); // x = 0
        Assert.Equal(8, (sbyte)block[2 + 17]); // x = 1 -> 7.9375 -> 8
    }

    [Fact]
    public void Q4_0QuantizeMatchesHandComputedBlock()
    {
        var x = new float[32];
        x[0] = -4f;  // largest magnitude, negative: d = -4/-8 = 0.5, id = 2
        x[1] = 1f;   // 1*2 + 8.5 = 10.5 -> 10
        x[16] = 3.9f; // 7.8 + 8.5 = 16.3 -> 16 -> clamp 15
        x[17] = -1.2f; // -2.4 + 8.5 = 6.1 -> 6
        var block = new byte[18];
        GgmlQuantization.Quantize(GgmlType.Q4_0, x, block);
        Assert.Equal(BitConverter.HalfToUInt16Bits((Half)0.5f), BitConverter.ToUInt16(block, 0));
        Assert.Equal(0x00 | (15 << 4), block[2]); // element 0 -> 0, element 16 -> 15
        Assert.Equal(10 | (6 << 4), block[3]);
        Assert.Equal(8 | (8 << 4), block[4]); // zeros -> nibble 8
        var back = new float[32];
        GgmlQuantization.Dequantize(GgmlType.Q4_0, block, back);
        Assert.Equal(-4f, back[0]);
        Assert.Equal(1f, back[1]);
        Assert.Equal(3.5f, back[16]);
        Assert.Equal(-1f, back[17]);
    }

    [Fact]
    public void AllZeroBlocksQuantizeToZero()
    {
        foreach (var type in new[] { GgmlType.Q8_0, GgmlType.Q4_0 })
        {
            Assert.Equal(new float[64], RoundTrip(type, new float[64], [64]));
        }
    }

    [Fact]
    public void MetadataOfEveryValueTypeRoundTrips()
    {
        var path = dir.File("meta.gguf");
        var writer = new GgufWriter("qwen3");
        writer.AddUInt8("u8", 250);
        writer.AddInt8("i8", -100);
        writer.AddUInt16("u16", 65000);
        writer.AddInt16("i16", -30000);
        writer.AddUInt32("u32", 3_000_000_000);
        writer.AddInt32("i32", -123456);
        writer.AddFloat32("f32", 1e-6f);
        writer.AddBool("yes", true);
        writer.AddBool("no", false);
        writer.AddString("s", "日本語 text");
        writer.AddUInt64("u64", ulong.MaxValue);
        writer.AddInt64("i64", long.MinValue);
        writer.AddFloat64("f64", Math.PI);
        writer.AddStringArray("tokens", ["<|endoftext|>", "Ġthe", ""]);
        writer.AddInt32Array("ids", [151643, -1, 0]);
        writer.AddFloat32Array("scales", [0.5f, -1.25f]);
        writer.AddArray("u64s", new ulong[] { 1, 2 });
        writer.AddArray("nested", new object[] { new[] { 1, 2 }, new[] { "a" } });
        writer.WriteTo(path);

        using var file = GgufFile.Open(path);
        var m = file.Metadata;
        Assert.Equal(3u, file.Version);
        Assert.Equal("qwen3", m.GetString("general.architecture"));
        Assert.Equal((byte)250, m.GetValue("u8"));
        Assert.Equal((sbyte)-100, m.GetValue("i8"));
        Assert.Equal((ushort)65000, m.GetValue("u16"));
        Assert.Equal((short)-30000, m.GetValue("i16"));
        Assert.Equal(3_000_000_000u, m.GetUInt32("u32"));
        Assert.Equal(-123456, m.GetInt32("i32"));
        Assert.Equal(1e-6f, m.GetFloat32("f32"));
        Assert.True(m.GetBool("yes"));
        Assert.False(m.GetBool("no"));
        Assert.Equal("日本語 text", m.GetString("s"));
        Assert.Equal(ulong.MaxValue, m.GetUInt64("u64"));
        Assert.Equal(long.MinValue, m.GetValue("i64"));
        Assert.Equal(Math.PI, m.GetValue("f64"));
        Assert.Equal(["<|endoftext|>", "Ġthe", ""], m.GetStringArray("tokens"));
        Assert.Equal([151643, -1, 0], m.GetInt32Array("ids"));
        Assert.Equal([0.5f, -1.25f], m.GetFloat32Array("scales"));
        Assert.Equal([1UL, 2UL], Assert.IsType<ulong[]>(m.GetValue("u64s")));
        Assert.Equal([1, 2], m.GetInt32Array("u64s"));
        var nested = Assert.IsType<object[]>(m.GetValue("nested"));
        Assert.Equal([1, 2], Assert.IsType<int[]>(nested[0]));
        Assert.Equal(["a"], Assert.IsType<string[]>(nested[1]));
    }

    [Fact]
    public void IntegerGettersAcceptAnyFittingIntegerType()
    {
        var path = dir.File("ints.gguf");
        var writer = new GgufWriter("test");
        writer.AddInt32("layers", 28);
        writer.AddUInt32("heads", 16);
        writer.AddUInt64("ctx", 32768);
        writer.AddInt32("negative", -1);
        writer.WriteTo(path);
        using var file = GgufFile.Open(path);
        var m = file.Metadata;
        Assert.Equal(28u, m.GetUInt32("layers"));
        Assert.Equal(16, m.GetInt32("heads"));
        Assert.Equal(32768, m.GetInt32("ctx"));
        Assert.True(m.TryGetUInt32("ctx", out var ctx) && ctx == 32768);
        Assert.False(m.TryGetUInt32("negative", out _));
        Assert.False(m.TryGetUInt32("absent", out _));
        var e = Assert.Throws<Qwen3Tts.Inference.ModelFormatException>(() => m.GetUInt32("negative"));
        Assert.Contains("'negative'", e.Message);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(64u)]
    public void TensorDataIsAligned(uint alignment)
    {
        var path = dir.File("aligned.gguf");
        var writer = new GgufWriter("test");
        if (alignment != 0)
        {
            writer.AddUInt32("general.alignment", alignment);
        }

        writer.AddString("pad", "xyz"); // makes the header length odd
        writer.AddTensor("a", [3], GgmlType.F32, new float[] { 1, 2, 3 });
        writer.AddTensor("b", [5], GgmlType.F16, new float[] { 1, 2, 3, 4, 5 });
        writer.AddTensor("c", [32], GgmlType.Q8_0, new float[32]);
        writer.WriteTo(path);
        var expected = alignment == 0 ? 32u : alignment;
        using var file = GgufFile.Open(path);
        Assert.Equal(expected, file.Alignment);
        Assert.Equal(0, file.DataOffset % expected);
        foreach (var t in file.Tensors)
        {
            Assert.Equal(0UL, t.Offset % expected);
        }

        Assert.Equal([1f, 2f, 3f, 4f, 5f], file.ReadFloat32("b"));
        Assert.Equal(0, new FileInfo(path).Length % expected); // last tensor padded too, as ggml does
        Assert.Equal(["a", "b", "c"], file.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void StreamingWriterAsksForBoundedRowChunksInOrder()
    {
        const int rowLength = 1024;
        const int rows = 1000;
        var calls = new List<(long First, int Count)>();
        var writer = new GgufWriter("test");
        writer.AddTensor("big", [rowLength, rows], GgmlType.Q8_0, (first, count, span) =>
        {
            calls.Add((first, count));
            Assert.Equal(count * rowLength, span.Length);
            for (var r = 0; r < count; r++)
            {
                span.Slice(r * rowLength, rowLength).Fill(first + r);
            }
        });
        var path = dir.File("big.gguf");
        writer.WriteTo(path);

        Assert.True(calls.Count > 1);
        Assert.All(calls, c => Assert.True((long)c.Count * rowLength <= 1 << 18));
        Assert.Equal(rows, calls.Sum(c => c.Count));
        Assert.Equal(0, calls[0].First);
        for (var i = 1; i < calls.Count; i++)
        {
            Assert.Equal(calls[i - 1].First + calls[i - 1].Count, calls[i].First);
        }

        using var file = GgufFile.Open(path);
        var t = file.GetTensor("big");
        var row = new float[rowLength];
        file.ReadRowFloat32(t, 777, row);
        Assert.All(row, v => Assert.Equal(777f, v, 777f / 127f));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void RowReadsMatchWholeTensorRead()
    {
        var values = Signal(64 * 7, 6);
        var path = dir.File("rows.gguf");
        var writer = new GgufWriter("test");
        writer.AddTensor("w", [64, 7], GgmlType.Q4_0, values);
        writer.WriteTo(path);
        using var file = GgufFile.Open(path);
        var all = file.ReadFloat32("w");
        var t = file.GetTensor("w");
        var row = new float[64];
        for (var r = 0; r < 7; r++)
        {
            file.ReadRowFloat32(t, r, row);
            Assert.Equal(all.AsSpan(r * 64, 64).ToArray(), row);
        }
    }

    [Fact]
    public void RowLengthNotAMultipleOfBlockSizeIsRejected()
    {
        var writer = new GgufWriter("test");
        var e = Assert.Throws<ArgumentException>(() => writer.AddTensor("w", [48, 2], GgmlType.Q8_0, new float[96]));
        Assert.Contains("'w'", e.Message);
        Assert.Contains("block size 32", e.Message);
        Assert.Throws<ArgumentException>(() => writer.AddTensor("k", [256], GgmlType.Q4_K, new float[256]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor(new string('n', 64), [1], GgmlType.F32, new float[1]));
        Assert.Throws<ArgumentException>(() => writer.AddTensor("short", [2], GgmlType.F32, new float[3]));
    }

    [Fact]
    public void CancelledWriteStopsBetweenChunksAndLeavesNoFile()
    {
        var path = dir.File("cancel.gguf");
        using var cts = new CancellationTokenSource();
        var calls = 0;
        var writer = new GgufWriter("test");
        writer.AddTensor("w", [1024, 1024], GgmlType.Q8_0, (_, _, _) =>
        {
            calls++;
            cts.Cancel();
        });
        Assert.Throws<OperationCanceledException>(() => writer.WriteTo(path, cts.Token));
        Assert.Equal(1, calls);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void FailingFillLeavesNoFileBehind()
    {
        var path = dir.File("fail.gguf");
        var writer = new GgufWriter("test");
        writer.AddTensor("w", [32], GgmlType.F32, (_, _, _) => throw new InvalidOperationException("source broke"));
        Assert.Throws<InvalidOperationException>(() => writer.WriteTo(path));
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }
}
