using System.CommandLine;
using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Benchmarks;
using Qwen3Tts.Inference.Codec.SpeakerEncoder;
using Qwen3Tts.Inference.Synthetic;

namespace Qwen3Tts.Cli.Commands;

/// <summary>
/// `qwen3-tts bench speaker`: the speaker encoder (mel front end + ECAPA-TDNN) on one clip, per thread count.
/// Uses the Base snapshot given with --models, else synthetic weights of the published widths.
/// </summary>
internal static class BenchSpeakerCommand
{
    public static Command Create()
    {
        var models = new Option<string?>("--models", "-m") { Description = "An official Base snapshot directory (config.json + model.safetensors); default: synthetic weights of the published widths" };
        var seconds = new Option<double>("--seconds") { Description = "Clip length in seconds", DefaultValueFactory = _ => 10 };
        var runs = new Option<int>("--runs") { Description = "Timed runs per stage, after one warm-up", DefaultValueFactory = _ => 5 };
        var encDim = new Option<int>("--enc-dim") { Description = "x-vector size of the synthetic weights: 1024 (0.6B-Base) or 2048 (1.7B-Base)", DefaultValueFactory = _ => 1024 };
        var command = new Command("speaker", "Speaker encoder (x-vector) cost: mel front end and ECAPA-TDNN, one thread vs the row workers") { models, seconds, runs, encDim };
        seconds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is not (>= 0.1 and <= 60))
            {
                r.AddError("--seconds must be between 0.1 and 60");
            }
        });
        runs.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--runs must be at least 1");
            }
        });
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            EcapaTdnn network;
            string source;
            if (parse.GetValue(models) is { } directory)
            {
                try
                {
                    var extractor = SpeakerEncoderCheckpoint.TryLoad(directory);
                    if (extractor is null)
                    {
                        parse.InvocationConfiguration.Error.WriteLine($"error: {directory} has no speaker encoder (only Base snapshots carry speaker_encoder.*)");
                        return CliExitCodes.ModelFiles;
                    }
                    (network, source) = (extractor.Network, Path.Combine(directory, SpeakerEncoderCheckpoint.WeightsFile));
                }
                catch (ModelFormatException e)
                {
                    parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                    return CliExitCodes.ModelFiles;
                }
            }
            else
            {
                var config = SpeakerEncoderConfig.Official(parse.GetValue(encDim));
                network = new EcapaTdnn(SyntheticSpeakerEncoderWriter.Create(config, new SyntheticWeights(1)));
                source = $"synthetic, published widths (enc_dim {config.EncDim})";
            }
            var clipSeconds = parse.GetValue(seconds);
            var clip = SpeakerEncoderBenchmark.Clip(clipSeconds);
            var frames = SpeakerMelSpectrogram.FrameCount(clip.Length);
            output.WriteLine($"machine: {BenchMachine.Describe()}");
            output.WriteLine($"speaker encoder: {source}; clip {clipSeconds:0.##} s = {clip.Length} samples = {frames} mel frames; {parse.GetValue(runs)} timed runs after 1 warm-up");
            var timings = SpeakerEncoderBenchmark.Run(network, clip, parse.GetValue(runs));
            var mel = timings[0];
            foreach (var t in timings)
            {
                var total = t == mel ? t.MedianWallMs : t.MedianWallMs + mel.MedianWallMs;
                output.WriteLine($"  {t.Stage,-20} {t.Threads} thread{(t.Threads == 1 ? " " : "s")}  median {t.MedianWallMs,8:F1} ms  best {t.BestWallMs,8:F1} ms  cpu {t.MedianCpuMs,8:F1} ms"
                    + (t == mel ? "" : $"  | x-vector {total:F1} ms = {total / 1000 / clipSeconds:F3} s per audio second"));
            }
            return 0;
        });
        return command;
    }
}
