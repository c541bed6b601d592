using Qwen3Tts.Inference.Audio;

namespace Qwen3Tts.Tests.Audio;

public sealed class AudioFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("qwen3tts-audio-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(AudioFormat.WavPcm16)]
    [InlineData(AudioFormat.WavFloat32)]
    public async Task WrittenFileReadsBack(AudioFormat format)
    {
        var path = Path.Combine(_directory, "out", "speech.wav");
        var samples = Enumerable.Range(0, 24000).Select(i => MathF.Sin(i * 0.05f) * 0.5f).ToArray();

        await AudioFile.WriteAsync(path, samples, 24000, format, CancellationToken.None);

        var (read, rate) = WavReader.Read(path);
        Assert.Equal(24000, rate);
        Assert.Equal(samples.Length, read.Length);
        var tolerance = format == AudioFormat.WavFloat32 ? 0f : 1f / 32767;
        for (var i = 0; i < samples.Length; i += 97)
        {
            Assert.Equal(samples[i], read[i], tolerance);
        }
        Assert.Equal(["speech.wav"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task ExistingFileIsReplaced()
    {
        var path = Path.Combine(_directory, "a.raw");
        await File.WriteAllTextAsync(path, "old contents that are longer than the new ones");
        await AudioFile.WriteAsync(path, new float[] { 1f }, 24000, AudioFormat.RawPcm16, CancellationToken.None);
        Assert.Equal(new byte[] { 0xFF, 0x7F }, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task CancellationLeavesNoFileBehind()
    {
        var path = Path.Combine(_directory, "cancelled.wav");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            AudioFile.WriteAsync(path, new float[48000], 24000, AudioFormat.WavPcm16, cts.Token));

        Assert.Empty(Directory.GetFiles(_directory));
    }

    [Fact]
    public async Task CancellationKeepsThePreviousFile()
    {
        var path = Path.Combine(_directory, "keep.wav");
        await AudioFile.WriteAsync(path, new float[] { 0.5f }, 24000, AudioFormat.WavPcm16, CancellationToken.None);
        var before = await File.ReadAllBytesAsync(path);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            AudioFile.WriteAsync(path, new float[48000], 24000, AudioFormat.WavPcm16, cts.Token));

        Assert.Equal(before, await File.ReadAllBytesAsync(path));
        Assert.Single(Directory.GetFiles(_directory));
    }
}
