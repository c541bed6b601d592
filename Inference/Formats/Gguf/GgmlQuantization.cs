namespace Qwen3Tts.Inference.Formats.Gguf;

/// <summary>
/// Block geometry of every ggml type, and conversion between f32 and the types this project reads and
/// writes. Layouts are bit-exact with ggml's reference (non-SIMD) quantizers.
/// </summary>
public static class GgmlQuantization
{
    /// <summary>True when <paramref name="type"/> is a ggml type whose block layout is known.</summary>
    public static bool IsKnown(GgmlType type) => Geometry(type).BlockSize != 0;

    /// <summary>Weights per block (1 for plain scalar types).</summary>
    public static int BlockSize(GgmlType type) => RequireKnown(type).BlockSize;

    /// <summary>Bytes per block.</summary>
    public static int BlockBytes(GgmlType type) => RequireKnown(type).BlockBytes;

    /// <summary>Bytes taken by <paramref name="elements"/> consecutive weights (a row) of this type.</summary>
    public static long RowByteSize(GgmlType type, long elements)
    {
        var (blockSize, blockBytes) = RequireKnown(type);
        if (elements < 0 || elements % blockSize != 0)
        {
            throw new ArgumentException(
                $"{elements} elements is not a whole number of {type} blocks of {blockSize}", nameof(elements));
        }

        return checked(elements / blockSize * blockBytes);
    }

    public static bool CanDequantize(GgmlType type) =>
        type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.F64 or GgmlType.Q8_0 or GgmlType.Q4_0
            or GgmlType.Q4_1 or GgmlType.Q5_0 or GgmlType.Q5_1 or GgmlType.Q4_K or GgmlType.Q5_K or GgmlType.Q6_K;

    internal const string DequantizableTypes = "F32, F16, BF16, F64, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K, Q6_K";

    public static bool CanQuantize(GgmlType type) =>
        type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.Q8_0 or GgmlType.Q4_0;

    /// <summary>Converts <paramref name="dst"/>.Length weights stored as <paramref name="type"/> to f32.</summary>
    public static void Dequantize(GgmlType type, ReadOnlySpan<byte> src, Span<float> dst)
    {
        if (!CanDequantize(type))
        {
            throw new ModelFormatException($"reading ggml type {Describe(type)} is not supported (supported: {DequantizableTypes})");
        }

        CheckLengths(type, src.Length, dst.Length);
        switch (type)
        {
            case GgmlType.F32:
                HalfPrecision.F32FromBytes(src, dst);
                break;
            case GgmlType.F16:
                HalfPrecision.F16ToF32(src, dst);
                break;
            case GgmlType.BF16:
                HalfPrecision.BF16ToF32(src, dst);
                break;
            case GgmlType.F64:
                HalfPrecision.F64ToF32(src, dst);
                break;
            case GgmlType.Q8_0:
                Q8_0Codec.Dequantize(src, dst);
                break;
            case GgmlType.Q4_0:
                Q4_0Codec.Dequantize(src, dst);
                break;
            case GgmlType.Q4_1:
                Q4_1Codec.Dequantize(src, dst);
                break;
            case GgmlType.Q5_0:
                Q5Codecs.Dequantize5_0(src, dst);
                break;
            case GgmlType.Q5_1:
                Q5Codecs.Dequantize5_1(src, dst);
                break;
            case GgmlType.Q4_K:
                KQuantCodecs.DequantizeQ4_K(src, dst);
                break;
            case GgmlType.Q5_K:
                KQuantCodecs.DequantizeQ5_K(src, dst);
                break;
            case GgmlType.Q6_K:
                KQuantCodecs.DequantizeQ6_K(src, dst);
                break;
        }
    }

    /// <summary>Converts f32 weights to <paramref name="type"/>; src.Length must be a whole number of blocks.</summary>
    public static void Quantize(GgmlType type, ReadOnlySpan<float> src, Span<byte> dst)
    {
        if (!CanQuantize(type))
        {
            throw new ModelFormatException($"writing ggml type {Describe(type)} is not supported (supported: F32, F16, BF16, Q8_0, Q4_0)");
        }

        CheckLengths(type, dst.Length, src.Length);
        switch (type)
        {
            case GgmlType.F32:
                HalfPrecision.F32ToBytes(src, dst);
                break;
            case GgmlType.F16:
                HalfPrecision.F32ToF16(src, dst);
                break;
            case GgmlType.BF16:
                HalfPrecision.F32ToBF16(src, dst);
                break;
            case GgmlType.Q8_0:
                Q8_0Codec.Quantize(src, dst);
                break;
            case GgmlType.Q4_0:
                Q4_0Codec.Quantize(src, dst);
                break;
        }
    }

    internal static string Describe(GgmlType type) =>
        Enum.IsDefined(type) ? type.ToString() : $"#{(uint)type}";

    private static void CheckLengths(GgmlType type, int byteCount, int floatCount)
    {
        var expectedBytes = RowByteSize(type, floatCount);
        if (byteCount != expectedBytes)
        {
            throw new ArgumentException(
                $"{floatCount} {type} weights take {expectedBytes} bytes, but the byte buffer has {byteCount}");
        }
    }

    private static (int BlockSize, int BlockBytes) RequireKnown(GgmlType type)
    {
        var geometry = Geometry(type);
        if (geometry.BlockSize == 0)
        {
            throw new ModelFormatException($"unknown ggml tensor type {Describe(type)}");
        }

        return geometry;
    }

    private static (int BlockSize, int BlockBytes) Geometry(GgmlType type) => type switch
    {
        GgmlType.F32 => (1, 4),
        GgmlType.F16 => (1, 2),
        GgmlType.BF16 => (1, 2),
        GgmlType.F64 => (1, 8),
        GgmlType.I8 => (1, 1),
        GgmlType.I16 => (1, 2),
        GgmlType.I32 => (1, 4),
        GgmlType.I64 => (1, 8),
        GgmlType.Q4_0 => (32, 2 + 16),
        GgmlType.Q4_1 => (32, 2 + 2 + 16),
        GgmlType.Q5_0 => (32, 2 + 4 + 16),
        GgmlType.Q5_1 => (32, 2 + 2 + 4 + 16),
        GgmlType.Q8_0 => (32, 2 + 32),
        GgmlType.Q8_1 => (32, 2 + 2 + 32),
        GgmlType.Q2_K => (256, 16 + 64 + 2 + 2),
        GgmlType.Q3_K => (256, 32 + 64 + 12 + 2),
        GgmlType.Q4_K => (256, 2 + 2 + 12 + 128),
        GgmlType.Q5_K => (256, 2 + 2 + 12 + 32 + 128),
        GgmlType.Q6_K => (256, 128 + 64 + 16 + 2),
        GgmlType.Q8_K => (256, 4 + 256 + 32),
        _ => (0, 0),
    };
}
