using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Qwen3Tts.Inference.Vocoder;

/// <summary>
/// Checks a loaded session against the vocoder contract: one int64 input [1, W, 16] with a static positive W,
/// and a float output holding W·1920 samples. Every failure names the file and the offending tensor.
/// </summary>
internal static class VocoderContract
{
    public static (string InputName, string OutputName, int WindowFrames) Validate(string file, InferenceSession session)
    {
        if (session.InputMetadata.Count != 1)
        {
            throw new ModelFormatException(
                $"expected exactly one input (int64 [1, frames, 16]), found {session.InputMetadata.Count}: {string.Join(", ", session.InputMetadata.Keys)}", file);
        }
        var (inputName, input) = session.InputMetadata.First();
        if (!input.IsTensor || input.ElementDataType != TensorElementType.Int64)
        {
            throw new ModelFormatException($"expected an int64 tensor input, found {Describe(input)}", file, inputName);
        }
        var dims = input.Dimensions;
        if (dims.Length != 3 || dims[2] != VocoderModel.CodebookCount || (dims[0] != 1 && dims[0] >= 0))
        {
            throw new ModelFormatException($"expected input shape [1, frames, {VocoderModel.CodebookCount}], found {Describe(input)}", file, inputName);
        }
        if (dims[1] <= 0)
        {
            throw new ModelFormatException(
                $"the window length (input dimension 1) must be a static positive size, found {Describe(input)}; export the model with a fixed codes length",
                file, inputName);
        }
        var window = dims[1];

        if (session.OutputMetadata.Count < 1)
        {
            throw new ModelFormatException("the model has no output", file);
        }
        var (outputName, output) = session.OutputMetadata.First();
        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float)
        {
            throw new ModelFormatException($"expected a float tensor output, found {Describe(output)}", file, outputName);
        }
        var expectedSamples = (long)window * 1920;
        if (output.Dimensions.All(d => d > 0))
        {
            var samples = output.Dimensions.Aggregate(1L, (a, d) => a * d);
            if (samples != expectedSamples)
            {
                throw new ModelFormatException(
                    $"expected {window} frames × 1920 = {expectedSamples} output samples ([1, 1, {expectedSamples}]), found {Describe(output)}", file, outputName);
            }
        }
        return (inputName, outputName, window);
    }

    private static string Describe(NodeMetadata metadata)
    {
        if (!metadata.IsTensor)
        {
            return metadata.OnnxValueType.ToString();
        }
        var dims = metadata.Dimensions;
        var symbolic = metadata.SymbolicDimensions;
        var parts = new string[dims.Length];
        for (var i = 0; i < dims.Length; i++)
        {
            parts[i] = dims[i] >= 0 ? dims[i].ToString(System.Globalization.CultureInfo.InvariantCulture)
                : string.IsNullOrEmpty(symbolic[i]) ? "?" : symbolic[i];
        }
        return $"{metadata.ElementDataType.ToString().ToLowerInvariant()} [{string.Join(", ", parts)}]";
    }
}
