namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary>An encoder failed while encoding (an external encoder that exited with an error, say).</summary>
public sealed class AudioEncoderException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A format was asked for whose encoder this machine does not have; the message says what to install. Thrown before
/// any synthesis starts, so a client gets a 400 (a CLI user exit code 2) rather than audio in another format.
/// </summary>
public sealed class AudioEncoderUnavailableException(SpeechFormat format, string message) : ArgumentException(message)
{
    public SpeechFormat Format { get; } = format;
}
