using Qwen3Tts.Inference.Models;

namespace Qwen3Tts.Inference.Predictor;

/// <summary>Argument checks and the sampled-code check shared by the single and batched frame loops.</summary>
internal static class FrameArguments
{
    public static void CheckCode0(int code0, string parameter)
    {
        if ((uint)code0 >= CodecTokenIds.CodebookSize)
        {
            throw new ArgumentOutOfRangeException(parameter, code0,
                $"code0 must be a codebook-0 code in [0, {CodecTokenIds.CodebookSize - 1}]; control ids are not audio codes.");
        }
    }

    public static void CheckLength(int actual, int expected, string parameter, string what)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{what} needs {expected} values, got {actual}.", parameter);
        }
    }

    public static int CheckedCode(ISubCodeSampler sampler, int code, int group)
    {
        if ((uint)code >= CodecTokenIds.CodebookSize)
        {
            throw new InvalidOperationException(
                $"{sampler.GetType().Name} returned code {code} for codebook {group + 1}; codes must lie in [0, {CodecTokenIds.CodebookSize - 1}].");
        }
        return code;
    }
}
