namespace Qwen3Tts.Inference.Formats.Npy;

/// <summary>Element types this project reads from and writes to .npy files.</summary>
public enum NpyDType
{
    Float32,
    Float16,
    Float64,
    Int64,
    Int32,
    Int8,
    UInt8,
    Bool,
}

/// <summary>NumPy "descr" strings and element sizes for <see cref="NpyDType"/>.</summary>
public static class NpyDTypes
{
    public static int ItemSize(NpyDType type) => type switch
    {
        NpyDType.Float32 or NpyDType.Int32 => 4,
        NpyDType.Float16 => 2,
        NpyDType.Float64 or NpyDType.Int64 => 8,
        NpyDType.Int8 or NpyDType.UInt8 or NpyDType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The little-endian descr NumPy writes for this type ("&lt;f4", "|u1", ...).</summary>
    public static string Descr(NpyDType type) => type switch
    {
        NpyDType.Float32 => "<f4",
        NpyDType.Float16 => "<f2",
        NpyDType.Float64 => "<f8",
        NpyDType.Int64 => "<i8",
        NpyDType.Int32 => "<i4",
        NpyDType.Int8 => "|i1",
        NpyDType.UInt8 => "|u1",
        NpyDType.Bool => "|b1",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>
    /// Parses a descr. '&lt;' and '|' (and '=' on little-endian machines) are accepted; big-endian
    /// multi-byte data is rejected rather than silently byte-swapped.
    /// </summary>
    public static NpyDType Parse(string descr, string? filePath = null, string? entryName = null)
    {
        if (descr.Length < 2)
        {
            throw new ModelFormatException($"unknown npy dtype '{descr}'", filePath, entryName);
        }

        var order = descr[0];
        var code = descr[1..];
        NpyDType? type = code switch
        {
            "f4" => NpyDType.Float32,
            "f2" => NpyDType.Float16,
            "f8" => NpyDType.Float64,
            "i8" => NpyDType.Int64,
            "i4" => NpyDType.Int32,
            "i1" => NpyDType.Int8,
            "u1" => NpyDType.UInt8,
            "b1" => NpyDType.Bool,
            _ => null,
        };
        if (type is null || order is not ('<' or '>' or '|' or '='))
        {
            throw new ModelFormatException(
                $"unsupported npy dtype '{descr}' (supported: <f4, <f2, <f8, <i8, <i4, |i1, |u1, |b1)", filePath, entryName);
        }

        var multiByte = ItemSize(type.Value) > 1;
        if (multiByte && (order == '>' || (order == '=' && !BitConverter.IsLittleEndian)))
        {
            throw new ModelFormatException(
                $"npy dtype '{descr}' is big-endian; re-save the array little-endian (numpy: a.astype('<{code}'))", filePath, entryName);
        }

        return type.Value;
    }
}
