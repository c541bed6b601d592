using System.CommandLine;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts speak TEXT -o FILE`: synthesize one utterance, in this process or through `--cluster`.</summary>
internal static class SpeakCommand
{
    public static Command Create()
    {
        var text = new Argument<string>("text") { Description = "The text to speak" };
        var output = new Option<string>("--output", "-o") { Description = "Output file (.wav), or - for stdout", DefaultValueFactory = _ => "output.wav" };
        var language = LanguageOption();
        var models = ModelsListCommand.ModelsDirectoryOption();
        var seed = SeedOption();
        var sampling = new Option<SamplingPreset>("--sampling") { Description = "official (Qwen defaults) or seed (the Rust seed's defaults)", DefaultValueFactory = _ => SamplingPreset.Official };
        var layout = new Option<PromptLayout>("--layout") { Description = "NonStreaming (all text in the prompt) or StreamingText (one text token per frame)", DefaultValueFactory = _ => PromptLayout.NonStreaming };
        var convention = new Option<PromptConvention>("--convention") { Description = "Official (language id and speaker row in the prompt) or Seed (the Rust seed's prompt: language ignored)", DefaultValueFactory = _ => PromptConvention.Official };
        var voice = new Option<string?>("--voice", "-v") { Description = "Voice profile to clone: a .json from encode-voice ({ref_text, codec_tokens}) or a .npy of [frames, 16] codes" };
        var format = new Option<AudioFormat>("--format") { Description = "WavPcm16, WavFloat32, RawPcm16 or RawFloat32", DefaultValueFactory = _ => AudioFormat.WavPcm16 };
        var maxFrames = new Option<int>("--max-frames") { Description = "Hard cap on generated frames (12.5 per second of audio)", DefaultValueFactory = _ => SpeakSettings.DefaultMaxFrames };
        var cluster = Speech.SpeechBackends.ClusterOption();
        var vocoder = ModelsListCommand.VocoderOption();
        var stream = new Option<bool>("--stream") { Description = "Write audio as it is generated (to stdout: WAV with unknown-size header, or raw PCM with --format RawPcm16)" };

        var command = new Command("speak", "Synthesize speech from text into a WAV file")
        {
            text, output, language, models, seed, sampling, layout, convention, voice, format, maxFrames, stream, cluster, vocoder,
        };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new SpeakSettings(parse.GetValue(text)!, parse.GetValue(output)!, parse.GetValue(models))
            {
                Language = parse.GetValue(language)!,
                Seed = parse.GetValue(seed),
                Sampling = parse.GetValue(sampling),
                Layout = parse.GetValue(layout),
                Convention = parse.GetValue(convention),
                VoiceFile = parse.GetValue(voice),
                Format = parse.GetValue(format),
                MaxFrames = parse.GetValue(maxFrames),
                Stream = parse.GetValue(stream),
                ClusterConfig = Speech.SpeechBackends.ClusterConfig(parse.GetValue(cluster)),
                Vocoder = ModelsListCommand.VocoderEngine(parse.GetValue(vocoder)),
            };
            using var logging = CliLogging.Create(parse, LogLevel.Warning);
            return await SpeakJob.RunAsync(settings, parse.InvocationConfiguration.Error, logging, ct);
        });
        return command;
    }

    /// <summary>`--lang`, shared with the root `qwen3-tts "text"` form.</summary>
    internal static Option<string> LanguageOption() => new("--lang", "-l", "--language")
    {
        Description = $"Language: {string.Join(", ", TtsLanguage.Names)}",
        DefaultValueFactory = _ => TtsLanguage.Auto,
    };

    /// <summary>`--seed`, shared with the root `qwen3-tts "text"` form.</summary>
    internal static Option<ulong?> SeedOption() => new("--seed")
    {
        Description = "Random seed: the same seed and text give the same audio, bit for bit",
    };
}
