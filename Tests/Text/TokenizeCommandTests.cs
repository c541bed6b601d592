using System.CommandLine;

namespace Qwen3Tts.Tests.Text;

public class TokenizeCommandTests
{
    // The command classes are internal to the CLI assembly; reach the factory by name.
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var type = Type.GetType("Qwen3Tts.Cli.Commands.TokenizeCommand, qwen3-tts", throwOnError: true)!;
        var command = (Command)type.GetMethod("Create")!.Invoke(null, null)!;
        var root = new RootCommand("test") { Subcommands = { command } };
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void PrintsIdsAsCompactJsonArray()
    {
        var (exitCode, output, error) = Run("tokenize", "Hello world<tts_pad>");
        Assert.Equal(0, exitCode);
        Assert.Equal("[9707,1879,151671]", output.Trim());
        Assert.Equal("", error);
    }

    [Fact]
    public void MissingTokenizerFileExitsWithThreeAndAMessage()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "tokenizer.json");
        var (exitCode, output, error) = Run("tokenize", "Hello", "--tokenizer", missing);
        Assert.Equal(3, exitCode); // CliExitCodes.ModelFiles
        Assert.Equal("", output);
        Assert.Contains(missing, error);
        Assert.Contains("not found", error);
    }
}
