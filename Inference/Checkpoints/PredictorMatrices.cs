using Microsoft.Extensions.Logging;
using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Qwen3;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// The one place that maps a requested precision to a <see cref="QuantizedMatrix"/> format the predictor
/// engine runs. Formats the engine does not have yet are loaded in the nearest one it has (bf16/f16 as
/// f32, q4_0 as q8_0), and a log line says so.
/// </summary>
public static class PredictorMatrices
{
    public static WeightFormat FormatFor(WeightPrecision precision, ILogger logger)
    {
        var (format, exact) = precision switch
        {
            WeightPrecision.F32 => (WeightFormat.Float32, true),
            WeightPrecision.Q8_0 => (WeightFormat.Q8_0, true),
            WeightPrecision.BF16 or WeightPrecision.F16 => (WeightFormat.Float32, false),
            WeightPrecision.Q4_0 => (WeightFormat.Q8_0, false),
            _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, null),
        };
        if (!exact)
        {
            logger.LogWarning("the code predictor has no {Requested} matrix format yet; its weights are held as {Used}", precision.CliName(), format);
        }
        return format;
    }

    public static QuantizedMatrix Read(SafetensorsFile file, string name, WeightFormat format)
    {
        var info = file.GetTensor(name);
        if (info.Shape.Length != 2)
        {
            throw new ModelFormatException($"expected a matrix, found shape {TensorShape.Format(info.Shape)}", file.Path, name);
        }
        int rows = checked((int)info.Shape[0]), columns = checked((int)info.Shape[1]);
        var data = file.ReadFloat32(name);
        return format switch
        {
            WeightFormat.Float32 => QuantizedMatrix.FromFloat32(data, rows, columns),
            WeightFormat.Q8_0 => QuantizedMatrix.QuantizeToQ8_0(data, rows, columns),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }
}
