using System.Text;
using Qwen3Tts.Inference.Formats.Npy;

namespace Qwen3Tts.Tests.Formats;

/// <summary>.npy files assembled byte by byte, covering every dtype and header version.</summary>
public sealed class NpyFixtureTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>Magic, version, header length field (2 bytes for 1.x, 4 otherwise), header text, data.</summary>
    internal static byte[] Npy(string header, byte[] data, byte major = 1)
    {
        var text = Encoding.UTF8.GetBytes(header + "\n");
        var b = new ByteBuilder().Bytes(0x93).Ascii("NUMPY").Bytes(major, 0);
        if (major == 1)
        {
            b.U16((ushort)text.Length);
        }
        else
        {
            b.U32((uint)text.Length);
        }

        return b.Bytes(text).Bytes(data).ToArray();
    }

    internal static string Dict(string descr, string shape, bool fortran = false) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";

    private NpyFile Open(byte[] bytes, string name = "a.npy") => NpyFile.Open(dir.Write(name, bytes));

    [Fact]
    public void Float32()
    {
        using var f = Open(Npy(Dict("<f4", "(3,)"), new ByteBuilder().F32(1.5f).F32(-2f).F32(0f).ToArray()));
        Assert.Equal(NpyDType.Float32, f.Header.DType);
        Assert.Equal([3L], f.Header.Shape);
        Assert.Equal([1.5f, -2f, 0f], f.ReadAllFloat32());
    }

    [Fact]
    public void Float16()
    {
        using var f = Open(Npy(Dict("<f2", "(2, 2)"), new ByteBuilder().U16(0x3C00).U16(0xC000).U16(0x3800).U16(0x7BFF).ToArray()));
        Assert.Equal([1f, -2f, 0.5f, 65504f], f.ReadAllFloat32());
    }

    [Fact]
    public void Float64()
    {
        using var f = Open(Npy(Dict("<f8", "(2,)"), new ByteBuilder().F64(0.25).F64(-1e10).ToArray()));
        Assert.Equal([0.25f, -1e10f], f.ReadAllFloat32());
    }

    [Fact]
    public void Int64()
    {
        using var f = Open(Npy(Dict("<i8", "(2,)"), new ByteBuilder().U64(unchecked((ulong)-5L)).U64(151643).ToArray()));
        Assert.Equal([-5L, 151643L], f.ReadAllInt64());
    }

    [Fact]
    public void Int32()
    {
        using var f = Open(Npy(Dict("<i4", "(2,)"), new ByteBuilder().U32(unchecked((uint)-7)).U32(2048).ToArray()));
        Assert.Equal([-7L, 2048L], f.ReadAllInt64());
    }

    [Fact]
    public void Int8UInt8AndBool()
    {
        using (var i8 = Open(Npy(Dict("|i1", "(2,)"), [0xFF, 0x7F]), "i8.npy"))
        {
            Assert.Equal([-1L, 127L], i8.ReadAllInt64());
        }

        using (var u8 = Open(Npy(Dict("|u1", "(2,)"), [0xFF, 0x01]), "u8.npy"))
        {
            Assert.Equal([255L, 1L], u8.ReadAllInt64());
        }

        using var b1 = Open(Npy(Dict("|b1", "(3,)"), [1, 0, 1]), "b1.npy");
        Assert.Equal(NpyDType.Bool, b1.Header.DType);
        Assert.Equal([1L, 0L, 1L], b1.ReadAllInt64());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryHeaderVersionIsRead(byte major)
    {
        var bytes = Npy(Dict("<f4", "(1, 2)"), new ByteBuilder().F32(3f).F32(4f).ToArray(), major);
        using var f = Open(bytes);
        Assert.Equal(bytes.Length - 8, f.Header.DataOffset);
        Assert.Equal([3f, 4f], f.ReadAllFloat32());
        var streamed = NpyReader.Read(new MemoryStream(bytes));
        Assert.Equal([3f, 4f], streamed.ToFloat32());
    }

    [Fact]
    public void HeaderWithDoubleQuotesOtherKeyOrderAndNoTrailingComma()
    {
        var header = "{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<f4\"}";
        using var f = Open(Npy(header, new ByteBuilder().F32(1f).F32(2f).ToArray()));
        Assert.Equal([1f, 2f], f.ReadAllFloat32());
    }

    [Fact]
    public void ScalarHasEmptyShapeAndOneElement()
    {
        using var f = Open(Npy(Dict("<f4", "()"), new ByteBuilder().F32(42f).ToArray()));
        Assert.Empty(f.Header.Shape);
        Assert.Equal([42f], f.ReadAllFloat32());
    }

    [Fact]
    public void FortranOrder2DIsTransposedToCOrder()
    {
        // C-order [[1, 2, 3], [4, 5, 6]] stored column by column.
        var data = new ByteBuilder();
        foreach (var v in new[] { 1f, 4f, 2f, 5f, 3f, 6f })
        {
            data.F32(v);
        }

        using var f = Open(Npy(Dict("<f4", "(2, 3)", fortran: true), data.ToArray()));
        Assert.True(f.Header.FortranOrder);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], f.ReadAllFloat32());
        var row = new float[3];
        f.ReadRowFloat32(1, row);
        Assert.Equal([4f, 5f, 6f], row);
    }

    [Fact]
    public void FortranOrder3DIntegersAreTransposedToCOrder()
    {
        // Element (i, j, k) of shape (2, 3, 4) has value 100i + 10j + k; Fortran stores i fastest.
        var data = new ByteBuilder();
        for (var k = 0; k < 4; k++)
        {
            for (var j = 0; j < 3; j++)
            {
                for (var i = 0; i < 2; i++)
                {
                    data.U64((ulong)(100 * i + 10 * j + k));
                }
            }
        }

        var expected = new List<long>();
        for (var i = 0; i < 2; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                for (var k = 0; k < 4; k++)
                {
                    expected.Add(100 * i + 10 * j + k);
                }
            }
        }

        var bytes = Npy(Dict("<i8", "(2, 3, 4)", fortran: true), data.ToArray());
        using var f = Open(bytes);
        Assert.Equal(expected, f.ReadAllInt64());
        Assert.Equal(expected, NpyReader.Read(new MemoryStream(bytes)).ToInt64());
    }

    [Fact]
    public void RowsOfF32AndF16TablesAreReadIndividually()
    {
        var f32 = new ByteBuilder();
        var f16 = new ByteBuilder();
        for (var i = 0; i < 12; i++)
        {
            f32.F32(i);
            f16.U16(BitConverter.HalfToUInt16Bits((Half)i));
        }

        using var a = Open(Npy(Dict("<f4", "(4, 3)"), f32.ToArray()), "f32.npy");
        using var b = Open(Npy(Dict("<f2", "(4, 3)"), f16.ToArray()), "f16.npy");
        var row = new float[3];
        a.ReadRowFloat32(2, row);
        Assert.Equal([6f, 7f, 8f], row);
        b.ReadRowFloat32(3, row);
        Assert.Equal([9f, 10f, 11f], row);
        Assert.Equal([0f, 1f, 2f], a.GetFloat32Span()[..3].ToArray());
    }
}
