namespace Qwen3Tts.Inference.Prompt;

/// <summary>
/// The prefill rows of one utterance plus the text track for the generation steps.
/// Step k's talker input is the frame's codec-embedding sum plus <see cref="TextTrackRow"/>(k).
/// </summary>
public sealed class TalkerPrompt
{
    private readonly float[] _rows;
    private readonly float[] _textQueue;
    private readonly float[] _pad;

    internal TalkerPrompt(int hiddenSize, float[] rows, int rowCount, float[] textQueue, int textQueueCount, float[] pad, int prefixRowCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixRowCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixRowCount, rowCount);
        HiddenSize = hiddenSize;
        _rows = rows;
        RowCount = rowCount;
        _textQueue = textQueue;
        TextQueueCount = textQueueCount;
        _pad = pad;
        PrefixRowCount = prefixRowCount;
    }

    public int HiddenSize { get; }

    /// <summary>Number of prefill positions.</summary>
    public int RowCount { get; }

    /// <summary>
    /// Leading rows that do not depend on the text being spoken (instruct, role, control and speaker rows, a
    /// clone's reference-text rows): the same for every request of a voice, so their KV state can be reused.
    /// </summary>
    public int PrefixRowCount { get; }

    /// <summary>Text vectors still to be fed, one per generated frame, before falling back to tts_pad.</summary>
    public int TextQueueCount { get; }

    /// <summary>All prefill rows, row-major [RowCount, HiddenSize].</summary>
    public ReadOnlySpan<float> Rows => _rows.AsSpan(0, RowCount * HiddenSize);

    public ReadOnlySpan<float> Row(int index) => _rows.AsSpan(index * HiddenSize, HiddenSize);

    /// <summary>P(tts_pad): the text track once the queue is exhausted.</summary>
    public ReadOnlySpan<float> PadRow => _pad;

    /// <summary>The text-track vector added to the input of generation step <paramref name="step"/> (0 = the step after the prefill).</summary>
    public ReadOnlySpan<float> TextTrackRow(int step) =>
        step < TextQueueCount ? _textQueue.AsSpan(step * HiddenSize, HiddenSize) : _pad;
}
