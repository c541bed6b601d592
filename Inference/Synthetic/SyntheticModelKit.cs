using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qwen3Tts.Inference.Vocoder;

namespace Qwen3Tts.Inference.Synthetic;

/// <summary>
/// Writes a complete model directory (talker, predictor, vocoder, speech_tokenizer) in the exact
/// layout and formats of the published models, with seeded random weights. What it writes is
/// loaded by the same readers and loaders as real files.
/// </summary>
public static class SyntheticModelKit
{
    public static async Task WriteAsync(string modelsDirectory, SyntheticPreset preset, int seed = 1234,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        Directory.CreateDirectory(modelsDirectory);
        var weights = new SyntheticWeights(seed);

        // Roles are independent files: write them side by side (the big ones dominate on 2 cores anyway).
        var roles = new (string Name, Action Write)[]
        {
            ("talker", () => SyntheticTalkerWriter.Write(Path.Combine(modelsDirectory, "talker"), preset, weights)),
            ("predictor", () => SyntheticPredictorWriter.Write(Path.Combine(modelsDirectory, "predictor"), preset, weights)),
            ("vocoder", () =>
            {
                var dir = Path.Combine(modelsDirectory, "vocoder");
                Directory.CreateDirectory(dir);
                SyntheticVocoderWriter.Write(Path.Combine(dir, "vocoder.onnx"), preset.Vocoder, seed);
            }),
            ("speech_tokenizer", () => SyntheticSpeechTokenizerWriter.Write(Path.Combine(modelsDirectory, "speech_tokenizer"), preset, weights)),
        };
        await Parallel.ForEachAsync(roles, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
            (role, ct) =>
            {
                ct.ThrowIfCancellationRequested();
                var clock = Stopwatch.StartNew();
                role.Write();
                logger.LogInformation("wrote synthetic {Role} ({Preset}) in {Seconds:F1} s", role.Name, preset.Name, clock.Elapsed.TotalSeconds);
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);
    }
}
