namespace Qwen3Tts.Inference.Formats.Safetensors;

/// <summary>Element types this project reads from safetensors files (names as in the format's JSON header).</summary>
public enum SafetensorsDType
{
    F32,
    F16,
    BF16,
    F64,
    I64,
    I32,
    I16,
    I8,
    U8,
    BOOL,
}

public static class SafetensorsDTypes
{
    public static int ItemSize(SafetensorsDType type) => type switch
    {
        SafetensorsDType.F64 or SafetensorsDType.I64 => 8,
        SafetensorsDType.F32 or SafetensorsDType.I32 => 4,
        SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.I16 => 2,
        SafetensorsDType.I8 or SafetensorsDType.U8 or SafetensorsDType.BOOL => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool IsFloat(SafetensorsDType type) =>
        type is SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F64;

    /// <summary>Little-endian float elements of <paramref name="type"/> (a float type) converted into <paramref name="destination"/>.</summary>
    public static void ToFloat32(SafetensorsDType type, ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        switch (type)
        {
            case SafetensorsDType.F32:
                HalfPrecision.F32FromBytes(bytes, destination);
                break;
            case SafetensorsDType.F16:
                HalfPrecision.F16ToF32(bytes, destination);
                break;
            case SafetensorsDType.BF16:
                HalfPrecision.BF16ToF32(bytes, destination);
                break;
            case SafetensorsDType.F64:
                HalfPrecision.F64ToF32(bytes, destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "not a float element type");
        }
    }

    /// <summary>Exact, case-sensitive header names only ("F32", "BF16", ...).</summary>
    public static bool TryParse(string name, out SafetensorsDType type)
    {
        SafetensorsDType? parsed = name switch
        {
            "F32" => SafetensorsDType.F32,
            "F16" => SafetensorsDType.F16,
            "BF16" => SafetensorsDType.BF16,
            "F64" => SafetensorsDType.F64,
            "I64" => SafetensorsDType.I64,
            "I32" => SafetensorsDType.I32,
            "I16" => SafetensorsDType.I16,
            "I8" => SafetensorsDType.I8,
            "U8" => SafetensorsDType.U8,
            "BOOL" => SafetensorsDType.BOOL,
            _ => null,
        };
        type = parsed.GetValueOrDefault();
        return parsed.HasValue;
    }
}
