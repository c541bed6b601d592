using System.CommandLine;
using Qwen3Tts.Inference.Audio;

namespace Qwen3Tts.Cli.Commands;

/// <summary>
/// `qwen3-tts decode CODES.json -o OUT.wav`: codec frames to audio with the speech-tokenizer decoder, one-shot
/// or in chunks. A debugging aid, and how the decoder is checked against other implementations.
/// </summary>
internal static class DecodeCommand
{
    public static Command Create()
    {
        var codes = new Argument<string>("codes") { Description = "JSON codes: {\"codes\": [[16 ints], ...]}, a bare [[16 ints], ...] array, or a voice profile's codec_tokens" };
        var output = new Option<string>("--output", "-o") { Description = "Output file, or - for stdout", DefaultValueFactory = _ => "output.wav" };
        var models = ModelsListCommand.ModelsDirectoryOption();
        var chunk = new Option<int?>("--chunk") { Description = "Decode in chunks of N frames through one stream (default: the whole utterance at once); the samples are the same" };
        var format = new Option<string?>("--format", "-f") { Description = $"Audio format: {OutputFormat.Names}; wav-f32 keeps the decoder's floats (default: from -o's extension; wav for stdout)" };
        var vocoder = ModelsListCommand.VocoderOption();
        var command = new Command("decode", "Decode codec frames (JSON) to audio with the speech-tokenizer decoder") { codes, output, models, chunk, format, vocoder };
        command.SetAction(async (parse, ct) =>
        {
            var settings = new DecodeSettings(parse.GetValue(codes)!, parse.GetValue(output)!, parse.GetValue(models))
            {
                ChunkFrames = parse.GetValue(chunk),
                Format = parse.GetValue(format),
                Vocoder = ModelsListCommand.VocoderEngine(parse.GetValue(vocoder)),
            };
            return await DecodeJob.RunAsync(settings, parse.InvocationConfiguration.Error, ct);
        });
        return command;
    }
}
