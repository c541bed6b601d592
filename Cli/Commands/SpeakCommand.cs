using System.CommandLine;
using Microsoft.Extensions.Logging;
using Qwen3Tts.Inference.Checkpoints;
using Qwen3Tts.Inference.Prompt;
using Qwen3Tts.Inference.Sampling;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts speak TEXT -o FILE`: synthesize one utterance, in this process or through `--cluster`.</summary>
internal static class SpeakCommand
{
    public static Command Create()
    {
        var text = new Argument<string>("text") { Description = "The text to speak" };
        var output = new Option<string>("--output", "-o") { Description = "Output file (.wav, .mp3, .opus, .flac, .aac, .pcm: the extension picks the format), or - for stdout", DefaultValueFactory = _ => "output.wav" };
        var language = LanguageOption();
        var models = ModelsListCommand.ModelsDirectoryOption();
        var seed = SeedOption();
        var sampling = new Option<SamplingPreset>("--sampling") { Description = "official (the model's generation_config.json), seed (the Rust seed's defaults and EOS schedule) or greedy (argmax, deterministic)", DefaultValueFactory = _ => SamplingPreset.Official };
        var layout = new Option<PromptLayout>("--layout") { Description = "NonStreaming (all text in the prompt) or StreamingText (one text token per frame)", DefaultValueFactory = _ => PromptLayout.NonStreaming };
        var convention = new Option<PromptConvention>("--convention") { Description = "Official (language id and speaker row in the prompt) or Seed (the Rust seed's prompt: language ignored)", DefaultValueFactory = _ => PromptConvention.Official };
        var voice = new Option<string?>("--voice", "-v") { Description = "Voice: a voice file (.json {ref_text, codec_tokens} and/or speaker_embedding, .npy of [frames, 16] codes), a name from the voice library (--voices; OpenAI's names such as alloy too), or a CustomVoice model's speaker (e.g. ryan)" };
        var voices = new Option<string?>("--voices") { Description = $"Voice library directory for --voice NAME (default: {Mcp.McpServerSettings.DefaultVoicesDirectory})" };
        var speed = new Option<double>("--speed") { Description = "Playback speed, 0.25 to 4.0 (pitch kept)", DefaultValueFactory = _ => 1.0 };
        var instructions = new Option<string?>("--instructions", "-i") { Description = "How to speak (1.7B CustomVoice) or the voice to design (VoiceDesign, required there), e.g. \"a calm, low male voice\"" };
        var eos = EosOption();
        var quant = QuantOption();
        var codesOut = new Option<string?>("--codes-out") { Description = "Write the generated codes to this file as {\"codes\": [[16 ints], ...]}, one row per frame" };
        var teacherCodes = new Option<string?>("--teacher-codes") { Description = "Teacher forcing: take each frame's codes from this codes file (its length sets the frame count); --codes-out then records the model's own decisions" };
        var format = new Option<string?>("--format", "-f") { Description = $"Audio format: {OutputFormat.Names} (default: from -o's extension; wav for stdout)" };
        var maxFrames = new Option<int?>("--max-frames") { Description = "Hard cap on generated frames (12.5 per second of audio; default: the model's max_new_tokens)" };
        var cluster = Speech.SpeechBackends.ClusterOption();
        var vocoder = ModelsListCommand.VocoderOption();
        var talkerEngine = TalkerEngineOption.Create();
        var stream = new Option<bool>("--stream") { Description = "Write audio as it is generated (to stdout: WAV with unknown-size header, or raw PCM with --format RawPcm16)" };

        var command = new Command("speak", "Synthesize speech from text into an audio file (wav, mp3, opus, flac, aac, pcm) or stdout")
        {
            text, output, language, models, seed, sampling, layout, convention, voice, voices, speed, instructions, eos, quant, format, maxFrames, stream, codesOut, teacherCodes, cluster, vocoder, talkerEngine,
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
                Instructions = parse.GetValue(instructions),
                Eos = parse.GetValue(eos),
                Quant = parse.GetValue(quant),
                CodesOut = parse.GetValue(codesOut),
                TeacherCodes = parse.GetValue(teacherCodes),
                VoicesDirectory = parse.GetValue(voices) is { } directory ? Path.GetFullPath(Inference.Models.Store.ModelStoreOptions.ExpandHome(directory)) : Mcp.McpServerSettings.DefaultVoicesDirectory,
                Speed = parse.GetValue(speed),
                Format = parse.GetValue(format),
                MaxFrames = parse.GetValue(maxFrames),
                Stream = parse.GetValue(stream),
                ClusterConfig = Speech.SpeechBackends.ClusterConfig(parse.GetValue(cluster)),
                Vocoder = ModelsListCommand.VocoderEngine(parse.GetValue(vocoder)),
                TalkerEngine = TalkerEngineOption.Parse(parse.GetValue(talkerEngine)),
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

    /// <summary>`--eos official|seed|never`.</summary>
    internal static Option<EosMode?> EosOption() => new("--eos")
    {
        Description = "official (stop at the model's EOS; the default), seed (the Rust seed's boost and forced stop at 1.5x an estimate) or never (exactly --max-frames frames)",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }
            if (EosModes.TryParse(result.Tokens[0].Value, out var mode))
            {
                return mode;
            }
            result.AddError($"unknown --eos '{result.Tokens[0].Value}'; use official, seed or never");
            return null;
        },
    };

    /// <summary>`--quant f32|bf16|f16|q8_0|q4_0`, shared by every command that loads models.</summary>
    internal static Option<WeightPrecision> QuantOption() => new("--quant")
    {
        Description = "Precision of an official snapshot's talker GGUF and predictor weights: f32 (also f32 KV cache), bf16, f16, q8_0 (default) or q4_0",
        DefaultValueFactory = _ => WeightPrecisionNames.Default,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return WeightPrecisionNames.Default;
            }
            if (WeightPrecisionNames.TryParse(result.Tokens[0].Value, out var precision))
            {
                return precision;
            }
            result.AddError($"unknown --quant '{result.Tokens[0].Value}'; use one of {string.Join(", ", WeightPrecisionNames.All)}");
            return WeightPrecisionNames.Default;
        },
    };

    /// <summary>`--seed`, shared with the root `qwen3-tts "text"` form.</summary>
    internal static Option<ulong?> SeedOption() => new("--seed")
    {
        Description = "Random seed: the same seed and text give the same audio, bit for bit",
    };
}
