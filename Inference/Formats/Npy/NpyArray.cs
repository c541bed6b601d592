namespace Qwen3Tts.Inference.Formats.Npy;

/// <summary>An .npy array held in memory (small files and .npz entries), with its raw little-endian bytes.</summary>
public sealed class NpyArray
{
    internal NpyArray(NpyDType dtype, long[] shape, bool fortranOrder, byte[] data, string? source, string? entry)
    {
        DType = dtype;
        Shape = shape;
        FortranOrder = fortranOrder;
        Data = data;
        Source = source;
        Entry = entry;
    }

    public NpyDType DType { get; }

    public long[] Shape { get; }

    public bool FortranOrder { get; }

    /// <summary>Raw element bytes in file order (Fortran order if <see cref="FortranOrder"/>).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    public long ElementCount => TensorShape.ElementCount(Shape);

    internal string? Source { get; }

    internal string? Entry { get; }

    /// <summary>All elements as f32 in C order; f16 and f64 are converted.</summary>
    public float[] ToFloat32()
    {
        NpyConvert.RequireFloat(DType, Source, Entry);
        var result = new float[ElementCount];
        NpyConvert.ToFloat32(DType, Data.Span, result);
        return FortranOrder ? NpyConvert.FortranToC(result, Shape) : result;
    }

    /// <summary>All elements as i64 in C order; narrower integer types and bool are widened.</summary>
    public long[] ToInt64()
    {
        NpyConvert.RequireInteger(DType, Source, Entry);
        var result = new long[ElementCount];
        NpyConvert.ToInt64(DType, Data.Span, result);
        return FortranOrder ? NpyConvert.FortranToC(result, Shape) : result;
    }

    public void ExpectShape(params long[] shape) =>
        TensorShape.Expect(Source ?? "<stream>", Entry ?? System.IO.Path.GetFileName(Source ?? "array"), shape, Shape);
}
