namespace Qwen3Tts.Inference.Text;

/// <summary>
/// One piece of a long text, spoken as its own utterance. <paramref name="EndsSentence"/>: it ends at a sentence or
/// paragraph boundary (a longer pause follows) rather than inside a sentence that was too long for one chunk.
/// </summary>
public sealed record TextChunk(string Text, bool EndsSentence);
