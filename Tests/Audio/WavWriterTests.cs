using System.Buffers.Binary;
using System.Text;
using Qwen3Tts.Inference.Audio;

namespace Qwen3Tts.Tests.Audio;

public class WavWriterTests
{
    private static string Ascii(byte[] bytes, int offset) => Encoding.ASCII.GetString(bytes, offset, 4);
    private static uint U32(byte[] bytes, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
    private static ushort U16(byte[] bytes, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(offset));

    [Fact]
    public void Pcm16HeaderFieldsAreCanonical()
    {
        var output = new MemoryStream();
        using (var writer = new WavWriter(output, 24000, 1, AudioFormat.WavPcm16, leaveOpen: true))
        {
            writer.WriteSamples([0f, 1f, -1f]);
        }
        var bytes = output.ToArray();

        Assert.Equal(44 + 6, bytes.Length);
        Assert.Equal("RIFF", Ascii(bytes, 0));
        Assert.Equal(36u + 6, U32(bytes, 4));
        Assert.Equal("WAVE", Ascii(bytes, 8));
        Assert.Equal("fmt ", Ascii(bytes, 12));
        Assert.Equal(16u, U32(bytes, 16));
        Assert.Equal(1, U16(bytes, 20));          // PCM
        Assert.Equal(1, U16(bytes, 22));          // channels
        Assert.Equal(24000u, U32(bytes, 24));     // sample rate
        Assert.Equal(48000u, U32(bytes, 28));     // byte rate
        Assert.Equal(2, U16(bytes, 32));          // block align
        Assert.Equal(16, U16(bytes, 34));         // bits
        Assert.Equal("data", Ascii(bytes, 36));
        Assert.Equal(6u, U32(bytes, 40));
        Assert.Equal(new byte[] { 0x00, 0x00, 0xFF, 0x7F, 0x01, 0x80 }, bytes[44..]);
    }

    [Fact]
    public void Float32UsesFormatTagThreeAndRawFloats()
    {
        var output = new MemoryStream();
        using (var writer = new WavWriter(output, 22050, 2, AudioFormat.WavFloat32, leaveOpen: true))
        {
            writer.WriteSamples([0.25f, -0.5f]);
        }
        var bytes = output.ToArray();

        Assert.Equal(3, U16(bytes, 20));
        Assert.Equal(2, U16(bytes, 22));
        Assert.Equal(22050u * 8, U32(bytes, 28));
        Assert.Equal(8, U16(bytes, 32));
        Assert.Equal(32, U16(bytes, 34));
        Assert.Equal(8u, U32(bytes, 40));
        Assert.Equal(0.25f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(44)));
        Assert.Equal(-0.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(48)));
    }

    [Fact]
    public void EmptyFileHasAValidHeader()
    {
        var output = new MemoryStream();
        new WavWriter(output, 24000, 1, AudioFormat.WavPcm16, leaveOpen: true).Dispose();
        var bytes = output.ToArray();
        Assert.Equal(44, bytes.Length);
        Assert.Equal(36u, U32(bytes, 4));
        Assert.Equal(0u, U32(bytes, 40));
        Assert.Empty(WavReader.Read(new MemoryStream(bytes)).Samples);
    }

    [Fact]
    public void SizesArePatchedRelativeToWhereTheHeaderStarted()
    {
        var output = new MemoryStream();
        output.Write("prefix"u8);
        using (var writer = new WavWriter(output, 24000, 1, AudioFormat.WavPcm16, leaveOpen: true))
        {
            writer.WriteSamples(new float[5000]); // more than one internal chunk
            writer.WriteSamples(new float[10]);
        }
        var bytes = output.ToArray()[6..];
        Assert.Equal(36u + 10020, U32(bytes, 4));
        Assert.Equal(10020u, U32(bytes, 40));
        Assert.Equal(44 + 10020, bytes.Length);
    }

    [Fact]
    public async Task NonSeekableStreamGetsUnknownSizesAndStillReadsBack()
    {
        var output = new AsyncOnlyStream(allowSyncWrites: false);
        var samples = Enumerable.Range(0, 9000).Select(i => MathF.Sin(i * 0.01f) * 0.8f).ToArray();

        await using (var writer = new WavWriter(output, 24000, 1, AudioFormat.WavPcm16))
        {
            await writer.WriteSamplesAsync(samples.AsMemory(0, 4000));
            await writer.WriteSamplesAsync(samples.AsMemory(4000));
            Assert.Equal(9000, writer.SamplesWritten);
        }

        Assert.True(output.Disposed);
        var bytes = output.Written;
        Assert.Equal(0xFFFF_FFFFu, U32(bytes, 4));
        Assert.Equal(0xFFFF_FFFFu, U32(bytes, 40));
        Assert.Equal(44 + 18000, bytes.Length);

        var (read, rate) = WavReader.Read(new MemoryStream(bytes));
        Assert.Equal(24000, rate);
        Assert.Equal(samples.Length, read.Length);
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.Equal(samples[i], read[i], 1e-4f);
        }
    }

    [Fact]
    public async Task EmptyNonSeekableFileDeclaresZeroBytes()
    {
        var output = new AsyncOnlyStream(allowSyncWrites: false);
        await new WavWriter(output, 24000, 1, AudioFormat.WavFloat32).DisposeAsync();
        Assert.Equal(0u, U32(output.Written, 40));
    }

    [Fact]
    public async Task SyncAndAsyncWritesProduceIdenticalBytes()
    {
        var samples = Enumerable.Range(0, 5000).Select(i => (i % 200 - 100) / 90f).ToArray();
        foreach (var format in Enum.GetValues<AudioFormat>())
        {
            var sync = new MemoryStream();
            using (var writer = new WavWriter(sync, 24000, 1, format, leaveOpen: true))
            {
                writer.WriteSamples(samples);
            }

            var async = new MemoryStream();
            await using (var writer = new WavWriter(async, 24000, 1, format, leaveOpen: true))
            {
                await writer.WriteSamplesAsync(samples);
            }

            Assert.Equal(sync.ToArray(), async.ToArray());
        }
    }

    [Fact]
    public void RawFormatsHaveNoHeader()
    {
        var pcm = new MemoryStream();
        using (var writer = new WavWriter(pcm, 24000, 1, AudioFormat.RawPcm16, leaveOpen: true))
        {
            writer.WriteSamples([1f, -1f]);
        }
        Assert.Equal(new byte[] { 0xFF, 0x7F, 0x01, 0x80 }, pcm.ToArray());

        var floats = new MemoryStream();
        using (var writer = new WavWriter(floats, 24000, 1, AudioFormat.RawFloat32, leaveOpen: true))
        {
            writer.WriteSamples([0.5f]);
        }
        Assert.Equal(BitConverter.GetBytes(0.5f), floats.ToArray());
    }

    [Fact]
    public void LeaveOpenIsHonoured()
    {
        var kept = new MemoryStream();
        new WavWriter(kept, 24000, 1, AudioFormat.WavPcm16, leaveOpen: true).Dispose();
        Assert.True(kept.CanWrite);

        var closed = new MemoryStream();
        new WavWriter(closed, 24000, 1, AudioFormat.WavPcm16).Dispose();
        Assert.False(closed.CanWrite);
    }

    [Fact]
    public void WritingAfterDisposeThrows()
    {
        var writer = new WavWriter(new MemoryStream(), 24000, 1, AudioFormat.WavPcm16);
        writer.Dispose();
        writer.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => writer.WriteSamples([0f]));
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WavWriter(new MemoryStream(), 0, 1, AudioFormat.WavPcm16));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WavWriter(new MemoryStream(), 24000, 0, AudioFormat.WavPcm16));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WavWriter(new MemoryStream(), 24000, 1, (AudioFormat)42));
        Assert.Throws<ArgumentException>(() => new WavWriter(new MemoryStream([], writable: false), 24000, 1, AudioFormat.WavPcm16));
    }
}
