using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Codec.Decoder;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Inference.Vocoder;

/// <summary>Resolves and loads the vocoder <see cref="VocoderOptions.Engine"/> names; a missing file is a <see cref="ModelFilesMissingException"/> that says how to fix it.</summary>
public static class VocoderLoader
{
    public static IVocoder Load(ModelStore store, VocoderOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var files = store.ResolveVocoder(options.Engine);
        IVocoder vocoder;
        if (files.Engine == VocoderEngine.Onnx)
        {
            var model = VocoderModel.Load(files.Path, options, logger);
            try
            {
                vocoder = new OnnxVocoder(model, options);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        else
        {
            options.NativeChunkFrames();
            vocoder = new NativeVocoder(SpeechTokenizerDecoder.Load(files.Path, options.DecoderOptions), options);
        }
        logger.LogInformation("Loaded vocoder: {Vocoder}", vocoder.Description);
        return vocoder;
    }
}
