using Qwen3Tts.Inference.Checkpoints;

namespace Qwen3Tts.Cli;

/// <summary>Shows a first-load conversion on stderr: one line every 10 %, so it reads well on a terminal and in a log alike.</summary>
internal sealed class ConversionProgressWriter(TextWriter error) : IProgress<ConversionProgress>
{
    private int _lastDecile = -1;

    public void Report(ConversionProgress value)
    {
        var decile = (int)(value.Fraction * 10);
        if (decile == _lastDecile)
        {
            return;
        }
        _lastDecile = decile;
        error.WriteLine($"preparing the runtime model ({value.What}): {decile * 10}% of {value.Total / 1e6:F0} M weights");
    }
}
