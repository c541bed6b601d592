using Qwen3Tts.Inference.Formats.Gguf;

namespace Qwen3Tts.Inference.Qwen3;

/// <summary>How a <see cref="QuantizedMatrix"/> keeps its weights in memory (ggml encodings).</summary>
public enum WeightFormat
{
    Float32,
    /// <summary>ggml Q8_0: 32 int8 per block with one f16 scale (34 bytes per 32 weights).</summary>
    Q8_0,
    /// <summary>IEEE half.</summary>
    Float16,
    /// <summary>bfloat16 (the upper half of an f32), the official checkpoints' dtype.</summary>
    BFloat16,
    /// <summary>ggml Q4_0: 32 4-bit weights per block with one f16 scale (18 bytes per 32 weights).</summary>
    Q4_0,
}

/// <summary>Names and ggml types of <see cref="WeightFormat"/>s.</summary>
public static class WeightFormats
{
    /// <summary>The names the command line uses (--quant f32|bf16|f16|q8_0|q4_0).</summary>
    public const string Names = "f32, bf16, f16, q8_0, q4_0";

    public static string Name(WeightFormat format) => format switch
    {
        WeightFormat.Float32 => "f32",
        WeightFormat.BFloat16 => "bf16",
        WeightFormat.Float16 => "f16",
        WeightFormat.Q8_0 => "q8_0",
        WeightFormat.Q4_0 => "q4_0",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown weight format"),
    };

    public static bool TryParse(string? name, out WeightFormat format)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "f32" or "float32": format = WeightFormat.Float32; return true;
            case "bf16" or "bfloat16": format = WeightFormat.BFloat16; return true;
            case "f16" or "float16": format = WeightFormat.Float16; return true;
            case "q8_0" or "q8": format = WeightFormat.Q8_0; return true;
            case "q4_0" or "q4": format = WeightFormat.Q4_0; return true;
            default: format = default; return false;
        }
    }

    public static WeightFormat Parse(string name) =>
        TryParse(name, out var format) ? format : throw new ArgumentException($"unknown weight format '{name}' (known: {Names}).", nameof(name));

    public static GgmlType ToGgml(WeightFormat format) => format switch
    {
        WeightFormat.Float32 => GgmlType.F32,
        WeightFormat.BFloat16 => GgmlType.BF16,
        WeightFormat.Float16 => GgmlType.F16,
        WeightFormat.Q8_0 => GgmlType.Q8_0,
        WeightFormat.Q4_0 => GgmlType.Q4_0,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown weight format"),
    };

    public static bool TryFromGgml(GgmlType type, out WeightFormat format)
    {
        switch (type)
        {
            case GgmlType.F32: format = WeightFormat.Float32; return true;
            case GgmlType.BF16: format = WeightFormat.BFloat16; return true;
            case GgmlType.F16: format = WeightFormat.Float16; return true;
            case GgmlType.Q8_0: format = WeightFormat.Q8_0; return true;
            case GgmlType.Q4_0: format = WeightFormat.Q4_0; return true;
            default: format = default; return false;
        }
    }

    /// <summary>Whether the format stores 32-weight blocks (columns must be a multiple of 32).</summary>
    public static bool IsBlock(WeightFormat format) => format is WeightFormat.Q8_0 or WeightFormat.Q4_0;
}
