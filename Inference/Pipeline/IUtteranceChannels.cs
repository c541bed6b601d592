namespace Qwen3Tts.Inference.Pipeline;

/// <summary>
/// Where a request's utterances run: a long text is spoken chunk by chunk, each chunk with its own talker sequence and
/// vocoder stream (created here, disposed when the chunk ends) and the request's predictor (shared by its chunks,
/// disposed by whoever owns these channels).
/// </summary>
public interface IUtteranceChannels
{
    IPredictorChannel Predictor { get; }

    ITalkerChannel CreateTalker(int chunk);

    IVocoderChannel CreateVocoder(int chunk);
}
