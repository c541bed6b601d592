using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Talker;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Pipeline;

/// <summary>The three roles' engines in one process (the embedded single-machine mode).</summary>
public sealed class LocalTtsModels : IDisposable
{
    private LocalTtsModels(TalkerEngine talker, CodePredictorWeights predictor, IVocoder vocoder, VocoderOptions vocoderOptions, PredictorOptions predictorOptions)
    {
        Talker = talker;
        Predictor = predictor;
        PredictorQueue = CodePredictorQueue.Create(predictor, predictorOptions);
        Vocoder = vocoder;
        VocoderOptions = vocoderOptions;
    }

    public TalkerEngine Talker { get; }

    public CodePredictorWeights Predictor { get; }

    /// <summary>The one predictor queue of this process: concurrent utterances' frames run batched.</summary>
    public CodePredictorQueue PredictorQueue { get; }

    /// <summary>The native decoder by default, the seed's ONNX window with <see cref="VocoderEngine.Onnx"/>.</summary>
    public IVocoder Vocoder { get; }

    public VocoderOptions VocoderOptions { get; }

    /// <summary>Resolves every role's files in the store (a clear error lists what is missing) and loads them.</summary>
    public static LocalTtsModels Load(ModelStore store, TalkerOptions? talkerOptions = null, VocoderOptions? vocoderOptions = null, ILogger? logger = null, PredictorOptions? predictorOptions = null)
    {
        predictorOptions ??= new PredictorOptions();
        predictorOptions.Validate();
        logger ??= NullLogger.Instance;
        var talkerFiles = store.ResolveTalker();
        var predictorFiles = store.ResolvePredictor();
        vocoderOptions ??= new VocoderOptions { Engine = store.Options.Vocoder };
        store.ResolveVocoder(vocoderOptions.Engine);

        var clock = Stopwatch.StartNew();
        var predictor = CodePredictorLoader.Load(predictorFiles);
        logger.LogInformation("predictor loaded from {Path} in {Ms} ms", predictorFiles.Gguf, clock.ElapsedMilliseconds);
        var vocoder = VocoderLoader.Load(store, vocoderOptions, logger);
        try
        {
            var talker = TalkerEngine.Load(talkerFiles, talkerOptions ?? new TalkerOptions(), logger);
            logger.LogInformation("all roles loaded in {Ms} ms", clock.ElapsedMilliseconds);
            return new LocalTtsModels(talker, predictor, vocoder, vocoderOptions, predictorOptions);
        }
        catch
        {
            vocoder.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        PredictorQueue.Dispose();
        Talker.Dispose();
        Vocoder.Dispose();
    }
}
