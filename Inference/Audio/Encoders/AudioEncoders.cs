namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary>Creates the encoder of a <see cref="SpeechFormat"/>; checks up front that it exists on this machine.</summary>
public static class AudioEncoders
{
    public static IAudioEncoder Create(SpeechFormat format, Stream output, AudioEncoderOptions? options = null)
    {
        options ??= new AudioEncoderOptions();
        return format switch
        {
            SpeechFormat.Wav or SpeechFormat.Pcm => new WavAudioEncoder(format, output, options),
            SpeechFormat.Flac => new FlacAudioEncoder(output, options),
            SpeechFormat.Opus => new OggOpusEncoder(output, options),
            SpeechFormat.Mp3 or SpeechFormat.Aac => new FfmpegAudioEncoder(format, output, options),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown speech format"),
        };
    }

    /// <summary>Null when the format can be encoded here, else why not and what to install.</summary>
    public static string? WhyUnavailable(SpeechFormat format, AudioEncoderOptions? options = null) =>
        (options ?? new AudioEncoderOptions()).Ffmpeg.WhyUnavailable(format);

    /// <summary>Encodes a whole utterance into memory.</summary>
    public static async Task<byte[]> EncodeAsync(SpeechFormat format, ReadOnlyMemory<float> samples, AudioEncoderOptions? options, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await using (var encoder = Create(format, buffer, options))
        {
            await encoder.WriteAsync(samples, cancellationToken).ConfigureAwait(false);
            await encoder.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        return buffer.ToArray();
    }
}
