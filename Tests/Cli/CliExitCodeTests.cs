using Qwen3Tts.Cli;
using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Models.Store;
using Qwen3Tts.Inference.Pipeline;
using Qwen3Tts.Tests.Pipeline;

namespace Qwen3Tts.Tests.Cli;

[Collection(CliCollection.Name)]
public sealed class CliExitCodeTests(TinyModelsFixture fixture) : IClassFixture<TinyModelsFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("qwen3tts-cli-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    private string Wav => Path.Combine(_work, "out.wav");

    private async Task<CliRun> SpeakAsync(string text, string models, params string[] extra) =>
        await CliHarness.RunAsync(["speak", text, "-o", Wav, "--models", models, .. extra]);

    private void AssertNoOutputFiles() => Assert.Empty(Directory.GetFiles(_work, "*", SearchOption.AllDirectories));

    private static void AssertOneErrorLine(CliRun run, string expected)
    {
        Assert.StartsWith("error: ", run.Error);
        Assert.Contains(expected, run.Error);
        Assert.DoesNotContain("   at ", run.Error); // no stack trace unless asked for
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task EmptyTextIsAUsageError(string text)
    {
        var run = await SpeakAsync(text, fixture.Directory);
        Assert.Equal(2, run.ExitCode);
        AssertOneErrorLine(run, "empty");
        AssertNoOutputFiles();
    }

    [Fact]
    public async Task UnknownLanguageIsAUsageError()
    {
        var run = await SpeakAsync("Hello", fixture.Directory, "--lang", "klingon");
        Assert.Equal(2, run.ExitCode);
        AssertOneErrorLine(run, "unknown language 'klingon'");
        Assert.DoesNotContain("(Parameter", run.Error);
        AssertNoOutputFiles();
    }

    [Theory]
    [InlineData("speak", "hello", "--max-frames", "many")]
    [InlineData("speak")]
    [InlineData("--no-such-option")]
    [InlineData("models", "pull", "--role", "nonsense")]
    public async Task ParseErrorsAndBadOptionValuesAreUsageErrors(params string[] args)
    {
        var run = await CliHarness.RunAsync(args);
        Assert.Equal(2, run.ExitCode);
        Assert.NotEqual("", run.Error);
    }

    [Theory]
    [InlineData(new[] { "speak", "hi", "--seed", "abc" }, "error: --seed 'abc' is not a whole number from 0 to 18446744073709551615")]
    [InlineData(new[] { "speak", "hi", "--max-frames", "many" }, "error: --max-frames 'many' is not a whole number")]
    [InlineData(new[] { "speak", "hi", "--sampling", "best" }, "error: --sampling 'best' is not one of: official, seed")]
    [InlineData(new[] { "serve", "--port", "http" }, "error: --port 'http' is not a whole number")]
    public async Task BadValuesAreExplainedWithoutDotNetTypeNames(string[] args, string message)
    {
        var run = await CliHarness.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
        Assert.DoesNotContain("System.", run.Error);
        Assert.DoesNotContain("Qwen3Tts.", run.Error);
        Assert.Contains("--help' for usage", run.Error);
    }

    [Fact]
    public async Task AUsageErrorOfASubcommandPointsAtThatSubcommandsHelp()
    {
        var run = await CliHarness.RunAsync(["bench", "talker", "--steps", "5000"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--steps must be between 1 and 1024", run.Error);
        Assert.Contains("Run 'qwen3-tts bench talker --help' for usage.", run.Error);
    }

    [Fact]
    public async Task AnEmptyModelsDirectoryListsEveryMissingRoleWithOneFix()
    {
        var empty = Directory.CreateTempSubdirectory("qwen3tts-cli-empty-").FullName;
        try
        {
            var run = await SpeakAsync("Hello", empty);

            Assert.Equal(3, run.ExitCode);
            Assert.Contains("3 roles (talker, predictor, vocoder)", run.Error);
            Assert.Contains("talker.gguf", run.Error);
            Assert.Contains("speech_tokenizer", run.Error); // the default (native) vocoder's files
            Assert.Contains($"qwen3-tts models pull --role all --models {empty}", run.Error);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public async Task MissingModelFileExitsWith3AndNamesIt()
    {
        var copy = fixture.CopyTo(Path.Combine(Path.GetTempPath(), $"qwen3tts-cli-novocoder-{Guid.NewGuid():N}"));
        try
        {
            File.Delete(Path.Combine(copy, "vocoder", "vocoder.onnx"));
            var onnx = await SpeakAsync("Hello", copy, "--vocoder", "onnx");
            Assert.Equal(3, onnx.ExitCode);
            Assert.StartsWith("error: ", onnx.Error);
            Assert.Contains("vocoder.onnx", onnx.Error);
            Assert.Contains("models pull --role vocoder --vocoder onnx", onnx.Error);
            AssertNoOutputFiles();

            // The default vocoder does not need the ONNX file, only the speech tokenizer's decoder.
            Assert.Equal(0, (await SpeakAsync("Hello", copy)).ExitCode);
            File.Delete(Wav);
            File.Delete(Path.Combine(copy, "speech_tokenizer", "model.safetensors"));
            var native = await SpeakAsync("Hello", copy);
            Assert.Equal(3, native.ExitCode);
            Assert.Contains("model.safetensors", native.Error);
            Assert.Contains("--vocoder onnx", native.Error);
            AssertNoOutputFiles();
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task TruncatedModelFileExitsWith3()
    {
        var copy = fixture.CopyTo(Path.Combine(Path.GetTempPath(), $"qwen3tts-cli-truncated-{Guid.NewGuid():N}"));
        try
        {
            var predictor = Directory.GetFiles(Path.Combine(copy, "predictor"), "*.gguf", SearchOption.AllDirectories).First();
            await using (var file = File.OpenWrite(predictor))
            {
                file.SetLength(100);
            }
            var run = await SpeakAsync("Hello", copy);
            Assert.Equal(3, run.ExitCode);
            AssertOneErrorLine(run, Path.GetFileName(predictor));
            AssertNoOutputFiles();
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task VerboseAddsTheStackTrace()
    {
        var run = await SpeakAsync("", fixture.Directory, "--verbose");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("   at ", run.Error);
    }

    [Fact]
    public void ExceptionClassesMapToTheDocumentedCodes()
    {
        Assert.Equal(2, CliExitCodes.For(new ArgumentException("bad")));
        Assert.Equal(2, CliExitCodes.For(new ArgumentOutOfRangeException("x")));
        Assert.Equal(3, CliExitCodes.For(new ModelFormatException("bad magic", "/m/x.gguf")));
        Assert.Equal(3, CliExitCodes.For(new FileNotFoundException("gone", "/m/x.onnx")));
        Assert.Equal(4, CliExitCodes.For(new ModelDownloadException("offline", "talker/talker.gguf")));
        Assert.Equal(1, CliExitCodes.For(new SynthesisException("no frames")));
        Assert.Equal(1, CliExitCodes.For(new IOException("disk full")));
        Assert.Equal(130, CliExitCodes.For(new OperationCanceledException()));
    }

    [Fact]
    public async Task HelpListsTheExitCodes()
    {
        var run = await CliHarness.RunAsync(["--help"]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(CliExitCodes.HelpText, run.Output);
    }

    [Fact]
    public async Task TokenizeStillPrintsIds()
    {
        var run = await CliHarness.RunAsync(["tokenize", "Hello world"]);
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^\[\d+(,\d+)+\]\s*$", run.Output);
    }

    [Fact]
    public async Task ModelsListReportsACompleteSet()
    {
        var run = await CliHarness.RunAsync(["models", "list", "--models", fixture.Directory]);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("vocoder: complete", run.Output);
    }

    [Fact]
    public async Task ModelsListOfAnEmptyDirectoryExitsWith3()
    {
        var run = await CliHarness.RunAsync(["models", "list", "--models", _work]);
        Assert.Equal(3, run.ExitCode);
        Assert.Contains("MISSING", run.Output);
    }
}
