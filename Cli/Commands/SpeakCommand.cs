using System.CommandLine;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Models;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;
using Qwen3Tts.Inference.Talker;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts speak TEXT -o FILE`: synthesize one utterance in this process (embedded mode).</summary>
internal static class SpeakCommand
{
    public static Command Create()
    {
        var text = new Argument<string>("text") { Description = "The text to speak" };
        var output = new Option<string>("--output", "-o") { Description = "Output file (.wav), or - for stdout", DefaultValueFactory = _ => "output.wav" };
        var language = new Option<string>("--lang", "-l", "--language") { Description = $"Language: {string.Join(", ", TtsLanguage.Names)}", DefaultValueFactory = _ => TtsLanguage.Auto };
        var models = new Option<string?>("--models", "-m") { Description = "Models directory (default: $QWEN3_TTS_MODELS or ~/.local/share/qwen3-tts/models)" };
        var seed = new Option<ulong?>("--seed") { Description = "Random seed: the same seed and text give the same audio, bit for bit" };
        var sampling = new Option<SamplingPreset>("--sampling") { Description = "official (Qwen defaults) or seed (the Rust seed's defaults)", DefaultValueFactory = _ => SamplingPreset.Official };
        var layout = new Option<PromptLayout>("--layout") { Description = "NonStreaming (all text in the prompt) or StreamingText (one text token per frame)", DefaultValueFactory = _ => PromptLayout.NonStreaming };
        var format = new Option<AudioFormat>("--format") { Description = "WavPcm16, WavFloat32, RawPcm16 or RawFloat32", DefaultValueFactory = _ => AudioFormat.WavPcm16 };
        var maxFrames = new Option<int>("--max-frames") { Description = "Hard cap on generated frames (12.5 per second of audio)", DefaultValueFactory = _ => 2048 };

        var command = new Command("speak", "Synthesize speech from text into a WAV file")
        {
            text, output, language, models, seed, sampling, layout, format, maxFrames,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var logging = CliLogging.Create(parse, Microsoft.Extensions.Logging.LogLevel.Warning);
            var request = new SynthesisRequest(
                parse.GetValue(text)!,
                TtsLanguage.Normalize(parse.GetValue(language)),
                Seed: parse.GetValue(seed),
                Sampling: parse.GetValue(sampling),
                Layout: parse.GetValue(layout))
            {
                Eos = new EosOptions(MaxFrames: parse.GetValue(maxFrames)),
            };
            var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = parse.GetValue(models) ?? ModelStoreOptions.DefaultModelsDirectory });
            using var loaded = LocalTtsModels.Load(store, new TalkerOptions(), logger: logging.CreateLogger("qwen3-tts"));
            var synthesizer = new SpeechSynthesizer(loaded);
            var result = await synthesizer.SynthesizeAsync(request, ct);

            var path = parse.GetValue(output)!;
            if (path == "-")
            {
                await using var stdout = Console.OpenStandardOutput();
                await using var wav = new WavWriter(stdout, CodecAudio.SampleRate, 1, parse.GetValue(format), leaveOpen: true);
                await wav.WriteSamplesAsync(result.Samples, ct);
            }
            else
            {
                await AudioFile.WriteAsync(path, result.Samples, CodecAudio.SampleRate, parse.GetValue(format), ct);
            }
            Console.Error.WriteLine(
                $"{(path == "-" ? "stdout" : path)}: {result.Frames} frames, {result.AudioDuration.TotalSeconds:F2} s of audio in {result.Elapsed.TotalSeconds:F2} s (RTF {result.RealTimeFactor:F2}, first audio after {result.TimeToFirstAudio.TotalSeconds:F2} s)");
            return 0;
        });
        return command;
    }
}
