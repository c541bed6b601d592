using Qwen3Tts.Inference.Codec.Encoder;

namespace Qwen3Tts.Inference.Voices.Cloning;

/// <summary>
/// Encodes a prepared reference clip (24 kHz mono) into a voice: the speech tokenizer's codes and, where the model
/// set has a speaker encoder, the x-vector. In this process (<see cref="LocalVoiceEncoding"/>) or in a cluster, on
/// the silos that hold those models.
/// </summary>
public interface IVoiceEncoding
{
    Task<EncodedVoice> EncodeAsync(ReferenceAudio clip, string referenceText, CancellationToken cancellationToken = default);
}
