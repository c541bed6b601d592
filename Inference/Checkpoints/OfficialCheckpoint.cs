using Qwen3Tts.Inference.Formats.Safetensors;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Inference.Checkpoints;

/// <summary>
/// An opened official snapshot: config.json and generation_config.json parsed, model.safetensors mapped
/// (not read: tensors are converted on demand) and checked against the config. Shared read-only by the
/// talker and predictor loaders; dispose it when both are built.
/// </summary>
public sealed class OfficialCheckpoint : IDisposable
{
    private OfficialCheckpoint(OfficialFiles files, CheckpointConfig config, GenerationDefaults generation, SafetensorsFile weights)
    {
        Files = files;
        Config = config;
        Generation = generation;
        Weights = weights;
    }

    public OfficialFiles Files { get; }

    public CheckpointConfig Config { get; }

    public GenerationDefaults Generation { get; }

    public SafetensorsFile Weights { get; }

    public static OfficialCheckpoint Open(OfficialFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var config = CheckpointConfigReader.Read(files.Config);
        var generation = files.GenerationConfig is { } g ? GenerationDefaults.Read(g) : GenerationDefaults.Published;
        var weights = SafetensorsFile.Open(files.Weights);
        try
        {
            OfficialCheckpointValidator.Validate(config, weights);
            return new OfficialCheckpoint(files, config, generation, weights);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    public void Dispose() => Weights.Dispose();
}
