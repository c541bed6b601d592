using Qwen3Tts.Inference;
using Qwen3Tts.Inference.Models.Store;

namespace Qwen3Tts.Cli;

/// <summary>
/// Process exit codes that scripts can rely on, and which exception class maps to which.
/// The numbers are listed in the root command's help text.
/// </summary>
internal static class CliExitCodes
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int ModelFiles = 3;
    public const int Download = 4;
    public const int Cancelled = 130;

    public const string HelpText = "Exit codes: 0 ok, 1 failure, 2 usage error, 3 missing/invalid model files, 4 download failed, 130 cancelled.";

    public static int For(Exception exception) => exception switch
    {
        OperationCanceledException => Cancelled,
        ModelFilesMissingException or Inference.Pipeline.ModelSetIncompleteException or ModelFormatException or FileNotFoundException => ModelFiles,
        ModelDownloadException => Download,
        // User input (text, language, voice, option values) is validated with ArgumentException.
        ArgumentException => Usage,
        _ => Failed,
    };
}
