using Qwen3Tts.Inference.Formats.Gguf;

namespace Qwen3Tts.Tests.Formats;

/// <summary>GGUF files assembled byte by byte here, so the reader is checked against the spec, not the writer.</summary>
public sealed class GgufFixtureTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>Header with one string KV (general.architecture = "test") and one tensor at data offset 0.</summary>
    internal static byte[] SingleTensorFile(uint type, long[] dims, byte[] data, uint version = 3, ulong offset = 0)
    {
        var b = new ByteBuilder()
            .Ascii("GGUF").U32(version).U64(1).U64(1)
            .GgufString("general.architecture").U32(8).GgufString("test")
            .GgufString("t").U32((uint)dims.Length);
        foreach (var d in dims)
        {
            b.U64((ulong)d);
        }

        b.U32(type).U64(offset).PadTo(32);
        for (ulong i = 0; i < offset; i++)
        {
            b.Bytes(0);
        }

        return b.Bytes(data).ToArray();
    }

    private float[] ReadSingle(uint type, long[] dims, byte[] data, uint version = 3)
    {
        using var file = GgufFile.Open(dir.Write("t.gguf", SingleTensorFile(type, dims, data, version)));
        Assert.Equal(version, file.Version);
        Assert.Equal("test", file.Metadata.GetString("general.architecture"));
        return file.ReadFloat32("t");
    }

    [Fact]
    public void F32TensorReadsExactValues()
    {
        var data = new ByteBuilder().F32(1.5f).F32(-2f).F32(float.MaxValue).ToArray();
        Assert.Equal([1.5f, -2f, float.MaxValue], ReadSingle(0, [3], data));
    }

    [Fact]
    public void F16TensorReadsHalfPrecisionBitPatterns()
    {
        // 1.0, -2.0, 0.5, 65504 (largest finite half), smallest subnormal 2^-24
        var data = new ByteBuilder().U16(0x3C00).U16(0xC000).U16(0x3800).U16(0x7BFF).U16(0x0001).ToArray();
        Assert.Equal([1f, -2f, 0.5f, 65504f, MathF.Pow(2, -24)], ReadSingle(1, [5], data));
    }

    [Fact]
    public void BF16TensorReadsUpperHalfOfF32()
    {
        // Nine values: eight go through the vector path, the last through the scalar tail.
        var data = new ByteBuilder().U16(0x3F80).U16(0xC040).U16(0x3FC0).U16(0x0000)
            .U16(0x4000).U16(0x8000).U16(0x7F80).U16(0x3E80).U16(0xBF00).ToArray();
        Assert.Equal([1f, -3f, 1.5f, 0f, 2f, -0f, float.PositiveInfinity, 0.25f, -0.5f], ReadSingle(30, [9], data));
    }

    [Fact]
    public void Q8_0BlockDecodesToScaleTimesInt8()
    {
        var b = new ByteBuilder().U16(0x3800); // d = 0.5
        var q = new sbyte[32];
        q[0] = 1;
        q[1] = -2;
        q[2] = 127;
        q[3] = -128;
        q[31] = 3;
        b.Bytes(q.Select(v => (byte)v).ToArray());
        var expected = new float[32];
        expected[0] = 0.5f;
        expected[1] = -1f;
        expected[2] = 63.5f;
        expected[3] = -64f;
        expected[31] = 1.5f;
        Assert.Equal(expected, ReadSingle(8, [32], b.ToArray()));
    }

    [Fact]
    public void Q4_0BlockDecodesLowNibbleFirstHalfHighNibbleSecondHalf()
    {
        var b = new ByteBuilder().U16(0x3400); // d = 0.25
        var packed = Enumerable.Repeat((byte)0x88, 16).ToArray(); // nibble 8 -> 0.0
        packed[0] = 0x9F; // element 0: (15-8)*0.25 = 1.75, element 16: (9-8)*0.25 = 0.25
        packed[1] = 0x08; // element 1: 0, element 17: (0-8)*0.25 = -2
        packed[15] = 0xC3; // element 15: (3-8)*0.25 = -1.25, element 31: (12-8)*0.25 = 1
        b.Bytes(packed);
        var expected = new float[32];
        expected[0] = 1.75f;
        expected[16] = 0.25f;
        expected[17] = -2f;
        expected[15] = -1.25f;
        expected[31] = 1f;
        Assert.Equal(expected, ReadSingle(2, [32], b.ToArray()));
    }

    [Fact]
    public void TwoBlockQ8_0RowsReadIndividually()
    {
        var b = new ByteBuilder();
        b.U16(0x3C00).Bytes(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()); // row 0: d=1, q=i
        b.U16(0xC000).Bytes(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()); // row 1: d=-2
        using var file = GgufFile.Open(dir.Write("rows.gguf", SingleTensorFile(8, [32, 2], b.ToArray())));
        var t = file.GetTensor("t");
        Assert.Equal(32, t.RowLength);
        Assert.Equal(2, t.RowCount);
        Assert.Equal(68, t.ByteSize);
        var row = new float[32];
        file.ReadRowFloat32(t, 1, row);
        Assert.Equal(Enumerable.Range(0, 32).Select(i => -2f * i).ToArray(), row);
        Assert.Equal(68, file.GetTensorBytes(t).Length);
    }

    [Fact]
    public void GgmlDimensionOrderPutsRowLengthFirst()
    {
        var b = new ByteBuilder();
        foreach (var v in new[] { 1f, 2f, 3f, 4f, 5f, 6f })
        {
            b.F32(v);
        }

        using var file = GgufFile.Open(dir.Write("order.gguf", SingleTensorFile(0, [3, 2], b.ToArray())));
        var t = file.GetTensor("t");
        Assert.Equal([3L, 2L], t.Dimensions);
        Assert.Equal(3, t.RowLength);
        Assert.Equal(2, t.RowCount);
        var row = new float[3];
        file.ReadRowFloat32(t, 1, row);
        Assert.Equal([4f, 5f, 6f], row);
        file.ExpectShape("t", 3, 2);
    }

    [Fact]
    public void Version2FileIsAccepted()
    {
        var data = new ByteBuilder().F32(7f).ToArray();
        Assert.Equal([7f], ReadSingle(0, [1], data, version: 2));
    }

    [Fact]
    public void TensorAtNonZeroAlignedOffsetIsFound()
    {
        var data = new ByteBuilder().F32(9f).ToArray();
        using var file = GgufFile.Open(dir.Write("off.gguf", SingleTensorFile(0, [1], data, offset: 64)));
        Assert.Equal(64UL, file.GetTensor("t").Offset);
        Assert.Equal([9f], file.ReadFloat32("t"));
    }

    [Fact]
    public void MetadataOfEveryValueTypeIsParsed()
    {
        var b = new ByteBuilder().Ascii("GGUF").U32(3).U64(0).U64(15);
        b.GgufString("u8").U32(0).Bytes(200);
        b.GgufString("i8").U32(1).Bytes(0xFE);
        b.GgufString("u16").U32(2).U16(60000);
        b.GgufString("i16").U32(3).U16(0xFFFD);
        b.GgufString("u32").U32(4).U32(4_000_000_000);
        b.GgufString("i32").U32(5).U32(unchecked((uint)-5));
        b.GgufString("f32").U32(6).F32(0.25f);
        b.GgufString("bool").U32(7).Bytes(1);
        b.GgufString("str").U32(8).GgufString("héllo");
        b.GgufString("u64").U32(10).U64(1UL << 40);
        b.GgufString("i64").U32(11).U64(unchecked((ulong)-7L));
        b.GgufString("f64").U32(12).F64(1e-6);
        b.GgufString("strs").U32(9).U32(8).U64(2).GgufString("a").GgufString("<|im_end|>");
        b.GgufString("ints").U32(9).U32(5).U64(3).U32(1).U32(unchecked((uint)-2)).U32(3);
        b.GgufString("nested").U32(9).U32(9).U64(2)
            .U32(4).U64(1).U32(10)
            .U32(8).U64(1).GgufString("x");
        using var file = GgufFile.Open(dir.Write("meta.gguf", b.ToArray()));
        var m = file.Metadata;
        Assert.Equal((byte)200, m.GetValue("u8"));
        Assert.Equal((sbyte)-2, m.GetValue("i8"));
        Assert.Equal((ushort)60000, m.GetValue("u16"));
        Assert.Equal((short)-3, m.GetValue("i16"));
        Assert.Equal(4_000_000_000u, m.GetUInt32("u32"));
        Assert.Equal(-5, m.GetInt32("i32"));
        Assert.Equal(0.25f, m.GetFloat32("f32"));
        Assert.True(m.GetBool("bool"));
        Assert.Equal("héllo", m.GetString("str"));
        Assert.Equal(1UL << 40, m.GetUInt64("u64"));
        Assert.Equal(-7L, m.GetValue("i64"));
        Assert.Equal(1e-6, m.GetValue("f64"));
        Assert.Equal(["a", "<|im_end|>"], m.GetStringArray("strs"));
        Assert.Equal([1, -2, 3], m.GetInt32Array("ints"));
        var nested = Assert.IsType<object[]>(m.GetValue("nested"));
        Assert.Equal([10u], Assert.IsType<uint[]>(nested[0]));
        Assert.Equal(["x"], Assert.IsType<string[]>(nested[1]));
        Assert.Equal(GgufValueType.Array, m.GetValueType("nested"));
        Assert.Equal(GgufValueType.Array, m.GetArrayElementType("nested"));
        Assert.Equal(["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "str", "u64", "i64", "f64", "strs", "ints", "nested"], m.Keys);
    }
}
