using Qwen3Tts.Inference.Onnx;

namespace Qwen3Tts.Tests.Vocoder;

/// <summary>Small, valid ONNX models that break one rule of the vocoder contract each, built with our own writer.</summary>
internal static class BadVocoderModels
{
    /// <summary>codes → Cast(float) → output, with the given input type/shape and output shape.</summary>
    public static string CastModel(string directory, string fileName, OnnxDataType inputType, long[] inputDims, long[] outputDims)
    {
        var g = new OnnxGraphBuilder("bad_vocoder");
        var codes = g.Input("audio_codes", inputType, inputDims);
        g.Node("Cast", [codes], ["audio"], OnnxAttribute.Int("to", (long)OnnxDataType.Float));
        g.Output("audio", OnnxDataType.Float, outputDims);
        return Write(directory, fileName, g);
    }

    /// <summary>A correct input whose output is int64 instead of float.</summary>
    public static string IntegerOutputModel(string directory)
    {
        var g = new OnnxGraphBuilder("bad_vocoder");
        var codes = g.Input("audio_codes", OnnxDataType.Int64, 1, 64, 16);
        g.Node("Identity", [codes], ["audio"]);
        g.Output("audio", OnnxDataType.Int64, 1, 64, 16);
        return Write(directory, "int-output.onnx", g);
    }

    /// <summary>Two inputs, like a decoder exported with an explicit lengths tensor.</summary>
    public static string TwoInputModel(string directory)
    {
        var g = new OnnxGraphBuilder("bad_vocoder");
        var codes = g.Input("audio_codes", OnnxDataType.Int64, 1, 64, 16);
        var lengths = g.Input("lengths", OnnxDataType.Int64, 1);
        var sum = g.Add(codes, lengths);
        g.Node("Cast", [sum], ["audio"], OnnxAttribute.Int("to", (long)OnnxDataType.Float));
        g.Output("audio", OnnxDataType.Float, 1, 64, 16);
        return Write(directory, "two-inputs.onnx", g);
    }

    private static string Write(string directory, string fileName, OnnxGraphBuilder graph)
    {
        var path = Path.Combine(directory, fileName);
        OnnxModelWriter.Write(path, graph);
        return path;
    }
}
