namespace Qwen3Tts.Inference.Prompt;

/// <summary>
/// The three embedding tables a talker prompt is made of. Implemented over the model files by
/// <see cref="Talker.TalkerEmbeddings"/>; tests implement it with small hand-made tables.
/// </summary>
public interface IPromptEmbeddings
{
    /// <summary>Talker hidden width H: the width of every prompt row.</summary>
    int HiddenSize { get; }

    /// <summary>Adds P(id) = text_projection(text_embedding[id]) to <paramref name="destination"/>.</summary>
    void AddProjectedText(int tokenId, Span<float> destination);

    /// <summary>
    /// Writes P(id) for each of <paramref name="tokenIds"/>, row after row (ids x H), over what <paramref name="destination"/>
    /// held. The same values as <see cref="AddProjectedText"/> into zeros; an implementation may compute them together.
    /// </summary>
    void ProjectTexts(ReadOnlySpan<int> tokenIds, Span<float> destination)
    {
        if (destination.Length != tokenIds.Length * HiddenSize)
        {
            throw new ArgumentException($"{tokenIds.Length} rows of width {HiddenSize} need {tokenIds.Length * HiddenSize} values, got {destination.Length}.", nameof(destination));
        }
        destination.Clear();
        for (var i = 0; i < tokenIds.Length; i++)
        {
            AddProjectedText(tokenIds[i], destination.Slice(i * HiddenSize, HiddenSize));
        }
    }

    /// <summary>Adds the talker codec embedding row C(id) (E_0) to <paramref name="destination"/>.</summary>
    void AddCodec(int codecId, Span<float> destination);

    /// <summary>Adds E_k(code) (k = 1..15, the code predictor's tables) to <paramref name="destination"/>.</summary>
    void AddPredictorCodec(int codebook, int code, Span<float> destination);
}
