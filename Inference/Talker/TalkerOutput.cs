namespace Qwen3Tts.Inference.Talker;

/// <summary>
/// What one talker position yields: the post-norm hidden state (input of the code predictor)
/// and the codec-head logits over the 3072 codec ids. Owned by a session and overwritten by its next step.
/// </summary>
public sealed class TalkerOutput(int hiddenSize, int vocabSize)
{
    public float[] Hidden { get; } = new float[hiddenSize];

    public float[] Logits { get; } = new float[vocabSize];
}
