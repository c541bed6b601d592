namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// How a long text is spoken: split at sentences into chunks (Inference/Text/SentenceSplitter), each one utterance.
/// A chunk is at most <see cref="MaxChunkCharacters"/> characters and its frame estimate at most
/// <see cref="MaxChunkFrames"/> and at most the frame cap divided by <see cref="CapMargin"/>, so it ends (EOS) well
/// before the cap could cut it.
/// </summary>
public sealed record LongTextOptions
{
    public static LongTextOptions Default { get; } = new();

    /// <summary>400 characters: a paragraph, about 20 s of English; the prompt stays far inside a talker context.</summary>
    public int MaxChunkCharacters { get; set; } = 400;

    /// <summary>375 frames (30 s) of estimated speech: bounds a chunk of Chinese, whose estimate per character is 4x English's.</summary>
    public int MaxChunkFrames { get; set; } = 375;

    /// <summary>A chunk may run to this many times its estimate before the frame cap; above the seed schedule's 1.5x forced stop.</summary>
    public double CapMargin { get; set; } = 2.0;

    /// <summary>Silence after a chunk that ends a sentence or paragraph.</summary>
    public TimeSpan SentencePause { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Silence after a chunk cut inside an over-long sentence.</summary>
    public TimeSpan ClausePause { get; set; } = TimeSpan.FromMilliseconds(80);
}
