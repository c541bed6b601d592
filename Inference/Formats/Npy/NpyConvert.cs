using System.Buffers.Binary;

namespace Qwen3Tts.Inference.Formats.Npy;

/// <summary>Converts raw little-endian .npy element bytes to f32 / i64, and Fortran order to C order.</summary>
internal static class NpyConvert
{
    public static bool IsFloat(NpyDType type) => type is NpyDType.Float32 or NpyDType.Float16 or NpyDType.Float64;

    public static bool IsInteger(NpyDType type) =>
        type is NpyDType.Int64 or NpyDType.Int32 or NpyDType.Int8 or NpyDType.UInt8 or NpyDType.Bool;

    public static void RequireFloat(NpyDType type, string? file, string? entry)
    {
        if (!IsFloat(type))
        {
            throw new ModelFormatException($"expected a floating-point array (f4, f2 or f8), found {NpyDTypes.Descr(type)}", file, entry);
        }
    }

    public static void RequireInteger(NpyDType type, string? file, string? entry)
    {
        if (!IsInteger(type))
        {
            throw new ModelFormatException($"expected an integer array (i8, i4, i1, u1 or b1), found {NpyDTypes.Descr(type)}", file, entry);
        }
    }

    public static void ToFloat32(NpyDType type, ReadOnlySpan<byte> src, Span<float> dst)
    {
        switch (type)
        {
            case NpyDType.Float32:
                HalfPrecision.F32FromBytes(src, dst);
                break;
            case NpyDType.Float16:
                HalfPrecision.F16ToF32(src, dst);
                break;
            case NpyDType.Float64:
                HalfPrecision.F64ToF32(src, dst);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "not a floating-point npy type");
        }
    }

    public static void ToInt64(NpyDType type, ReadOnlySpan<byte> src, Span<long> dst)
    {
        for (var i = 0; i < dst.Length; i++)
        {
            dst[i] = type switch
            {
                NpyDType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(src[(8 * i)..]),
                NpyDType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(src[(4 * i)..]),
                NpyDType.Int8 => (sbyte)src[i],
                NpyDType.UInt8 => src[i],
                NpyDType.Bool => src[i] != 0 ? 1 : 0,
                _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an integer npy type"),
            };
        }
    }

    /// <summary>Reorders a column-major (Fortran) array into row-major (C) order.</summary>
    public static T[] FortranToC<T>(T[] fortran, long[] shape)
    {
        if (shape.Length < 2)
        {
            return fortran;
        }

        var rank = shape.Length;
        var fortranStrides = new long[rank];
        long stride = 1;
        for (var k = 0; k < rank; k++)
        {
            fortranStrides[k] = stride;
            stride *= shape[k];
        }

        var result = new T[fortran.Length];
        var index = new long[rank];
        long source = 0;
        for (long c = 0; c < result.Length; c++)
        {
            result[c] = fortran[source];

            // Advance the C-order odometer (last axis fastest) and keep the Fortran offset in step.
            for (var k = rank - 1; k >= 0; k--)
            {
                index[k]++;
                source += fortranStrides[k];
                if (index[k] < shape[k])
                {
                    break;
                }

                source -= fortranStrides[k] * index[k];
                index[k] = 0;
            }
        }

        return result;
    }
}
