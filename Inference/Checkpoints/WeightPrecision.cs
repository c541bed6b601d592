using Qwen3Tts.Inference.Formats.Gguf;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// The precision an official checkpoint is run in (<c>--quant</c>): the talker runtime GGUF's matrices and
/// the code predictor's weights. <see cref="F32"/> also keeps the talker's KV cache in f32 (and flash
/// attention off) so greedy decisions match an f32 reference except at near-ties.
/// </summary>
public enum WeightPrecision
{
    Q8_0,
    Q4_0,
    F16,
    BF16,
    F32,
}

public static class WeightPrecisionNames
{
    public const WeightPrecision Default = WeightPrecision.Q8_0;

    public static IReadOnlyList<string> All { get; } = ["f32", "bf16", "f16", "q8_0", "q4_0"];

    /// <summary>f32, bf16, f16, q8_0, q4_0.</summary>
    public static string CliName(this WeightPrecision precision) => precision switch
    {
        WeightPrecision.F32 => "f32",
        WeightPrecision.BF16 => "bf16",
        WeightPrecision.F16 => "f16",
        WeightPrecision.Q8_0 => "q8_0",
        WeightPrecision.Q4_0 => "q4_0",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>The ggml type the talker runtime GGUF stores matrices in.</summary>
    public static GgmlType GgmlType(this WeightPrecision precision) => precision switch
    {
        WeightPrecision.F32 => Formats.Gguf.GgmlType.F32,
        WeightPrecision.BF16 => Formats.Gguf.GgmlType.BF16,
        WeightPrecision.F16 => Formats.Gguf.GgmlType.F16,
        WeightPrecision.Q8_0 => Formats.Gguf.GgmlType.Q8_0,
        WeightPrecision.Q4_0 => Formats.Gguf.GgmlType.Q4_0,
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
    };

    /// <summary>Accepts f32, bf16, f16, q8_0, q4_0 (also q8 / q4), any case.</summary>
    public static bool TryParse(string? text, out WeightPrecision precision)
    {
        (precision, var ok) = text?.Trim().ToLowerInvariant() switch
        {
            "f32" or "fp32" or "float32" => (WeightPrecision.F32, true),
            "bf16" or "bfloat16" => (WeightPrecision.BF16, true),
            "f16" or "fp16" or "float16" => (WeightPrecision.F16, true),
            "q8_0" or "q8" => (WeightPrecision.Q8_0, true),
            "q4_0" or "q4" => (WeightPrecision.Q4_0, true),
            _ => (default, false),
        };
        return ok;
    }

    public static WeightPrecision Parse(string? text) => TryParse(text, out var p)
        ? p
        : throw new ArgumentException($"unknown --quant '{text}'; use one of {string.Join(", ", All)}");
}
