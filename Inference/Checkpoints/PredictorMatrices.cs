using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// The one place that maps a requested precision to the <see cref="QuantizedMatrix"/> formats the predictor
/// engine runs: f32, bf16, f16 and q8_0 as asked; q4_0 for the 5-layer stack, whose 15 passes a frame are
/// what the predictor streams (0.68 GB a frame at q4_0 against 1.29 at q8_0, 0.6B), while the 15 codebook
/// heads and the input projection stay q8_0 — as llama.cpp keeps a q4_0 model's output matrix in a wider
/// type — because a head's rounding moves the sampled code itself, and they are 3 % of a step's bytes.
/// </summary>
public static class PredictorMatrices
{
    public static WeightFormat FormatFor(WeightPrecision precision) =>
        precision switch
        {
            WeightPrecision.F32 => WeightFormat.Float32,
            WeightPrecision.BF16 => WeightFormat.BFloat16,
            WeightPrecision.F16 => WeightFormat.Float16,
            WeightPrecision.Q8_0 => WeightFormat.Q8_0,
            WeightPrecision.Q4_0 => WeightFormat.Q4_0,
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
        };

    /// <summary>The precision whose stack is in <paramref name="format"/> (the inverse of <see cref="FormatFor"/>).</summary>
    public static WeightPrecision PrecisionFor(WeightFormat format) =>
        format switch
        {
            WeightFormat.Float32 => WeightPrecision.F32,
            WeightFormat.BFloat16 => WeightPrecision.BF16,
            WeightFormat.Float16 => WeightPrecision.F16,
            WeightFormat.Q8_0 => WeightPrecision.Q8_0,
            WeightFormat.Q4_0 => WeightPrecision.Q4_0,
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };

    /// <summary>The format of the codebook heads and the input projection when the stack is in <paramref name="stackFormat"/>.</summary>
    public static WeightFormat HeadFormat(WeightFormat stackFormat) => stackFormat == WeightFormat.Q4_0 ? WeightFormat.Q8_0 : stackFormat;

    public static QuantizedMatrix Read(SafetensorsFile file, string name, WeightFormat format)
    {
        var info = file.GetTensor(name);
        if (info.Shape.Length != 2)
        {
            throw new ModelFormatException($"expected a matrix, found shape {TensorShape.Format(info.Shape)}", file.Path, name);
        }
        int rows = checked((int)info.Shape[0]), columns = checked((int)info.Shape[1]);
        var data = file.ReadFloat32(name);
        // bf16/f16 round to nearest even from the checkpoint's values, q8_0/q4_0 quantize as ggml's reference quantizers.
        return format == WeightFormat.Float32 ? QuantizedMatrix.FromFloat32(data, rows, columns) : QuantizedMatrix.Create(format, data, rows, columns);
    }
}
