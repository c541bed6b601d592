using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Writes an official-layout snapshot (what <c>Qwen/Qwen3-TTS-12Hz-*</c> publishes) with seeded random weights:
/// config.json, generation_config.json, model.safetensors (bf16; Base with its speaker_encoder.*), vocab.json + merges.txt + tokenizer_config.json
/// and speech_tokenizer/ (encoder and decoder: the default vocoder speaks from it, so there is no vocoder/ here, as published).
/// </summary>
public static class OfficialSyntheticKit
{
    public static async Task WriteAsync(string directory, OfficialSyntheticPreset preset, ModelVariant variant, int seed = 1234,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        Directory.CreateDirectory(directory);
        var weights = new SyntheticWeights(seed);
        var parts = new (string Name, Action Write)[]
        {
            ("model.safetensors", () => OfficialWeightsWriter.Write(Path.Combine(directory, OfficialModelLayout.Weights), preset, variant, weights, cancellationToken)),
            ("config", () =>
            {
                OfficialConfigWriter.WriteConfig(Path.Combine(directory, OfficialModelLayout.Config), preset, variant);
                OfficialConfigWriter.WriteGenerationConfig(Path.Combine(directory, OfficialModelLayout.GenerationConfig));
                OfficialTokenizerFilesWriter.Write(directory);
            }),
            ("speech_tokenizer", () => SyntheticSpeechTokenizerWriter.Write(Path.Combine(directory, "speech_tokenizer"), preset.Base, weights)),
        };
        await Parallel.ForEachAsync(parts, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            (part, ct) =>
            {
                ct.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                part.Write();
                logger.LogInformation("wrote synthetic official {Part} ({Preset} {Variant}) in {Seconds:F1} s", part.Name, preset.Name, variant.CliName(), clock.Elapsed.TotalSeconds);
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);
    }
}
