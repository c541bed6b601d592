using Qwen3Tts.Inference.Formats.Safetensors;

namespace Qwen3Tts.Inference.SpeechTokenizer;

/// <summary>
/// The Mimi encoder weights of `speech_tokenizer/model.safetensors`, opened memory-mapped and checked:
/// the dimensions are read off the first conv, the downsample conv and the quantizer projections, then
/// every expected tensor must exist with its shape. (The encoder itself belongs to voice encoding.)
/// </summary>
public sealed class SpeechTokenizerModel : IDisposable
{
    private SpeechTokenizerModel(SafetensorsFile file, MimiEncoderShape shape)
    {
        File = file;
        Shape = shape;
    }

    public SafetensorsFile File { get; }

    public MimiEncoderShape Shape { get; }

    public static SpeechTokenizerModel Load(string path)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new ModelFormatException("speech tokenizer weights not found", path);
        }
        var file = SafetensorsFile.Open(path);
        try
        {
            var shape = InferShape(file, path);
            foreach (var (name, expected) in shape.Tensors())
            {
                file.ExpectShape(name, expected);
            }
            return new SpeechTokenizerModel(file, shape);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static MimiEncoderShape InferShape(SafetensorsFile file, string path)
    {
        long Dim(string tensor, int axis)
        {
            if (!file.TryGetTensor(tensor, out var info))
            {
                throw new ModelFormatException("missing tensor (is this a Mimi speech tokenizer?)", path, tensor);
            }
            return info.Shape[axis];
        }
        var acoustic = 0;
        while (file.TryGetTensor($"encoder.quantizer.acoustic_residual_vector_quantizer.layers.{acoustic}.codebook.embed_sum", out _))
        {
            acoustic++;
        }
        var layers = 0;
        while (file.TryGetTensor($"encoder.encoder_transformer.layers.{layers}.mlp.fc1.weight", out _))
        {
            layers++;
        }
        if (acoustic < 15)
        {
            throw new ModelFormatException($"the speech tokenizer has {acoustic} acoustic codebooks; Qwen3-TTS needs at least 15", path);
        }
        return new MimiEncoderShape(
            Filters: (int)Dim("encoder.encoder.layers.0.conv.weight", 0),
            HiddenSize: (int)Dim("encoder.downsample.conv.weight", 0),
            TransformerLayers: layers,
            FeedForwardSize: layers > 0 ? (int)Dim("encoder.encoder_transformer.layers.0.mlp.fc1.weight", 0) : 0,
            CodebookDim: (int)Dim("encoder.quantizer.semantic_residual_vector_quantizer.input_proj.weight", 0),
            AcousticCodebooks: acoustic);
    }

    public void Dispose() => File.Dispose();
}
