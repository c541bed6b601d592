using System.CommandLine;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Tests.Store;

/// <summary>Runs `models list` / `models pull` in-process through System.CommandLine parsing.</summary>
public sealed class ModelsCliTests : IDisposable
{
    private readonly TempDirectory models = new();

    public void Dispose() => models.Dispose();

    [Fact]
    public async Task ListShowsEachRoleAndFailsWhileAnyRoleIsIncomplete()
    {
        models.Touch("vocoder/vocoder.onnx", length: 3 << 20);
        models.Touch("speech_tokenizer/model.safetensors", length: 10);

        var (exitCode, output, _) = await RunAsync("models", "list", "--models", models.Path);

        Assert.Equal(3, exitCode); // CliExitCodes.ModelFiles
        Assert.Contains($"Models directory: {models.Path}", output);
        Assert.Contains("vocoder: complete", output);
        Assert.Contains("speech-tokenizer: complete", output);
        // The default vocoder is the decoder in speech_tokenizer/; its config.json is optional.
        Assert.Matches(@"present\s+10 B\s+speech tokenizer weights\s+" + System.Text.RegularExpressions.Regex.Escape(models.Combine("speech_tokenizer/model.safetensors")), output);
        Assert.Contains("(optional: the published decoder dimensions are assumed", output);
        Assert.Contains("talker: incomplete, 9 required file(s) missing (fix: qwen3-tts models pull --role talker)", output);
        Assert.Contains("predictor: incomplete, 2 required file(s) missing", output);
        Assert.Matches(@"MISSING\s+talker GGUF\s+" + System.Text.RegularExpressions.Regex.Escape(models.Combine("talker/talker-q8_0.gguf")), output);
        Assert.Contains("(optional: voice cloning (ICL)", output);
    }

    [Fact]
    public async Task WithVocoderOnnxTheVocoderRoleNeedsTheSeedsOnnxFile()
    {
        models.Touch("vocoder/vocoder.onnx", length: 3 << 20);

        var (_, native, _) = await RunAsync("models", "list", "--models", models.Path);
        var (_, onnx, _) = await RunAsync("models", "list", "--models", models.Path, "--vocoder", "onnx");
        var (badCode, _, badError) = await RunAsync("models", "list", "--models", models.Path, "--vocoder", "rknn");

        Assert.Contains("vocoder: incomplete, 1 required file(s) missing (fix: qwen3-tts models pull --role vocoder)", native);
        Assert.Contains("vocoder: complete", onnx);
        Assert.Matches(@"present\s+3\.0 MiB\s+vocoder ONNX\s+" + System.Text.RegularExpressions.Regex.Escape(models.Combine("vocoder/vocoder.onnx")), onnx);
        Assert.NotEqual(0, badCode); // 2 through the real entry point (a parse error is a usage error)
        Assert.Contains("--vocoder 'rknn' is not a vocoder engine; use native or onnx", badError);
    }

    [Fact]
    public async Task ListSucceedsWhenEveryRoleIsComplete()
    {
        foreach (var role in ModelRoleNames.All)
        {
            foreach (var repoPath in ModelManifest.FilesFor(role, PredictorQuant.Q8_0))
            {
                models.Touch(repoPath);
            }
        }

        var (exitCode, output, _) = await RunAsync("models", "list", "--models", models.Path);

        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("MISSING", output);
        Assert.DoesNotContain("incomplete", output);
    }

    [Theory]
    [InlineData("--role", "encoder")]
    [InlineData("--quant", "q2")]
    public async Task PullRejectsUnknownRoleOrQuantWithUsageExitCode(string option, string value)
    {
        var (exitCode, _, error) = await RunAsync("models", "pull", "--models", models.Path, option, value);

        Assert.Equal(2, exitCode);
        Assert.Contains($"unknown {option} '{value}'", error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(models.Path));
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        // The CLI's commands are internal to the qwen3-tts assembly; reach the public factory by name.
        var modelsCommand = Type.GetType("Qwen3Tts.Cli.Commands.ModelsCommand, qwen3-tts", throwOnError: true)!
            .GetMethod("Create")!
            .Invoke(null, null) as Command;
        var root = new RootCommand("test") { modelsCommand! };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exitCode, output.ToString(), error.ToString());
    }
}
