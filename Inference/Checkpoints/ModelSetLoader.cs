using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Predictor;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// Loads the talker and the code predictor from a models directory of either layout into the same engine
/// types, so nothing above this cares whether the files were the seed's tree or an official snapshot.
/// </summary>
public static class ModelSetLoader
{
    public static TalkerEngine LoadTalker(ModelStore store, TalkerOptions options, ILogger? logger = null,
        IProgress<ConversionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        if (store.Layout == ModelSetLayout.Seed)
        {
            return TalkerEngine.Load(store.ResolveTalker(), options, logger);
        }
        using var checkpoint = OfficialCheckpoint.Open(store.ResolveOfficial());
        return TalkerEngine.Load(checkpoint, options, logger, progress, cancellationToken);
    }

    public static CodePredictorWeights LoadPredictor(ModelStore store, WeightPrecision precision, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        logger ??= NullLogger.Instance;
        var clock = Stopwatch.StartNew();
        if (store.Layout == ModelSetLayout.Seed)
        {
            var files = store.ResolvePredictor();
            var seed = CodePredictorLoader.Load(files);
            logger.LogInformation("predictor loaded from {Path} in {Ms} ms (the seed layout's published quantization)", files.Gguf, clock.ElapsedMilliseconds);
            return seed;
        }
        using var checkpoint = OfficialCheckpoint.Open(store.ResolveOfficial());
        var weights = OfficialPredictorLoader.Load(checkpoint, precision, logger);
        logger.LogInformation("predictor loaded from {Path} ({Precision}) in {Ms} ms", checkpoint.Files.Weights, precision.CliName(), clock.ElapsedMilliseconds);
        return weights;
    }

    /// <summary>What the directory holds, without loading weights: its layout and, for a snapshot, its variant and size.</summary>
    public static ModelCapabilities Describe(ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.Layout == ModelSetLayout.Seed
            ? ModelCapabilities.Seed
            : CheckpointConfigReader.Read(Path.Combine(store.Options.ModelsDirectory, OfficialModelLayout.Config)).Capabilities;
    }
}
