namespace Qwen3Tts.Inference.Audio.Encoders;

/// <summary>How an <see cref="IAudioEncoder"/> writes.</summary>
public sealed record AudioEncoderOptions
{
    public int SampleRate { get; init; } = Models.CodecAudio.SampleRate;

    /// <summary>
    /// The output is sent while it is written (an HTTP stream, a pipe): formats whose header holds totals write
    /// them as "unknown" (WAV's 0xFFFFFFFF sizes, FLAC's zero totals and MD5), and the output is flushed after each write.
    /// </summary>
    public bool Streaming { get; init; }

    /// <summary>WAV and PCM only: 32-bit float samples instead of 16-bit integers.</summary>
    public bool Float32 { get; init; }

    /// <summary>Opus bit rate. 32 kb/s is transparent enough for 24 kHz speech and what voice services use.</summary>
    public int OpusBitrate { get; init; } = 32_000;

    /// <summary>MP3 and AAC bit rate (constant).</summary>
    public int CompressedBitrate { get; init; } = 64_000;

    /// <summary>Where mp3 and aac come from.</summary>
    public FfmpegLocator Ffmpeg { get; init; } = FfmpegLocator.Default;
}
