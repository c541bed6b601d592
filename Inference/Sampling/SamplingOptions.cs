namespace Qwen3Tts.Inference.Sampling;

/// <summary>
/// How one token is drawn from logits.
/// </summary>
/// <param name="Temperature">Divides the logits; must be &gt; 0 when sampling.</param>
/// <param name="TopK">Keep the K largest logits (ties with the K-th are kept, as in HF); 0 = off.</param>
/// <param name="TopP">Nucleus: keep the smallest most-probable set whose mass reaches P; 1 = off.</param>
/// <param name="RepetitionPenalty">HF rule over distinct ids of the history: positive ÷ p, negative × p; 1 = off.</param>
/// <param name="RepetitionWindow">How many of the most recent history tokens count; 0 = the whole history.</param>
/// <param name="MinNewTokens">EOS is impossible while step &lt; this (official: 2).</param>
/// <param name="DoSample">False = greedy: argmax after penalty/masks, no temperature/top-k/top-p.</param>
public sealed record SamplingOptions(
    float Temperature,
    int TopK,
    float TopP,
    float RepetitionPenalty,
    int RepetitionWindow,
    int MinNewTokens,
    bool DoSample = true)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (DoSample && !(float.IsFinite(Temperature) && Temperature > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be a finite number > 0 when sampling");
        }
        if (TopK < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "top-k must be >= 0 (0 = off)");
        }
        if (!(TopP > 0f && TopP <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "top-p must be in (0, 1]");
        }
        if (!(float.IsFinite(RepetitionPenalty) && RepetitionPenalty > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(RepetitionPenalty), RepetitionPenalty, "repetition penalty must be a finite number > 0 (1 = off)");
        }
        if (RepetitionWindow < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(RepetitionWindow), RepetitionWindow, "repetition window must be >= 0 (0 = whole history)");
        }
        if (MinNewTokens < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinNewTokens), MinNewTokens, "min new tokens must be >= 0");
        }
    }
}
