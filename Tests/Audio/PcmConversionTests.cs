using Qwen3Tts.Inference.Audio;

namespace Qwen3Tts.Tests.Audio;

public class PcmConversionTests
{
    [Theory]
    [InlineData(0f, 0)]
    [InlineData(1f, 32767)]
    [InlineData(-1f, -32767)]
    [InlineData(1.5f, 32767)]
    [InlineData(-1.5f, -32768)]
    [InlineData(float.PositiveInfinity, 32767)]
    [InlineData(float.NegativeInfinity, -32768)]
    [InlineData(float.NaN, 0)]
    [InlineData(0.5f, 16384)]               // 16383.5: tie, to even
    [InlineData(-0.5f, -16384)]
    [InlineData(0.25f, 8192)]               // 8191.75
    [InlineData(0.5f / 32767f, 0)]          // exactly half an LSB: tie, to even
    [InlineData(1.5f / 32767f, 2)]          // tie, to even (up)
    [InlineData(2.5f / 32767f, 2)]          // tie, to even (down; away-from-zero would give 3)
    [InlineData(-2.5f / 32767f, -2)]
    [InlineData(0.4f / 32767f, 0)]          // below half an LSB
    [InlineData(0.6f / 32767f, 1)]          // above half an LSB
    [InlineData(-0.6f / 32767f, -1)]
    [InlineData(32767.4f / 32767f, 32767)]  // just above full scale, rounds back in
    [InlineData(32767.6f / 32767f, 32767)]  // would round to 32768: clipped
    [InlineData(-32768f / 32767f, -32768)]  // the one negative value beyond -full scale that fits
    [InlineData(-32769f / 32767f, -32768)]
    public void RoundsToNearestAndClips(float sample, short expected)
    {
        // Run each value both alone (scalar tail) and inside a long run (vector body).
        var single = new short[1];
        PcmConversion.FloatToPcm16([sample], single);
        Assert.Equal(expected, single[0]);

        var many = Enumerable.Repeat(sample, 257).ToArray();
        var output = new short[many.Length];
        PcmConversion.FloatToPcm16(many, output);
        Assert.All(output, s => Assert.Equal(expected, s));
    }

    [Fact]
    public void VectorAndScalarPathsAgree()
    {
        var noise = new Qwen3Tts.Inference.Sampling.SamplingRandom(4);
        var samples = new float[10_007];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (float)(noise.NextDouble() * 3 - 1.5);
        }
        samples[17] = float.NaN;
        samples[5000] = float.NegativeInfinity;

        var converted = new short[samples.Length];
        PcmConversion.FloatToPcm16(samples, converted);

        for (var i = 0; i < samples.Length; i++)
        {
            var expected = float.IsNaN(samples[i]) ? (short)0
                : (short)Math.Clamp(Math.Round((double)(samples[i] * 32767f), MidpointRounding.ToEven), -32768, 32767);
            Assert.Equal(expected, converted[i]);
        }
    }

    [Fact]
    public void ShortDestinationIsRejected()
    {
        Assert.Throws<ArgumentException>(() => PcmConversion.FloatToPcm16(new float[10], new short[9]));
    }
}
