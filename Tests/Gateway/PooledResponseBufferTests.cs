using Qwen3Tts.Gateway;
using Qwen3Tts.Inference.Audio.Encoders;

namespace Qwen3Tts.Tests.Gateway;

/// <summary>The pooled buffer of complete responses holds exactly what a MemoryStream would, header patches included.</summary>
public sealed class PooledResponseBufferTests
{
    [Fact]
    public async Task WritesAndSeeksAcrossSegmentsLikeAMemoryStream()
    {
        var random = new Random(7);
        using var expected = new MemoryStream();
        await using var buffer = new PooledResponseBuffer();
        for (var i = 0; i < 200; i++)
        {
            if (i % 9 == 8)
            {
                // Back into what was written (a header patch), sometimes over a segment boundary.
                var at = random.NextInt64(expected.Length + 1);
                expected.Position = at;
                buffer.Position = at;
            }
            var bytes = new byte[random.Next(0, 40_000)];
            random.NextBytes(bytes);
            expected.Write(bytes);
            await buffer.WriteAsync(bytes);
            Assert.Equal((expected.Length, expected.Position), (buffer.Length, buffer.Position));
        }
        expected.Position = expected.Length;
        buffer.Seek(0, SeekOrigin.End);

        using var copied = new MemoryStream();
        await buffer.WriteToAsync(copied, CancellationToken.None);
        Assert.True(buffer.Length > 3 * 65536, "the test must cross several segments");
        Assert.Equal(expected.ToArray(), copied.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Position = buffer.Length + 1);
    }

    [Fact]
    public async Task AWavEncodedIntoItEqualsOneEncodedIntoAMemoryStream()
    {
        var samples = Enumerable.Range(0, 100_000).Select(i => MathF.Sin(i * 0.01f) * 0.5f).ToArray();
        async Task<byte[]> EncodeAsync(Stream output)
        {
            await using (var encoder = AudioEncoders.Create(SpeechFormat.Wav, output, new AudioEncoderOptions { Streaming = false }))
            {
                await encoder.WriteAsync(samples.AsMemory(0, 30_000), CancellationToken.None);
                await encoder.WriteAsync(samples.AsMemory(30_000), CancellationToken.None);
                await encoder.CompleteAsync(CancellationToken.None);
            }
            using var copy = new MemoryStream();
            if (output is PooledResponseBuffer pooled)
            {
                await pooled.WriteToAsync(copy, CancellationToken.None);
                return copy.ToArray();
            }
            return ((MemoryStream)output).ToArray();
        }

        using var memory = new MemoryStream();
        await using var pooled = new PooledResponseBuffer();
        var expected = await EncodeAsync(memory);
        Assert.Equal(44 + 2 * samples.Length, expected.Length);
        Assert.Equal(expected, await EncodeAsync(pooled));
    }
}
