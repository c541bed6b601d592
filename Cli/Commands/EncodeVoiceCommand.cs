using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Qwen3Tts.Inference.Codec.Encoder;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Cli.Commands;

/// <summary>
/// `qwen3-tts encode-voice -a REF.wav -r "text" -o VOICE.json`: a voice profile for `speak --voice` from a
/// reference clip — its speech-tokenizer codes and, when the models have a speaker encoder, its x-vector.
/// The clip and the text are checked before any model is loaded; the output appears complete or not at all.
/// </summary>
internal static class EncodeVoiceCommand
{
    public static Command Create()
    {
        var audio = new Option<string>("--audio", "-a") { Description = "Reference clip (WAV: PCM 8/16/24/32-bit or float, any rate, mono or stereo, at most 60 s)", Required = true };
        var text = new Option<string>("--ref-text", "-r") { Description = "The words spoken in the clip, as exactly as you can", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Voice profile to write (.json), or - for stdout", Required = true };
        var models = ModelsListCommand.ModelsDirectoryOption();
        var threads = new Option<int>("--threads") { Description = "Encoder threads", DefaultValueFactory = _ => Environment.ProcessorCount };

        var command = new Command("encode-voice", "Encode a reference clip into a voice profile for speak --voice (codes and speaker embedding)")
        {
            audio, text, output, models, threads,
        };
        command.SetAction((parse, ct) =>
        {
            var referenceText = parse.GetValue(text);
            var outputPath = parse.GetValue(output)!;
            if (string.IsNullOrWhiteSpace(referenceText))
            {
                throw new ArgumentException("--ref-text is empty: give the words spoken in the clip");
            }
            if (string.IsNullOrEmpty(outputPath))
            {
                throw new ArgumentException("the output path is empty (use - for stdout)");
            }
            if (parse.GetValue(threads) < 1)
            {
                throw new ArgumentException($"--threads must be at least 1, got {parse.GetValue(threads)}");
            }
            var clip = ReferenceAudio.Load(parse.GetValue(audio)!);

            var clock = Stopwatch.StartNew();
            var store = new ModelStore(new ModelStoreOptions { ModelsDirectory = ModelsListCommand.ModelsDirectory(parse.GetValue(models)) });
            var encoder = VoiceProfileEncoder.Open(store, new MimiEncoderOptions { Threads = parse.GetValue(threads) });
            var loaded = clock.Elapsed;
            var voice = encoder.Encode(clip, referenceText, ct);
            var encoding = clock.Elapsed - loaded;

            if (outputPath == "-")
            {
                using var stdout = Console.OpenStandardOutput();
                stdout.Write(VoiceProfileJson.Render(voice));
            }
            else
            {
                VoiceProfileJson.Write(outputPath, voice);
            }
            var seconds = voice.Source.DurationSeconds;
            var speaker = encoder.Speaker is { } s
                ? $"speaker embedding of {voice.SpeakerEmbedding!.Length} from {s.Name}"
                : "no speaker embedding (these models have no speaker encoder; the clone uses the reference codes alone)";
            parse.InvocationConfiguration.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"encoded {seconds:F2} s ({voice.Source.Format}) into {voice.Frames} frames x {voice.Codebooks} codes in {encoding.TotalSeconds:F2} s " +
                $"({encoding.TotalSeconds / seconds:F3} s per audio second; models loaded in {loaded.TotalSeconds:F2} s); {speaker} -> {(outputPath == "-" ? "stdout" : outputPath)}"));
            return Task.FromResult(CliExitCodes.Ok);
        });
        return command;
    }
}
