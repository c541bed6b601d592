using System.CommandLine;
using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Text;

namespace Qwen3Tts.Cli.Commands;

/// <summary>`qwen3-tts tokenize TEXT`: prints the text token ids, to check prompts against other implementations.</summary>
internal static class TokenizeCommand
{
    public static Command Create()
    {
        var text = new Argument<string>("text") { Description = "Text to tokenize (special tokens such as <|im_start|> are single ids)" };
        var tokenizer = new Option<FileInfo?>("--tokenizer", "-t")
        {
            Description = "tokenizer.json to use (default: the bundled Qwen3 tokenizer with the Qwen3-TTS tokens)",
        };

        var command = new Command("tokenize", "Print the token ids of a text as a JSON array");
        command.Arguments.Add(text);
        command.Options.Add(tokenizer);
        command.SetAction((ParseResult result) =>
        {
            var file = result.GetValue(tokenizer);
            Qwen3TextTokenizer loaded;
            try
            {
                loaded = file is null ? BundledTokenizer.LoadQwen3TtsTokenizer() : Qwen3TextTokenizer.Load(file.FullName);
            }
            catch (ModelFormatException ex)
            {
                result.InvocationConfiguration.Error.WriteLine($"error: {ex.Message}");
                return CliExitCodes.ModelFiles;
            }

            var ids = loaded.Encode(result.GetValue(text) ?? "");
            result.InvocationConfiguration.Output.WriteLine("[" + string.Join(",", ids) + "]");
            return 0;
        });
        return command;
    }
}
