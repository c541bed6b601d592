using Qwen3Tts.Inference.Audio;
using Qwen3Tts.Inference.Codec.Encoder;
using static Qwen3Tts.Tests.Audio.WavFixtures;

namespace Qwen3Tts.Tests.Codec.Encoder;

public sealed class ReferenceAudioTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qwen3-reference-audio-").FullName;

    private string Write(byte[] wav)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.wav");
        File.WriteAllBytes(path, wav);
        return path;
    }

    private static short[] Tone(int rate, double seconds, double amplitude, int channels = 1) =>
        Enumerable.Range(0, (int)(rate * seconds) * channels)
            .Select(i => (short)(amplitude * 32767 * Math.Sin(2 * Math.PI * 220 * (i / channels) / (double)rate))).ToArray();

    [Fact]
    public void StereoAt44100IsAveragedAndResampledTo24k()
    {
        var path = Write(Riff(Fmt(1, 2, 44100, 16), Chunk("data", Int16s(Tone(44100, 0.5, 0.5, channels: 2)))));

        var audio = ReferenceAudio.Load(path);

        Assert.Equal(24000, audio.SampleRate);
        Assert.Equal(12000, audio.Samples.Length);
        Assert.Equal((44100, 2), (audio.Source.SampleRate, audio.Source.Channels));
        Assert.InRange(audio.Samples.Max(), 0.49f, 0.51f);
    }

    [Fact]
    public void EveryUnusableClipIsAReferenceAudioErrorNamingTheProblem()
    {
        string Error(byte[] wav) => Assert.Throws<ReferenceAudioException>(() => ReferenceAudio.Load(Write(wav))).Message;

        Assert.EndsWith("not a RIFF/WAVE file", Error("ID3 not a wav"u8.ToArray()));
        Assert.EndsWith("the audio has no samples", Error(Riff(Fmt(1, 1, 24000, 16), Chunk("data", []))));
        Assert.Contains("the audio is silent", Error(Riff(Fmt(1, 1, 24000, 16), Chunk("data", Int16s(Tone(24000, 0.2, 0.0002))))));
        Assert.Contains("is 61.0 s long; at most 60 s are accepted", Error(Riff(Fmt(1, 1, 8000, 8), Chunk("data", new byte[8000 * 61]))));
        Assert.Contains("unsupported WAV format tag 7 (mu-law)", Error(Riff(Fmt(7, 1, 8000, 8), Chunk("data", [1, 2]))));
        Assert.Contains("reference audio not found", Assert.Throws<ReferenceAudioException>(() => ReferenceAudio.Load(Path.Combine(_dir, "none.wav"))).Message);
    }

    [Fact]
    public void NonFiniteSamplesAreRefused()
    {
        var wav = new WavAudio([0.5f, float.NaN], 24000, 1, 32, WavSampleEncoding.Float);

        Assert.Contains("NaN or infinite", Assert.Throws<ReferenceAudioException>(() => ReferenceAudio.Prepare(wav, "n.wav")).Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
