using System.Diagnostics;
using System.Globalization;

namespace Qwen3Tts.Cli;

/// <summary>
/// Progress of one utterance on stderr: an updating line (frames, frames/s) on a terminal, nothing
/// until the summary line otherwise, so logs and pipes stay readable.
/// </summary>
internal sealed class SynthesisProgress(TextWriter writer, bool interactive)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _firstAudio;
    private int _lastWidth;

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>True when <paramref name="writer"/> is the process's stderr and that is a terminal.</summary>
    public static bool IsTerminal(TextWriter writer) => ReferenceEquals(writer, Console.Error) && !Console.IsErrorRedirected;

    public void Report(int frames, bool hasAudio)
    {
        if (hasAudio)
        {
            _firstAudio ??= _clock.Elapsed;
        }
        if (!interactive)
        {
            return;
        }
        var line = string.Create(CultureInfo.InvariantCulture, $"{frames} frames, {frames / Math.Max(1e-9, _clock.Elapsed.TotalSeconds):0.0} frames/s");
        writer.Write("\r" + line.PadRight(_lastWidth));
        _lastWidth = line.Length;
    }

    /// <summary>Ends the updating line (if any) and prints the one-line summary.</summary>
    public void Summarize(string output, int frames, long samples, int sampleRate)
    {
        if (_lastWidth > 0)
        {
            writer.WriteLine();
            _lastWidth = 0;
        }
        var elapsed = _clock.Elapsed.TotalSeconds;
        var audio = samples / (double)sampleRate;
        var rtf = audio > 0 ? elapsed / audio : double.NaN;
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{output}: {frames} frames, {audio:F2} s of audio in {elapsed:F2} s (RTF {rtf:F2}, first audio after {(_firstAudio ?? _clock.Elapsed).TotalSeconds:F2} s)"));
    }

    /// <summary>Leaves the terminal on a fresh line before an error message.</summary>
    public void Abandon()
    {
        if (_lastWidth > 0)
        {
            writer.WriteLine();
            _lastWidth = 0;
        }
    }
}
